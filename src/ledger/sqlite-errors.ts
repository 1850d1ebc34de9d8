/**
 * Turns SQLite and file-system failures into `LedgerError`s that say which file, what went wrong
 * and what to do. The ledger file is never deleted or "repaired" here: the user decides.
 */
import { LedgerError } from '../errors.js';

const MOVE_ASIDE =
  'Nothing was changed. Move the file aside to start a new ledger there, or use another ledger ' +
  'with --state-dir DIR or VIMEO_TUS_STATE_DIR.';
const CHOOSE_ANOTHER = 'Choose a writable location with --state-dir DIR or VIMEO_TUS_STATE_DIR.';
// The same advice inside a sentence: only its first letter lowered (the variable's name is case-sensitive).
const CHOOSE_ANOTHER_INLINE = `c${CHOOSE_ANOTHER.slice(1)}`;

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function hintFor(code: string): string {
  if (code === 'SQLITE_NOTADB') return `it is not a SQLite database. ${MOVE_ASIDE}`;
  if (code.startsWith('SQLITE_CORRUPT')) return `the database is corrupt. ${MOVE_ASIDE}`;
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code.startsWith('SQLITE_LOCKED')) {
    return 'another vimeo-tus process kept the ledger locked for too long. Try again in a moment.';
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return `it is not writable by this user (${code}). Fix its permissions, or ${CHOOSE_ANOTHER_INLINE}`;
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'the disk is full. Free some space and try again.';
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return `a file is in the way where a folder should be (${code}). ${CHOOSE_ANOTHER}`;
  }
  if (code === 'EISDIR' || code.startsWith('SQLITE_CANTOPEN')) {
    return `the path cannot hold a database file (${code}). ${CHOOSE_ANOTHER}`;
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') {
    return `a disk read or write failed (${code}). Check the disk, then try again.`;
  }
  return `${code || 'unexpected error'}. If it persists, use another ledger: ${CHOOSE_ANOTHER_INLINE}`;
}

/**
 * A `LedgerError` for `error`, thrown while doing `action` (e.g. "open", "update a record in")
 * on the ledger file at `path`. `LedgerError`s pass through unchanged.
 */
export function ledgerFailure(path: string, action: string, error: unknown): LedgerError {
  if (error instanceof LedgerError) return error;
  const detail = error instanceof Error ? ` (${error.message})` : '';
  return new LedgerError(
    `Cannot ${action} the vimeo-tus ledger at ${path}: ${hintFor(codeOf(error))}${detail}`,
    {
      cause: error,
    },
  );
}
