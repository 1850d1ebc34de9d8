/**
 * A local file as an upload source: checked once before anything is created, watched for changes
 * before each PATCH, and read anew at the server's offset for every PATCH (a consumed stream is
 * never replayed) through range-reader.ts's pooled synchronous reads.
 */
import { constants, open, realpath, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { FileError } from '../errors.js';
import { fileErrorOf } from './file-error.js';
import { fingerprint } from './fingerprint.js';
import { openRangeReader } from './range-reader.js';
import type { SourceIdentity, UploadSource } from './source.js';

/** A checked file: what was true of it then (later checks compare against it), and its bytes. */
export interface FileSource extends UploadSource {
  /** Absolute path, as given (symlinks kept: its base name is the default video name). */
  readonly path: string;
  /**
   * The canonical path (`fs.realpath`: symlinks, `.` and `..` resolved): one file has one, however
   * it is named (`./a.mp4`, a symlink to it, its absolute path). The ledger keys uploads by it.
   */
  readonly realPath: string;
  readonly mtimeMs: number;
  /** Device, inode and status change time when checked (see {@link fileStamp}). */
  readonly stamp: string;
  readonly name: string;
  readonly identity: SourceIdentity;
}

/**
 * A file's device, inode and status change time (ns), as `d<dev>i<ino>c<ctime>`. The kernel sets
 * the change time on every write, rename, chmod or chown, and no call sets it back: an edit in
 * place with the modification time restored (`touch -r`) still changes it; a copy put in the file's
 * place has another inode.
 */
export async function fileStamp(path: string): Promise<string> {
  const stats = await stat(path, { bigint: true }).catch((error: unknown) => {
    throw fileErrorOf(path, error);
  });
  return `d${stats.dev}i${stats.ino}c${stats.ctimeNs}`;
}

/**
 * Checks a path before anything is created: it exists, is a regular file, is readable and is not
 * empty. Resolves to the file as a source, with its absolute and canonical (real) paths.
 * @throws FileError E_FILE_NOT_FOUND / E_FILE_NOT_REGULAR / E_FILE_UNREADABLE / E_FILE_EMPTY
 */
export async function inspectFile(path: string): Promise<FileSource> {
  const absolutePath = resolve(path);
  const stats = await stat(absolutePath).catch((error: unknown) => {
    throw fileErrorOf(absolutePath, error);
  });
  if (!stats.isFile()) {
    const what = stats.isDirectory() ? 'a directory' : 'not a regular file';
    throw new FileError('E_FILE_NOT_REGULAR', absolutePath, `${absolutePath} is ${what}`);
  }
  try {
    const handle = await open(absolutePath, constants.O_RDONLY);
    await handle.close();
  } catch (error) {
    throw fileErrorOf(absolutePath, error);
  }
  if (stats.size === 0) {
    throw new FileError(
      'E_FILE_EMPTY',
      absolutePath,
      `${absolutePath} is empty: Vimeo cannot take a 0-byte video`,
    );
  }
  const realPath = await realpath(absolutePath).catch((error: unknown) => {
    throw fileErrorOf(absolutePath, error);
  });
  const sizeBytes = stats.size;
  const mtimeMs = stats.mtimeMs;
  const stamp = await fileStamp(absolutePath);
  const file: FileSource = {
    name: basename(absolutePath),
    description: absolutePath,
    path: absolutePath,
    realPath,
    sizeBytes,
    mtimeMs,
    stamp,
    identity: {
      key: realPath,
      modifiedMs: mtimeMs,
      stamp,
      fingerprint: (signal) => fingerprint(absolutePath, sizeBytes, signal ? { signal } : {}),
    },
    openRange: (startByte, endByte, pool) =>
      openRangeReader(absolutePath, startByte, endByte, pool ? { pool } : {}),
    assertUnchanged: () => assertUnchanged(file),
  };
  return Object.freeze(file);
}

/**
 * Checks that the file still has the size and modification time it had when checked.
 * @throws FileError E_FILE_CHANGED when either differs, E_FILE_NOT_FOUND when it is gone.
 */
export async function assertUnchanged(
  file: Pick<FileSource, 'path' | 'sizeBytes' | 'mtimeMs'> & { readonly stamp?: string },
): Promise<void> {
  const stats = await stat(file.path).catch((error: unknown) => {
    const typed = fileErrorOf(file.path, error);
    throw typed.code === 'E_FILE_NOT_FOUND'
      ? new FileError('E_FILE_NOT_FOUND', file.path, `${file.path} was removed during the upload`, {
          cause: error,
        })
      : typed;
  });
  const stampChanged = file.stamp !== undefined && (await fileStamp(file.path)) !== file.stamp;
  if (stats.size !== file.sizeBytes || stats.mtimeMs !== file.mtimeMs || stampChanged) {
    const what =
      stats.size !== file.sizeBytes
        ? `its size went from ${file.sizeBytes} to ${stats.size} bytes`
        : stats.mtimeMs !== file.mtimeMs
          ? 'its modification time changed'
          : 'it was written to or replaced (its change time, inode or device changed)';
    throw new FileError(
      'E_FILE_CHANGED',
      file.path,
      `${file.path} changed during the upload (${what}); upload a finished file`,
    );
  }
}
