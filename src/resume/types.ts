/**
 * Options of the ledger-backed upload.
 */
import type { Ledger, LockOwner } from '../ledger/types.js';
import type { UploadOptions } from '../upload/types.js';
import type { AccountCache } from './account-cache.js';

/** Options of {@link startLedgerUpload}: the engine's options plus the ledger. */
export interface LedgerUploadOptions extends UploadOptions {
  /** Where uploads are recorded (see `openLedger`). The caller opens and closes it. */
  readonly ledger: Ledger;
  /**
   * Start a new video even when the ledger knows an unfinished (or finished) upload of this file
   * (`--new`). The earlier record is marked `failed` (superseded); its video stays on Vimeo.
   * @default false
   */
  readonly newUpload?: boolean;
  /** Who holds the upload's lock. @default currentLockOwner() (this pid and host, a fresh instance id) */
  readonly lockOwner?: LockOwner;
  /** Share `GET /me` answers between uploads of one run. @default a cache for this upload only */
  readonly accounts?: AccountCache;
  /** How long a silent lock holder is trusted (mostly for tests). @default DEFAULT_LOCK_STALE_AFTER_MS */
  readonly lockStaleAfterMs?: number;
  /**
   * Crash recovery: how much earlier than the recorded create time a found video's
   * `created_time` may be. @default DEFAULT_CREATE_SKEW_MS (5 min)
   */
  readonly createSkewMs?: number;
}
