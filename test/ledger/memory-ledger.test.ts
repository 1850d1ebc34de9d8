import { MemoryLedger } from '../../src/ledger/memory-ledger.js';
import { runLedgerContract } from './ledger-contract.js';

runLedgerContract('MemoryLedger', async (hooks) => {
  const ledger = new MemoryLedger(hooks);
  return { ledger, cleanup: () => ledger.close() };
});
