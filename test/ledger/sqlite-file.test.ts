/**
 * What only the SQLite backend has: a file. Persistence, owner-only permissions, the schema
 * version, and refusing (never touching) files it cannot use.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerError } from '../../src/errors.js';
import { ledgerPath, openLedger } from '../../src/ledger/open-ledger.js';
import { openSqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import { migrate, openDatabase } from '../../src/ledger/sqlite-open.js';
import {
  LEDGER_APPLICATION_ID,
  LEDGER_SCHEMA_VERSION,
  type Migration,
} from '../../src/ledger/sqlite-schema.js';
import { sampleRecord } from './sample-record.js';

let dir: string;
let dbPath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vimeo-tus-ledger-file-'));
  dbPath = join(dir, 'state', 'ledger.db');
});
afterEach(async () => {
  await chmod(dir, 0o700).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

/** The error `promise` rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<LedgerError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(LedgerError);
  return outcome as LedgerError;
}

describe('SqliteLedger file', () => {
  it('keeps records and locks across close and reopen', async () => {
    const first = await openLedger({ path: dbPath });
    const record = await first.insert(sampleRecord({ videoUri: '/videos/9' }));
    const updated = await first.update(record.id, { state: 'uploading', ackedBytes: 12345 });
    expect(await first.tryLock('L', { pid: 77, hostname: 'elsewhere' })).toBe(true);
    await first.close();

    const second = await openLedger({ path: dbPath });
    try {
      expect(await second.get(record.id)).toEqual(updated);
      expect(await second.list()).toEqual([updated]);
      expect(await second.getLock('L')).toMatchObject({ pid: 77, hostname: 'elsewhere' });
    } finally {
      await second.close();
    }
  });

  it('creates the folders 0700 and the file 0600, and -wal/-shm 0600, whatever the umask', async () => {
    const nested = join(dir, 'a', 'b', 'ledger.db');
    const previous = process.umask(0);
    let ledger: Awaited<ReturnType<typeof openLedger>> | undefined;
    try {
      ledger = await openLedger({ path: nested });
      await ledger.insert(sampleRecord());
      expect(modeOf(join(dir, 'a'))).toBe(0o700);
      expect(modeOf(join(dir, 'a', 'b'))).toBe(0o700);
      expect(modeOf(nested)).toBe(0o600);
      expect(existsSync(`${nested}-wal`)).toBe(true);
      expect(modeOf(`${nested}-wal`)).toBe(0o600);
      expect(modeOf(`${nested}-shm`)).toBe(0o600);
    } finally {
      process.umask(previous);
      await ledger?.close();
    }
  });

  it('tightens an existing ledger file that is readable by others to 0600', async () => {
    await mkdir(join(dir, 'state'));
    writeFileSync(dbPath, '');
    await chmod(dbPath, 0o644);
    const ledger = await openLedger({ path: dbPath });
    await ledger.close();
    expect(modeOf(dbPath)).toBe(0o600);
  });

  it('sets the connection up: WAL, busy timeout, foreign keys, full sync', () => {
    const db = openDatabase(dbPath, { busyTimeoutMs: 1234 });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      db.close();
    }
  });

  it('ledgerPath puts ledger.db inside the state folder', () => {
    expect(ledgerPath('/var/state/vimeo-tus')).toBe('/var/state/vimeo-tus/ledger.db');
  });
});

describe('SqliteLedger schema', () => {
  it('migrates an empty existing file to the current schema', async () => {
    await mkdir(join(dir, 'state'));
    writeFileSync(dbPath, '');
    const ledger = await openLedger({ path: dbPath });
    await ledger.insert(sampleRecord());
    await ledger.close();
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LEDGER_SCHEMA_VERSION);
      expect(db.pragma('application_id', { simple: true })).toBe(LEDGER_APPLICATION_ID);
      const tables = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();
      expect(tables).toEqual(['locks', 'uploads']);
    } finally {
      db.close();
    }
  });

  it('applies pending migrations in order, each once, all in one transaction', () => {
    const db = new Database(':memory:');
    const applied: number[] = [];
    const step = (version: number): Migration => ({
      version,
      description: `step ${version}`,
      up: (target) => {
        applied.push(version);
        target.exec(`CREATE TABLE t${version} (x INTEGER)`);
      },
    });
    try {
      expect(migrate(db, [step(1), step(2)])).toBe(2);
      expect(migrate(db, [step(1), step(2), step(3)])).toBe(3);
      expect(applied).toEqual([1, 2, 3]);

      const broken: Migration = {
        version: 5,
        description: 'fails halfway',
        up: (target) => {
          target.exec('CREATE TABLE t5 (x INTEGER)');
          throw new Error('boom');
        },
      };
      expect(() => migrate(db, [step(1), step(2), step(3), step(4), broken])).toThrow('boom');
      expect(db.pragma('user_version', { simple: true })).toBe(3);
      expect(() => migrate(db, [step(1), step(2)])).toThrow(LedgerError); // the file is newer than these
      const tables = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();
      expect(tables).toEqual(['t1', 't2', 't3']);
    } finally {
      db.close();
    }
  });

  it('refuses a ledger from a newer version and leaves it byte for byte', async () => {
    await mkdir(join(dir, 'state'));
    const db = new Database(dbPath);
    db.pragma(`application_id = ${LEDGER_APPLICATION_ID}`);
    db.exec('CREATE TABLE future (x INTEGER)');
    db.pragma(`user_version = ${LEDGER_SCHEMA_VERSION + 1}`);
    db.close();
    const before = readFileSync(dbPath);

    const error = await rejection(openLedger({ path: dbPath }));
    expect(error.code).toBe('E_LEDGER');
    expect(error.message).toContain(dbPath);
    expect(error.message).toMatch(/newer vimeo-tus/);
    expect(readFileSync(dbPath).equals(before)).toBe(true);
  });

  it('refuses a SQLite database that is not a ledger and leaves it alone', async () => {
    await mkdir(join(dir, 'state'));
    const db = new Database(dbPath);
    db.exec("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos VALUES (1, 'cat')");
    db.close();
    const before = readFileSync(dbPath);

    const error = await rejection(openLedger({ path: dbPath }));
    expect(error.message).toContain('not a vimeo-tus ledger');
    expect(readFileSync(dbPath).equals(before)).toBe(true);
  });
});

describe('SqliteLedger refuses unusable files', () => {
  it('a file of garbage: clear LedgerError, the bytes untouched, no side files left', async () => {
    await mkdir(join(dir, 'state'));
    const garbage = Buffer.concat([Buffer.from('this is not a database\n'), randomBytes(16 * 1024)]);
    writeFileSync(dbPath, garbage, { mode: 0o600 });

    await chmod(dbPath, 0o644);
    const error = await rejection(openLedger({ path: dbPath }));
    expect(error.code).toBe('E_LEDGER');
    expect(error.message).toContain(dbPath);
    expect(error.message).toMatch(/not a SQLite database/);
    expect(modeOf(dbPath)).toBe(0o644); // not even its permissions are touched
    expect(error.message).toMatch(/--state-dir/);
    expect(readFileSync(dbPath).equals(garbage)).toBe(true);
    expect(existsSync(`${dbPath}-wal`)).toBe(false);
    // A second attempt fails the same way: nothing was "repaired" in between.
    await rejection(openLedger({ path: dbPath }));
    expect(readFileSync(dbPath).equals(garbage)).toBe(true);
  });

  it('a ledger whose pages are corrupt: LedgerError on open or on read, the bytes untouched', async () => {
    const ledger = await openLedger({ path: dbPath });
    for (let i = 0; i < 50; i++) await ledger.insert(sampleRecord({ videoName: `video ${i}` }));
    await ledger.close();
    const bytes = readFileSync(dbPath);
    const pageSize = bytes.readUInt16BE(16);
    randomBytes(pageSize).copy(bytes, pageSize); // page 2 onwards: the tables' b-trees
    bytes.fill(0xff, pageSize, pageSize + 16);
    writeFileSync(dbPath, bytes);

    const outcome = await openLedger({ path: dbPath }).then(
      async (opened) => {
        try {
          await opened.list();
          return undefined;
        } catch (error) {
          return error;
        } finally {
          await opened.close();
        }
      },
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(LedgerError);
    expect((outcome as LedgerError).message).toContain(dbPath);
    expect(readFileSync(dbPath).equals(bytes)).toBe(true);
  });

  it('a location that cannot hold a folder (a file is in the way): LedgerError naming it', async () => {
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const path = join(blocker, 'ledger.db');
    const error = await rejection(openLedger({ path }));
    expect(error.code).toBe('E_LEDGER');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/--state-dir/);
    expect(readFileSync(blocker, 'utf8')).toBe('x');
  });

  it.skipIf(process.getuid?.() === 0)('a read-only folder: LedgerError naming the file', async () => {
    const readOnly = join(dir, 'ro');
    await mkdir(readOnly, { mode: 0o500 });
    const path = join(readOnly, 'ledger.db');
    const error = await rejection(openLedger({ path }));
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/not writable/);
  });

  it('a path that is a folder: LedgerError', async () => {
    await mkdir(dbPath, { recursive: true });
    const error = await rejection(openLedger({ path: dbPath }));
    expect(error.message).toContain(dbPath);
  });
});

describe('SqliteLedger under contention', () => {
  it('a write lock held past the busy timeout: LedgerError that says to try again, then it works', async () => {
    const ledger = openSqliteLedger(dbPath, { busyTimeoutMs: 20 });
    const other = new Database(dbPath);
    try {
      other.exec('BEGIN IMMEDIATE');
      const error = await rejection(ledger.insert(sampleRecord()));
      expect(error.message).toContain(dbPath);
      expect(error.message).toMatch(/locked for too long\. Try again/);
      other.exec('ROLLBACK');
      await ledger.insert(sampleRecord());
      expect(await ledger.list()).toHaveLength(1);
    } finally {
      other.close();
      await ledger.close();
    }
  });
});

describe('SqliteLedger stores no token', () => {
  const TOKEN = 'f3c1b2a9d8e7f6a5b4c3d2e1f0a9b8c7';

  it('has no column that could hold one', () => {
    const db = openDatabase(dbPath);
    try {
      const columns = (table: string): string[] =>
        db
          .prepare(`SELECT name FROM pragma_table_info('${table}')`)
          .pluck()
          .all()
          .map((name) => String(name));
      const all = [...columns('uploads'), ...columns('locks')];
      for (const name of all) expect(name).not.toMatch(/token|auth|secret|bearer|password|credential/i);
      // An exact list: a new column must be added here on purpose, after checking it holds no secret.
      expect(columns('uploads')).toEqual([
        'id',
        'file_path',
        'file_size',
        'file_mtime_ms',
        'fingerprint',
        'api_url',
        'account_uri',
        'video_name',
        'video_uri',
        'video_link',
        'upload_link',
        'acked_bytes',
        'state',
        'error_code',
        'error_message',
        'create_requested_at',
        'created_at',
        'updated_at',
      ]);
      expect(columns('locks')).toEqual([
        'name',
        'pid',
        'hostname',
        'instance_id',
        'acquired_at',
        'heartbeat_at',
      ]);
    } finally {
      db.close();
    }
  });

  it('a full record in the file: its values are found in the bytes, the token is not', async () => {
    const ledger = openSqliteLedger(dbPath);
    // Everything an upload would record, including a token-bearing object passed where a record
    // goes: only the known fields may be stored.
    const full = {
      ...sampleRecord({
        videoName: 'marker-video-name-5d1e',
        videoUri: '/videos/123456789',
        videoLink: 'https://vimeo.com/123456789',
        uploadLink: 'https://files.tus.vimeo.com/files/vimeo-prod-src-tus-us/marker-upload-3a7f',
        ackedBytes: 1024,
        state: 'uploading',
        errorCode: 'E_NETWORK',
        errorMessage: 'socket hang up',
        createRequestedAt: 1_700_000_000_000,
      }),
      token: TOKEN,
      headers: { Authorization: `bearer ${TOKEN}` },
    };
    const stored = await ledger.insert(full);
    await ledger.update(stored.id, { ackedBytes: 2048 });
    await ledger.tryLock('L', { pid: 1, hostname: 'h' });
    await ledger.close(); // checkpoints the WAL into the main file

    const bytes = Buffer.concat(
      [dbPath, `${dbPath}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)),
    );
    expect(bytes.includes('marker-video-name-5d1e')).toBe(true); // the search does see stored text
    expect(bytes.includes('marker-upload-3a7f')).toBe(true);
    expect(bytes.includes(TOKEN)).toBe(false);
    expect(bytes.includes(Buffer.from(TOKEN, 'utf16le'))).toBe(false);
  });
});

describe('the advice names the real state-folder variable', () => {
  it.each(['EACCES', 'EPERM', 'SQLITE_READONLY', 'ESOMETHINGELSE'])(
    '%s: the advice spells VIMEO_TUS_STATE_DIR as the shell needs it',
    async (code) => {
      const { ledgerFailure } = await import('../../src/ledger/sqlite-errors.js');
      const error = ledgerFailure('/x/ledger.db', 'open', Object.assign(new Error('boom'), { code }));
      expect(error.message).toContain('VIMEO_TUS_STATE_DIR');
      expect(error.message).not.toMatch(/vimeo_tus_state_dir/);
    },
  );
});
