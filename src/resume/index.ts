/**
 * The ledger-backed upload: record every upload, continue it after any interruption on the same
 * video, recover the create-call crash window, refuse a changed file, one process per file.
 */
export { AccountCache } from './account-cache.js';
export { PLACEHOLDER_KEPT_CODE, SUPERSEDED_CODE, VIDEO_GONE_CODE } from './failure-rules.js';
export { startLedgerUpload, uploadWithLedger } from './ledger-upload.js';
export { DEFAULT_CREATE_SKEW_MS } from './placeholder.js';
export {
  createLedgerStarter,
  type LedgerStarter,
  type LedgerStarterOptions,
  type LedgerStartIntent,
} from './starter.js';
export type { LedgerUploadOptions } from './types.js';
