/**
 * The SQLite ledger's schema: an ordered list of migrations. `PRAGMA user_version` holds the
 * number of migrations applied; `PRAGMA application_id` marks the file as a vimeo-tus ledger.
 * Append new migrations at the end; never edit one that has shipped.
 */
import type BetterSqlite3 from 'better-sqlite3';

/** One step of the schema. `version` is its position (1-based) in `MIGRATIONS`. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly up: (db: BetterSqlite3.Database) => void;
}

/** 'VTLG' as a big-endian int32: written in the file header so a stranger's database is refused. */
export const LEDGER_APPLICATION_ID = 0x56544c47;

/**
 * Version 1. Nothing secret has a column: there is no token, no Authorization header. The upload
 * link is stored (it is how an upload resumes), which is why the file is owner-only.
 */
const V1_SQL = `
CREATE TABLE uploads (
  id                  TEXT PRIMARY KEY NOT NULL,
  file_path           TEXT NOT NULL,
  file_size           INTEGER NOT NULL CHECK (file_size >= 0),
  file_mtime_ms       REAL NOT NULL,
  fingerprint         TEXT NOT NULL,
  api_url             TEXT NOT NULL,
  account_uri         TEXT NOT NULL,
  video_name          TEXT,
  video_uri           TEXT,
  video_link          TEXT,
  upload_link         TEXT,
  acked_bytes         INTEGER NOT NULL DEFAULT 0 CHECK (acked_bytes >= 0),
  state               TEXT NOT NULL
                      CHECK (state IN ('creating', 'uploading', 'uploaded', 'verified', 'processed', 'failed')),
  error_code          TEXT,
  error_message       TEXT,
  create_requested_at INTEGER,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
) STRICT;
-- file_path first: serves both findByFile and the key lookups.
CREATE INDEX uploads_by_key ON uploads (file_path, api_url, account_uri, created_at);
CREATE INDEX uploads_by_video ON uploads (video_uri) WHERE video_uri IS NOT NULL;
CREATE TABLE locks (
  name         TEXT PRIMARY KEY NOT NULL,
  pid          INTEGER NOT NULL CHECK (pid > 0),
  hostname     TEXT NOT NULL,
  instance_id  TEXT NOT NULL DEFAULT '',
  acquired_at  INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
) STRICT;
`;

/** Every migration, in order. The ledger's schema version is `MIGRATIONS.length`. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'uploads and locks',
    up: (db) => {
      db.exec(V1_SQL);
      db.pragma(`application_id = ${LEDGER_APPLICATION_ID}`);
    },
  },
];

/** The schema version this build writes and understands. */
export const LEDGER_SCHEMA_VERSION = MIGRATIONS.length;
