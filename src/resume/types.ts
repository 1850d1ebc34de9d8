/**
 * Options of the ledger-backed upload, and the context one upload session works in.
 */
import type { Ledger, LockOwner, UploadKey } from '../ledger/types.js';
import type { FileSnapshot } from '../sources/file-source.js';
import type { UploadEvents, UploadOptions } from '../upload/types.js';
import type { VimeoClient } from '../vimeo/client.js';
import type { AccountCache } from './account-cache.js';
import type { FileIdentity } from './file-identity.js';

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

/** Where the session sends its events (the handle). */
export interface SessionEvents {
  emit<E extends keyof UploadEvents>(event: E, ...args: UploadEvents[E]): boolean;
}

/** Everything a session needs, prepared by `startLedgerUpload`. */
export interface SessionContext {
  readonly options: LedgerUploadOptions;
  readonly ledger: Ledger;
  readonly client: VimeoClient;
  readonly file: FileSnapshot;
  readonly identity: FileIdentity;
  /** The key by the canonical path (`realpath`): one file, however it is named. */
  readonly key: UploadKey;
  /** The key by the absolute path as given, when it differs: records of older versions. */
  readonly legacyKey?: UploadKey;
  /** The caller's signal combined with the lock's "lost" signal. */
  readonly signal: AbortSignal;
  /** True once the lock was lost: then the record belongs to someone else and is not written. */
  readonly lockLost: () => boolean;
  readonly events: SessionEvents;
  readonly startedMs: number;
}
