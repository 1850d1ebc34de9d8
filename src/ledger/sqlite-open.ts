/**
 * Opening the SQLite ledger file: create its folder (0700) and file (0600) when missing, check that
 * an existing file is a vimeo-tus ledger this version understands, set the connection up, and
 * apply pending migrations in one transaction. An unusable file is refused, never overwritten.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { LedgerError } from '../errors.js';
import { ledgerFailure } from './sqlite-errors.js';
import { LEDGER_APPLICATION_ID, LEDGER_SCHEMA_VERSION, MIGRATIONS, type Migration } from './sqlite-schema.js';

/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** Creates the folder (owner-only) and an empty file (owner-only) when they do not exist yet. */
function ensureFile(path: string): void {
  const dir = dirname(path);
  try {
    if (mkdirSync(dir, { recursive: true, mode: DIR_MODE }) !== undefined) chmodSync(dir, DIR_MODE);
  } catch (error) {
    throw ledgerFailure(path, 'create the folder of', error);
  }
  try {
    // 'wx': create only if absent; an existing file (or one another process just made) is kept.
    closeSync(openSync(path, 'wx', FILE_MODE));
    chmodSync(path, FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ledgerFailure(path, 'create', error);
  }
}

/**
 * Makes the file and its -wal/-shm owner-only when they are wider (SQLite gives the side files the
 * database's mode; an older or hand-made file may be 0644). Called only once the file is known to
 * be a ledger: permissions of a refused file are not touched either.
 */
function tightenFiles(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, FILE_MODE);
    } catch {
      // Owned by another user or gone again: nothing we may or need to do.
    }
  }
}

/**
 * The three facts that say whose file this is, read in one transaction: read one by one, another
 * process's first migration could commit between them (version 0 and no application id read
 * before it, its tables after it), and a brand-new ledger would be refused as a stranger's.
 */
function readIdentity(db: Database.Database): { version: number; applicationId: number; userTables: number } {
  return db.transaction(() => ({
    version: db.pragma('user_version', { simple: true }) as number,
    applicationId: db.pragma('application_id', { simple: true }) as number,
    userTables: db
      .prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .get() as number,
  }))();
}

/** Refuses files that are not a ledger this version can use. Reads only; writes nothing. */
function checkIdentity(db: Database.Database, path: string): number {
  const { version, applicationId, userTables } = readIdentity(db);
  if (version > LEDGER_SCHEMA_VERSION) {
    throw new LedgerError(
      `The vimeo-tus ledger at ${path} has schema version ${version}, but this vimeo-tus only knows up to ` +
        `${LEDGER_SCHEMA_VERSION}: it was written by a newer vimeo-tus. Nothing was changed. Upgrade ` +
        'vimeo-tus, or use another ledger with --state-dir DIR or VIMEO_TUS_STATE_DIR.',
    );
  }
  // Ours: marked with our application_id, or still blank (a new or empty file, no tables).
  const ours =
    applicationId === LEDGER_APPLICATION_ID || (version === 0 && applicationId === 0 && userTables === 0);
  const foreign = !ours;
  if (foreign) {
    throw new LedgerError(
      `The file at ${path} is a SQLite database, but not a vimeo-tus ledger. Nothing was changed. Move it ` +
        'aside, or use another ledger with --state-dir DIR or VIMEO_TUS_STATE_DIR.',
    );
  }
  return version;
}

/**
 * Applies `migrations[from..]` in one IMMEDIATE transaction (all or none), re-reading the version
 * inside it so two processes opening a fresh ledger at once do not both migrate.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const run = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > migrations.length) {
      // A newer vimeo-tus migrated the file between our identity check and now.
      throw new LedgerError(
        `The ledger has schema version ${current}, newer than this vimeo-tus knows (${migrations.length}): ` +
          'upgrade vimeo-tus. Nothing was changed.',
      );
    }
    for (const migration of migrations.slice(current)) {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }
    return db.pragma('user_version', { simple: true }) as number;
  });
  return run.immediate();
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * Runs `step` again while it fails with SQLITE_BUSY, for up to `timeoutMs`. Needed when several
 * processes open a brand-new file at once: switching it to WAL needs an exclusive lock, and
 * SQLite answers BUSY at once (without the busy handler) where waiting could deadlock. `step`
 * must be idempotent. Sleeps synchronously (a few ms) because opening is synchronous.
 */
function retryWhileBusy(timeoutMs: number, step: () => void): void {
  const deadline = Date.now() + timeoutMs;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 1; ; attempt++) {
    try {
      step();
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      Atomics.wait(sleeper, 0, 0, Math.min(5 * attempt, 50) + Math.random() * 5);
    }
  }
}

/** Options for `openDatabase`. */
export interface OpenDatabaseOptions {
  /** @default DEFAULT_BUSY_TIMEOUT_MS */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (creating when missing) the ledger database at `path`, migrated to the current schema.
 * Throws `LedgerError` when the file cannot be created, is not a ledger, or is from a newer version.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database.Database {
  ensureFile(path);
  let db: Database.Database | undefined;
  try {
    const opened = new Database(path, { fileMustExist: true });
    db = opened;
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    opened.pragma(`busy_timeout = ${busyTimeoutMs}`);
    // FULL: a committed record survives power loss too (the "creating" row is what prevents a
    // duplicate video); writes are few, one per acknowledged chunk.
    opened.pragma('synchronous = FULL');
    opened.pragma('foreign_keys = ON');
    retryWhileBusy(busyTimeoutMs, () => {
      checkIdentity(opened, path);
      opened.pragma('journal_mode = WAL');
      migrate(opened);
    });
    tightenFiles(path);
    return opened;
  } catch (error) {
    db?.close();
    throw ledgerFailure(path, 'open', error);
  }
}
