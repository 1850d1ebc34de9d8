import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import { runLedgerContract } from './ledger-contract.js';

runLedgerContract('SqliteLedger', async (hooks) => {
  const dir = await mkdtemp(join(tmpdir(), 'vimeo-tus-ledger-'));
  const ledger = openSqliteLedger(join(dir, 'state', 'ledger.db'), hooks);
  return {
    ledger,
    cleanup: async () => {
      await ledger.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
