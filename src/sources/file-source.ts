/**
 * The local file as a re-openable byte source: checked once before anything is created and watched
 * for changes before each PATCH. Its bytes are read by range-reader.ts, opened anew at the server's
 * offset for every PATCH (a consumed stream is never replayed).
 */
import { constants, open, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { errnoCode } from '../core/errno.js';
import { FileError } from '../errors.js';

/** What was true of the file when it was checked; later checks compare against it. */
export interface FileSnapshot {
  /** Absolute path, as given (symlinks kept: its base name is the default video name). */
  readonly path: string;
  /**
   * The canonical path (`fs.realpath`: symlinks, `.` and `..` resolved): one file has one, however
   * it is named (`./a.mp4`, a symlink to it, its absolute path). The ledger keys uploads by it.
   */
  readonly realPath: string;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
}

/**
 * Check a path before anything is created: it exists, is a regular file, is readable and is not
 * empty. Resolves to a snapshot with the absolute path and the canonical (real) path.
 * @throws FileError E_FILE_NOT_FOUND / E_FILE_NOT_REGULAR / E_FILE_UNREADABLE / E_FILE_EMPTY
 */
export async function inspectFile(path: string): Promise<FileSnapshot> {
  const absolutePath = resolve(path);
  let stats: Awaited<ReturnType<typeof stat>>;
  try {
    stats = await stat(absolutePath);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new FileError('E_FILE_NOT_FOUND', absolutePath, `No such file: ${absolutePath}`, {
        cause: error,
      });
    }
    throw new FileError(
      'E_FILE_UNREADABLE',
      absolutePath,
      `Cannot read ${absolutePath} (${code ?? 'error'})`,
      {
        cause: error,
      },
    );
  }
  if (!stats.isFile()) {
    const what = stats.isDirectory() ? 'a directory' : 'not a regular file';
    throw new FileError('E_FILE_NOT_REGULAR', absolutePath, `${absolutePath} is ${what}`);
  }
  try {
    const handle = await open(absolutePath, constants.O_RDONLY);
    await handle.close();
  } catch (error) {
    throw new FileError(
      'E_FILE_UNREADABLE',
      absolutePath,
      `Cannot read ${absolutePath} (${errnoCode(error) ?? 'error'})`,
      { cause: error },
    );
  }
  if (stats.size === 0) {
    throw new FileError(
      'E_FILE_EMPTY',
      absolutePath,
      `${absolutePath} is empty: Vimeo cannot take a 0-byte video`,
    );
  }
  let realPath: string;
  try {
    realPath = await realpath(absolutePath);
  } catch (error) {
    throw new FileError(
      'E_FILE_UNREADABLE',
      absolutePath,
      `Cannot resolve ${absolutePath} (${errnoCode(error) ?? 'error'})`,
      { cause: error },
    );
  }
  return Object.freeze({ path: absolutePath, realPath, sizeBytes: stats.size, mtimeMs: stats.mtimeMs });
}

/**
 * Check that the file still has the size and modification time of the snapshot.
 * @throws FileError E_FILE_CHANGED when either differs, E_FILE_NOT_FOUND when it is gone.
 */
export async function assertUnchanged(snapshot: FileSnapshot): Promise<void> {
  let stats: Awaited<ReturnType<typeof stat>>;
  try {
    stats = await stat(snapshot.path);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') {
      throw new FileError(
        'E_FILE_NOT_FOUND',
        snapshot.path,
        `${snapshot.path} was removed during the upload`,
        {
          cause: error,
        },
      );
    }
    throw new FileError(
      'E_FILE_UNREADABLE',
      snapshot.path,
      `Cannot read ${snapshot.path} (${code ?? 'error'})`,
      {
        cause: error,
      },
    );
  }
  if (stats.size !== snapshot.sizeBytes || stats.mtimeMs !== snapshot.mtimeMs) {
    const what =
      stats.size !== snapshot.sizeBytes
        ? `its size went from ${snapshot.sizeBytes} to ${stats.size} bytes`
        : 'its modification time changed';
    throw new FileError(
      'E_FILE_CHANGED',
      snapshot.path,
      `${snapshot.path} changed during the upload (${what}); upload a finished file`,
    );
  }
}
