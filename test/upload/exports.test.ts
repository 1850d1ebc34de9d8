import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

describe('public API', () => {
  it('exports the entry points, the REST client, the ledger and the error classes', () => {
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
      'openLedger',
      'MemoryLedger',
    ]) {
      expect(typeof exported[name], name).toBe('function');
    }
    for (const gone of ['startLedgerUpload', 'uploadWithLedger', 'createLedgerStarter', 'AccountCache']) {
      expect(exported[gone], gone).toBeUndefined();
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
      replace: '/videos/1',
    });
    await expect(conflicting.done).rejects.toMatchObject({ code: 'E_CONFIG' });
    // The ledger finds the upload to continue itself.
    const ledger = new api.MemoryLedger();
    const withLedger = api.createUpload('/definitely/not/here.mp4', {
      token: 't',
      ledger,
      resume: { videoUri: '/videos/1', uploadLink: 'http://127.0.0.1:1/files/x' },
    });
    await expect(withLedger.done).rejects.toMatchObject({ code: 'E_CONFIG' });
    await expect(api.createUpload('/nowhere.mp4', { token: '', ledger }).done).rejects.toMatchObject({
      code: 'E_CONFIG',
    });
    await ledger.close();
  });
});
