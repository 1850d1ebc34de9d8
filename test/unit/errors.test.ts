import { describe, expect, it } from 'vitest';
import {
  attachUpload,
  ConfigError,
  CreateOutcomeUnknownError,
  isRetryable,
  ListenerError,
  NetworkError,
  redact,
  summarizeRequest,
  TusError,
  VimeoApiError,
  VimeoTusError,
} from '../../src/errors.js';

describe('errors', () => {
  it('carries a stable code, retryable flag and class name', () => {
    const auth = new VimeoApiError('no token', {
      code: 'E_AUTH',
      request: { method: 'POST', host: 'api.vimeo.com', status: 401 },
    });
    expect(auth).toBeInstanceOf(VimeoTusError);
    expect(auth).toBeInstanceOf(Error);
    expect(auth.code).toBe('E_AUTH');
    expect(auth.name).toBe('VimeoApiError');
    expect(auth.status).toBe(401);
    expect(isRetryable(auth)).toBe(false);
    expect(isRetryable(new NetworkError('reset'))).toBe(true);
    expect(isRetryable(new Error('plain'))).toBe(false);
  });

  it('one class per origin, a code per condition, with the retryable default the code implies', () => {
    expect(new VimeoApiError('x')).toMatchObject({ code: 'E_VIMEO_API', retryable: false });
    expect(new VimeoApiError('x', { code: 'E_RATE_LIMITED' })).toMatchObject({ retryable: true });
    expect(new TusError('E_RATE_LIMITED', 'x')).toMatchObject({ retryable: true });
    expect(new TusError('E_UPLOAD_LINK_GONE', 'x')).toMatchObject({ retryable: false });
    expect(new NetworkError('x', { code: 'E_STALLED' })).toMatchObject({ retryable: true });
    expect(new NetworkError('x', { code: 'E_RETRIES_EXHAUSTED' })).toMatchObject({ retryable: false });
    // Their own codes: a listener's bug is not a bad option, a lost create answer not an API error.
    const listener = new ListenerError('progress', new Error('bug'));
    expect(listener).toMatchObject({ code: 'E_LISTENER', name: 'ListenerError', event: 'progress' });
    expect(listener).not.toBeInstanceOf(ConfigError);
    const unknown = new CreateOutcomeUnknownError('maybe', { requestStartedAt: '2026-01-01T00:00:00Z' });
    expect(unknown).toMatchObject({ code: 'E_CREATE_OUTCOME_UNKNOWN', mayHaveCreatedVideo: true });
    expect(unknown).not.toBeInstanceOf(VimeoApiError);
  });

  it('names the video and upload link once known; the link never shows in JSON or as an own property', () => {
    const link = 'https://files.example/upload/secret-id';
    const error = attachUpload(new NetworkError('reset'), { videoUri: '/videos/1', uploadLink: link });
    // The first knowledge stays (the innermost code knew best).
    attachUpload(error, { videoUri: '/videos/2', uploadLink: 'https://other' });
    expect(error.videoUri).toBe('/videos/1');
    expect(error.uploadLink).toBe(link);
    expect(error.toJSON()).toMatchObject({ videoUri: '/videos/1' });
    expect(JSON.stringify(error)).not.toContain('secret-id');
    expect(Object.keys(error)).not.toContain('uploadLink');
    expect(new VimeoApiError('x', { videoUri: '/videos/3' }).videoUri).toBe('/videos/3');
    expect(attachUpload('not ours', { videoUri: '/videos/1' })).toBe('not ours');
  });

  it('redacts every secret occurrence', () => {
    const link = 'http://127.0.0.1:1234/files/abcdef0123456789abcdef0123456789';
    expect(redact(`PATCH ${link} failed; again ${link}; token tok_secret`, [link, 'tok_secret'])).toBe(
      'PATCH [redacted] failed; again [redacted]; token [redacted]',
    );
  });

  it('summarizes a request by method and host only', () => {
    const s = summarizeRequest('PATCH', 'https://files.tus.vimeo.com/files/abc123', 409);
    expect(s).toEqual({ method: 'PATCH', host: 'files.tus.vimeo.com', status: 409 });
    expect(JSON.stringify(s)).not.toContain('abc123');
  });
});
