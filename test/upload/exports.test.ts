import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

describe('public API', () => {
  it('exports the engine, the REST client and the error classes', () => {
    const exported: Record<string, unknown> = { ...api };
    for (const name of [
      'createUpload',
      'uploadVideo',
      'replaceVideo',
      'verifyUpload',
      'waitForProcessing',
      'VimeoClient',
      'VimeoTusError',
      'AuthError',
      'QuotaError',
      'RateLimitError',
      'CreateOutcomeUnknownError',
      'ListenerError',
      'videoUriOfError',
    ]) {
      expect(typeof exported[name], name).toBe('function');
    }
    expect(api.DEFAULT_API_URL).toBe('https://api.vimeo.com');
    expect(api.DEFAULT_CHUNK_SIZE_BYTES).toBe(128 * 1024 * 1024);
    expect(api.MIN_CHUNK_SIZE_BYTES).toBe(1024 * 1024);
  });

  it('rejects bad options through done with a ConfigError, before touching the file', async () => {
    const upload = api.createUpload('/definitely/not/here.mp4', { token: '' });
    await expect(upload.done).rejects.toBeInstanceOf(api.ConfigError);
    const conflicting = api.createUpload('/definitely/not/here.mp4', {
      token: 't',
      resume: { videoUri: '/videos/1', uploadLink: 'http://127.0.0.1:1/files/x' },
      replaceVideoUri: '/videos/1',
    });
    await expect(conflicting.done).rejects.toMatchObject({ code: 'E_CONFIG' });
  });
});
