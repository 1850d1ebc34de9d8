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
}

/**
 * The ledger. Promise-based so that a networked backend (PostgreSQL) fits the same interface.
 * Every method throws `LedgerError` on storage failure.
 */
export interface Ledger {
  insert(record: NewUploadRecord): Promise<UploadRecord>;
  /** Applies the patch and bumps `updatedAt`. `ackedBytes` never decreases through this call. */
  update(id: string, patch: UploadRecordPatch): Promise<UploadRecord>;
  get(id: string): Promise<UploadRecord | undefined>;
  /** The newest record for this file and account that is not `processed`/`verified`, if any. */
  findUnfinished(key: UploadKey): Promise<UploadRecord | undefined>;
  /** The newest record for this file and account, whatever its state. */
  findLatest(key: UploadKey): Promise<UploadRecord | undefined>;
  findByVideo(videoUri: string): Promise<UploadRecord[]>;
  /** All records, newest first. */
  list(): Promise<UploadRecord[]>;
  remove(id: string): Promise<boolean>;
  /**
   * Takes the lock on one upload. Returns false when another live owner holds it. A lock whose
   * owner process is gone (same host, pid not alive) or that was not refreshed within
   * `staleAfterMs` is taken over.
   */
  tryLock(id: string, owner: LockOwner, staleAfterMs?: number): Promise<boolean>;
  /** Refreshes a held lock (heartbeat). */
  refreshLock(id: string, owner: LockOwner): Promise<void>;
  unlock(id: string, owner: LockOwner): Promise<void>;
  close(): Promise<void>;
}
