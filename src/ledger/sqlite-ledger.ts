/**
 * The default ledger backend: one SQLite file (better-sqlite3, WAL), shared safely by several
 * vimeo-tus processes on one machine. Statements are synchronous and short; a writer waits up to
 * the busy timeout for another process's transaction.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { LedgerError } from '../errors.js';
import {
  checkLockArgs,
  DEFAULT_LOCK_STALE_AFTER_MS,
  isLockTakeable,
  isPidAlive,
  type LedgerClockOptions,
  lockLostError,
  type PidProbe,
  sameOwner,
} from './lock-policy.js';
import { checkNewRecord, mergePatch } from './record-rules.js';
import { ledgerFailure } from './sqlite-errors.js';
import { type OpenDatabaseOptions, openDatabase } from './sqlite-open.js';
import type {
  Ledger,
  LockInfo,
  LockOwner,
  NewUploadRecord,
  UploadKey,
  UploadRecord,
  UploadRecordPatch,
} from './types.js';

/** A row of `uploads` as SQLite returns it. */
interface UploadRow {
  id: string;
  file_path: string;
  file_size: number;
  file_mtime_ms: number;
  fingerprint: string;
  api_url: string;
  account_uri: string;
  video_name: string | null;
  video_uri: string | null;
  video_link: string | null;
  upload_link: string | null;
  acked_bytes: number;
  state: UploadRecord['state'];
  error_code: string | null;
  error_message: string | null;
  create_requested_at: number | null;
  created_at: number;
  updated_at: number;
}

interface LockRow {
  name: string;
  pid: number;
  hostname: string;
  instance_id: string;
  acquired_at: number;
  heartbeat_at: number;
}

