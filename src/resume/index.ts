/**
 * The ledger-backed upload: record every upload, continue it after any interruption on the same
 * video, recover the create-call crash window, refuse a changed file, one process per file.
 */
export { PLACEHOLDER_KEPT_CODE, SUPERSEDED_CODE, VIDEO_GONE_CODE } from './failure-rules.js';
export { runLedgerUpload } from './ledger-upload.js';
export type { LedgerUploadOptions } from './types.js';
