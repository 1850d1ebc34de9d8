/**
 * The ledger module's public surface: the `Ledger` interface and its types, the SQLite and
 * in-memory backends, the lock helpers, and the record rules the orchestration relies on.
 */
export { type AcquireLockOptions, type AcquireResult, acquireLock, type HeldLock } from './lock-holder.js';
export {
  currentLockOwner,
  DEFAULT_LOCK_HEARTBEAT_MS,
  DEFAULT_LOCK_STALE_AFTER_MS,
  isPidAlive,
  type LedgerClockOptions,
  type PidProbe,
  uploadLockName,
} from './lock-policy.js';
export { MemoryLedger } from './memory-ledger.js';
export { LEDGER_FILE_NAME, ledgerPath, type OpenLedgerOptions, openLedger } from './open-ledger.js';
export { FINISHED_STATES, isUnfinished, UPLOAD_STATES } from './record-rules.js';
export { openSqliteLedger, SqliteLedger, type SqliteLedgerOptions } from './sqlite-ledger.js';
export { DEFAULT_BUSY_TIMEOUT_MS } from './sqlite-open.js';
export { LEDGER_SCHEMA_VERSION } from './sqlite-schema.js';
export type * from './types.js';
