import { describe, expect, it } from 'vitest';
import {
  AuthError,
  isRetryable,
  NetworkError,
  redact,
  summarizeRequest,
  VimeoTusError,
} from '../../src/errors.js';

describe('errors', () => {
  it('carries a stable code, retryable flag and class name', () => {
    const auth = new AuthError('no token', {
      request: { method: 'POST', host: 'api.vimeo.com', status: 401 },
    });
    expect(auth).toBeInstanceOf(VimeoTusError);
    expect(auth).toBeInstanceOf(Error);
    expect(auth.code).toBe('E_AUTH');
    expect(auth.name).toBe('AuthError');
    expect(auth.status).toBe(401);
    expect(isRetryable(auth)).toBe(false);
    expect(isRetryable(new NetworkError('reset'))).toBe(true);
    expect(isRetryable(new Error('plain'))).toBe(false);
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
