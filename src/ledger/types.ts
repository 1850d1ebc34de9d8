/**
 * The ledger's interface: a durable record of every upload, from before its video is created
 * until it is verified. The engine and the CLI talk only to this interface; SQLite is one backend
 * (src/ledger/sqlite-ledger.ts) and every backend passes the contract suite in test/ledger/.
 *
 * Nothing secret is ever stored: no token. The upload link is stored (it is how an upload is
 * resumed), so the ledger file is created owner-only.
 */

/**
 * `creating` → `uploading` → `uploaded` → `verified` → `processed`, or `failed` (with `errorCode`).
 * `creating` is written before the create call is sent, so a crash inside that call is visible.
 */
export type UploadState = 'creating' | 'uploading' | 'uploaded' | 'verified' | 'processed' | 'failed';

export interface UploadRecord {
  readonly id: string;
  /** Absolute path of the local file. */
  readonly filePath: string;
  readonly fileSize: number;
  readonly fileMtimeMs: number;
  /** Cheap content fingerprint (see src/sources/fingerprint.ts). */
  readonly fingerprint: string;
  /** API base URL the upload targets, e.g. `https://api.vimeo.com`. */
  readonly apiUrl: string;
  /** The account the token belongs to (`/users/123` from `GET /me`). */
  readonly accountUri: string;
  /** The name sent in the create call (used to find the video again after a crash). */
  readonly videoName: string | null;
  readonly videoUri: string | null;
  readonly videoLink: string | null;
  readonly uploadLink: string | null;
  /** Last `Upload-Offset` the server acknowledged. */
  readonly ackedBytes: number;
  readonly state: UploadState;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /** Epoch ms when the create call was (about to be) sent; null before that. */
  readonly createRequestedAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What a caller provides to start a record; the ledger fills in id and timestamps. */
export type NewUploadRecord = Omit<UploadRecord, 'id' | 'createdAt' | 'updatedAt'>;

/** Fields that change over an upload's life. */
export type UploadRecordPatch = Partial<
  Pick<
    UploadRecord,
    | 'fileSize'
    | 'fileMtimeMs'
    | 'fingerprint'
    | 'videoName'
    | 'videoUri'
    | 'videoLink'
    | 'uploadLink'
    | 'ackedBytes'
    | 'state'
    | 'errorCode'
    | 'errorMessage'
    | 'createRequestedAt'
  >
>;

/** Which upload a file is, for one target account. */
export interface UploadKey {
  readonly filePath: string;
  readonly apiUrl: string;
  readonly accountUri: string;
}

/** Who holds an upload's lock. */
export interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  /**
   * Tells apart two owners inside one process (two concurrent uploads of one file from one
   * program). Two owners are the same only when pid, hostname and instanceId all match.
   * @default ''
   */
  readonly instanceId?: string;
}

/** A held lock, as stored. */
export interface LockInfo extends Required<LockOwner> {
  readonly name: string;
  /** Epoch ms when the current owner took the lock. */
  readonly acquiredAt: number;
  /** Epoch ms of the owner's last `tryLock`/`refreshLock`. */
  readonly heartbeatAt: number;
}

/**
 * The ledger. Promise-based so that a networked backend (PostgreSQL) fits the same interface.
 * Every method throws `LedgerError` on storage failure.
 */
export interface Ledger {
  /**
   * How long a silent lock holder is trusted: `tryLock`'s default, and the stale period of the
   * upload locks (whose heartbeat beats a few times within it). Every process sharing the ledger
   * must agree on it. @default DEFAULT_LOCK_STALE_AFTER_MS (60 s)
   */
  readonly lockStaleAfterMs?: number;
  insert(record: NewUploadRecord): Promise<UploadRecord>;
  /**
   * Applies the patch and bumps `updatedAt`. `ackedBytes` never decreases through this call,
   * except when the patch sets a different `uploadLink` (a new tus upload starts at its own
   * offset: then `ackedBytes` is the patch's, 0 when absent).
   */
  update(id: string, patch: UploadRecordPatch): Promise<UploadRecord>;
  get(id: string): Promise<UploadRecord | undefined>;
  /** The newest record for this file and account, whatever its state. */
  findLatest(key: UploadKey): Promise<UploadRecord | undefined>;
  /** Every record of this local file (absolute path), for any account, newest first. */
  findByFile(filePath: string): Promise<UploadRecord[]>;
  /** Every record of this video (several after `--new` or a replace), newest first. */
  findByVideo(videoUri: string): Promise<UploadRecord[]>;
  /** All records, newest first (by `createdAt`, then by insertion order). */
  list(): Promise<UploadRecord[]>;
  /** Deletes one record (the video on Vimeo stays). True when it existed. */
  remove(id: string): Promise<boolean>;
  /**
   * Takes a lock, atomically. `name` is any string: a record id, or (to stop two processes from
   * both creating a video for one file) `uploadLockName(key)` from src/ledger/lock-policy.ts.
   * Locks are independent of records (a lock may exist before its record does).
   *
   * Returns true when the caller now holds it: it was free, already held by this same owner
   * (the heartbeat is refreshed), or held by an owner that is gone: same hostname and its pid
   * is not alive, or its heartbeat is at least `staleAfterMs` old
   * (@default `lockStaleAfterMs`). Returns false when another live owner holds it.
   */
  tryLock(name: string, owner: LockOwner, staleAfterMs?: number): Promise<boolean>;
  /**
   * Refreshes a held lock (heartbeat). Throws `LedgerError` with code `E_UPLOAD_LOCKED` when the
   * caller does not hold it (anymore): it was taken over as stale, or never held.
   */
  refreshLock(name: string, owner: LockOwner): Promise<void>;
  /** Releases the lock if `owner` holds it; does nothing otherwise. */
  unlock(name: string, owner: LockOwner): Promise<void>;
  /** Who holds this lock now, if anyone (a stale lock is still reported). */
  getLock(name: string): Promise<LockInfo | undefined>;
  /** Closes the backend. Idempotent; any later call throws `LedgerError`. */
  close(): Promise<void>;
}
