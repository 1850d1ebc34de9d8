/**
 * The one mapping from a failed file-system call to a {@link FileError}: the same codes and words
 * wherever a file is checked, fingerprinted or read.
 */
import { errnoCode } from '../core/errno.js';
import { FileError } from '../errors.js';

/**
 * ENOENT/ENOTDIR → E_FILE_NOT_FOUND, EISDIR → E_FILE_NOT_REGULAR, anything else (EACCES, EIO...)
 * → E_FILE_UNREADABLE; `cause` is the system error.
 */
export function fileErrorOf(path: string, error: unknown): FileError {
  const code = errnoCode(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new FileError('E_FILE_NOT_FOUND', path, `No such file: ${path}`, { cause: error });
  }
  if (code === 'EISDIR') {
    return new FileError('E_FILE_NOT_REGULAR', path, `${path} is a directory`, { cause: error });
  }
  return new FileError('E_FILE_UNREADABLE', path, `Cannot read ${path} (${code ?? 'error'})`, {
    cause: error,
  });
}
