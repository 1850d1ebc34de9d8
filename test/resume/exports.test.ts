import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

describe('public API of the ledger-backed upload', () => {
  it('exports the ledger-backed upload, the ledger opener and the state-dir resolver', () => {
    const exported: Record<string, unknown> = { ...api };
    for (const name of [
      'startLedgerUpload',
      'uploadWithLedger',
      'createLedgerStarter',
      'AccountCache',
      'openLedger',
      'ledgerPath',
      'MemoryLedger',
      'resolveStateDir',
    ]) {
      expect(typeof exported[name], name).toBe('function');
    }
    expect(api.ledgerPath('/state')).toBe(`/state/${api.LEDGER_FILE_NAME}`);
  });

  it('refuses a caller-given resume target (the ledger finds it) through done', async () => {
    const ledger = new api.MemoryLedger();
    const upload = api.startLedgerUpload('/nowhere.mp4', {
      token: 't',
      ledger,
      resume: { videoUri: '/videos/1', uploadLink: 'http://127.0.0.1:1/files/x' },
    });
    await expect(upload.done).rejects.toMatchObject({ code: 'E_LEDGER' });
    await expect(api.startLedgerUpload('/nowhere.mp4', { token: '', ledger }).done).rejects.toMatchObject({
      code: 'E_CONFIG',
    });
    await ledger.close();
  });
});