function toRecord(row: UploadRow): UploadRecord {
  return {
    id: row.id,
    filePath: row.file_path,
    fileSize: row.file_size,
    fileMtimeMs: row.file_mtime_ms,
    fingerprint: row.fingerprint,
    apiUrl: row.api_url,
    accountUri: row.account_uri,
    videoName: row.video_name,
    videoUri: row.video_uri,
    videoLink: row.video_link,
    uploadLink: row.upload_link,
    ackedBytes: row.acked_bytes,
    state: row.state,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    createRequestedAt: row.create_requested_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Named parameters for an INSERT or UPDATE of every column. */
function toParams(record: UploadRecord): UploadRow {
  return {
    id: record.id,
    file_path: record.filePath,
    file_size: record.fileSize,
    file_mtime_ms: record.fileMtimeMs,
    fingerprint: record.fingerprint,
    api_url: record.apiUrl,
    account_uri: record.accountUri,
    video_name: record.videoName,
    video_uri: record.videoUri,
    video_link: record.videoLink,
    upload_link: record.uploadLink,
    acked_bytes: record.ackedBytes,
    state: record.state,
    error_code: record.errorCode,
    error_message: record.errorMessage,
    create_requested_at: record.createRequestedAt,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

function toLock(row: LockRow): LockInfo {
  return {
    name: row.name,
    pid: row.pid,
    hostname: row.hostname,
    instanceId: row.instance_id,
    acquiredAt: row.acquired_at,
    heartbeatAt: row.heartbeat_at,
  };
}

const COLUMNS = Object.keys(toParams({} as UploadRecord));
const NEWEST_FIRST = 'ORDER BY created_at DESC, rowid DESC';
const BY_KEY = 'api_url = @apiUrl AND account_uri = @accountUri AND file_path = @filePath';

const SQL = {
  insert: `INSERT INTO uploads (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`,
  update: `UPDATE uploads SET ${COLUMNS.filter((c) => c !== 'id')
    .map((c) => `${c} = @${c}`)
    .join(', ')} WHERE id = @id`,
  get: 'SELECT * FROM uploads WHERE id = ?',
  findLatest: `SELECT * FROM uploads WHERE ${BY_KEY} ${NEWEST_FIRST} LIMIT 1`,
  findByFile: `SELECT * FROM uploads WHERE file_path = ? ${NEWEST_FIRST}`,
  findByVideo: `SELECT * FROM uploads WHERE video_uri = ? ${NEWEST_FIRST}`,
  list: `SELECT * FROM uploads ${NEWEST_FIRST}`,
  remove: 'DELETE FROM uploads WHERE id = ?',
  getLock: 'SELECT * FROM locks WHERE name = ?',
  putLock:
    'INSERT OR REPLACE INTO locks (name, pid, hostname, instance_id, acquired_at, heartbeat_at) ' +
    'VALUES (@name, @pid, @hostname, @instanceId, @acquiredAt, @heartbeatAt)',
  heartbeat: 'UPDATE locks SET heartbeat_at = max(heartbeat_at, ?) WHERE name = ?',
  deleteLock: 'DELETE FROM locks WHERE name = ?',
} as const;

/** Options for `openSqliteLedger`. */
export interface SqliteLedgerOptions extends OpenDatabaseOptions, LedgerClockOptions {}

/** The SQLite `Ledger`. Create it with `openSqliteLedger` or `openLedger`. */
export class SqliteLedger implements Ledger {
  /** Absolute path of the database file. */
  readonly path: string;
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #probe: PidProbe;
  /** How long a silent lock holder is trusted (the default of `tryLock`, and of upload locks). */
  readonly lockStaleAfterMs: number;
  readonly #statements = new Map<string, Database.Statement>();
  #closed = false;

  /** @internal use `openSqliteLedger` */
  constructor(path: string, db: Database.Database, options: LedgerClockOptions = {}) {
    this.path = path;
    this.#db = db;
    const clock = options.now ?? Date.now;
    this.#now = () => Math.floor(clock());
    this.#probe = options.isPidAlive ?? isPidAlive;
    this.lockStaleAfterMs = options.lockStaleAfterMs ?? DEFAULT_LOCK_STALE_AFTER_MS;
  }

  /** Runs `fn` as one IMMEDIATE transaction: the write lock is taken before anything is read. */
  #immediate<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  /** Runs `fn` on the open database, turning any failure into a `LedgerError` naming the file. */
  #run<T>(action: string, fn: () => T): Promise<T> {
    try {
      if (this.#closed) throw new LedgerError(`The vimeo-tus ledger at ${this.path} is closed`);
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(ledgerFailure(this.path, action, error));
    }
  }

  /** The prepared statement for `sql`, compiled once per connection. */
  #stmt(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #get(id: string): UploadRecord | undefined {
    const row = this.#stmt(SQL.get).get(id) as UploadRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  insert(record: NewUploadRecord): Promise<UploadRecord> {
    return this.#run('add a record to', () => {
      const nowMs = this.#now();
      const stored: UploadRecord = {
        ...checkNewRecord(record),
        id: randomUUID(),
        createdAt: nowMs,
        updatedAt: nowMs,
      };
      this.#stmt(SQL.insert).run(toParams(stored));
      return stored;
    });
  }

  update(id: string, patch: UploadRecordPatch): Promise<UploadRecord> {
    return this.#run('update a record in', () =>
      this.#immediate(() => {
        const current = this.#get(id);
        if (!current) throw new LedgerError(`No ledger record with id ${id} in ${this.path}`);
        const next = mergePatch(current, patch, this.#now());
        this.#stmt(SQL.update).run(toParams(next));
        return next;
      }),
    );
  }

  get(id: string): Promise<UploadRecord | undefined> {
    return this.#run('read', () => this.#get(id));
  }

  findLatest(key: UploadKey): Promise<UploadRecord | undefined> {
    return this.#run('read', () => {
      const row = this.#stmt(SQL.findLatest).get(keyParams(key)) as UploadRow | undefined;
      return row ? toRecord(row) : undefined;
    });
  }

  findByFile(filePath: string): Promise<UploadRecord[]> {
    return this.#run('read', () => (this.#stmt(SQL.findByFile).all(filePath) as UploadRow[]).map(toRecord));
  }

  findByVideo(videoUri: string): Promise<UploadRecord[]> {
    return this.#run('read', () => (this.#stmt(SQL.findByVideo).all(videoUri) as UploadRow[]).map(toRecord));
  }

  list(): Promise<UploadRecord[]> {
    return this.#run('read', () => (this.#stmt(SQL.list).all() as UploadRow[]).map(toRecord));
  }

  remove(id: string): Promise<boolean> {
    return this.#run('remove a record from', () => this.#stmt(SQL.remove).run(id).changes > 0);
  }

  tryLock(name: string, owner: LockOwner, staleAfterMs = this.lockStaleAfterMs): Promise<boolean> {
    return this.#run('take a lock in', () => {
      checkLockArgs(name, owner, staleAfterMs);
      // IMMEDIATE: the write lock is taken before the read, so two processes cannot both see
      // the lock free (or stale) and both take it.
      return this.#immediate(() => {
        const nowMs = this.#now();
        const row = this.#stmt(SQL.getLock).get(name) as LockRow | undefined;
        const held = row ? toLock(row) : undefined;
        if (held && sameOwner(held, owner)) {
          this.#stmt(SQL.heartbeat).run(nowMs, name);
          return true;
        }
        if (held && !isLockTakeable(held, owner, nowMs, staleAfterMs, this.#probe)) return false;
        this.#stmt(SQL.putLock).run({
          name,
          pid: owner.pid,
          hostname: owner.hostname,
          instanceId: owner.instanceId ?? '',
          acquiredAt: nowMs,
          heartbeatAt: nowMs,
        });
        return true;
      });
    });
  }

  refreshLock(name: string, owner: LockOwner): Promise<void> {
    return this.#run('refresh a lock in', () => {
      checkLockArgs(name, owner);
      this.#immediate(() => {
        const row = this.#stmt(SQL.getLock).get(name) as LockRow | undefined;
        const held = row ? toLock(row) : undefined;
        if (!held || !sameOwner(held, owner)) throw lockLostError(name, held);
        this.#stmt(SQL.heartbeat).run(this.#now(), name);
      });
    });
  }

  unlock(name: string, owner: LockOwner): Promise<void> {
    return this.#run('release a lock in', () => {
      checkLockArgs(name, owner);
      this.#immediate(() => {
        const row = this.#stmt(SQL.getLock).get(name) as LockRow | undefined;
        if (row && sameOwner(toLock(row), owner)) this.#stmt(SQL.deleteLock).run(name);
      });
    });
  }

  getLock(name: string): Promise<LockInfo | undefined> {
    return this.#run('read', () => {
      const row = this.#stmt(SQL.getLock).get(name) as LockRow | undefined;
      return row ? toLock(row) : undefined;
    });
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    try {
      this.#db.close();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(ledgerFailure(this.path, 'close', error));
    }
  }
}

function keyParams(key: UploadKey): Record<string, string> {
  return { apiUrl: key.apiUrl, accountUri: key.accountUri, filePath: key.filePath };
}

/**
 * Opens (creating when missing) the SQLite ledger at `path`: folder 0700, file 0600, WAL,
 * migrated to the current schema. Throws `LedgerError` when the file cannot be used; an existing
 * file is never overwritten.
 * @example const ledger = openSqliteLedger(join(resolveStateDir({ env: process.env }), 'ledger.db'));
 */
export function openSqliteLedger(path: string, options: SqliteLedgerOptions = {}): SqliteLedger {
  const absolute = resolve(path);
  const openOptions: OpenDatabaseOptions =
    options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs };
  return new SqliteLedger(absolute, openDatabase(absolute, openOptions), options);
}
