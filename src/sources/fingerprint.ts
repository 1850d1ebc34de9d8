/**
 * A cheap content fingerprint that tells whether a file is still the one the ledger knows:
 * SHA-256 over the size and the first and last MiB. Reads at most 2 MiB whatever the file's size,
 * so it costs the same for 100 MB and 100 GB. It does not see an edit in the middle of a file that
 * keeps its size (the ledger also compares the modification time).
 */
import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { AbortError, ConfigError, FileError } from '../errors.js';
import { fileErrorOf } from './file-error.js';

/** How many bytes are hashed at each end of the file. */
export const FINGERPRINT_EDGE_BYTES = 1024 * 1024;

/** Prefix of every fingerprint this version computes; a new scheme gets a new prefix. */
export const FINGERPRINT_VERSION = 'v1';

/**
 * What is hashed, in order: the ASCII tag `vimeo-tus fingerprint v1\n`, the size as a 64-bit
 * big-endian unsigned integer, bytes [0, head) and bytes [tailStart, size), where
 * head = min(size, 1 MiB) and tailStart = max(head, size - 1 MiB): the two ends never overlap.
 */
const TAG = Buffer.from('vimeo-tus fingerprint v1\n', 'ascii');

function changed(path: string, expectedBytes: number, actualBytes: number): FileError {
  return new FileError(
    'E_FILE_CHANGED',
    path,
    `${path} changed while it was being fingerprinted: expected ${expectedBytes} bytes, found ${actualBytes}`,
  );
}

/** Reads exactly `length` bytes at `position` into `buffer`, or throws `E_FILE_CHANGED`. */
async function readExactly(
  handle: FileHandle,
  buffer: Buffer,
  length: number,
  position: number,
  path: string,
  sizeBytes: number,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw changed(path, sizeBytes, position + done);
    done += bytesRead;
  }
}

/**
 * The fingerprint of the file at `path`, which must be `sizeBytes` long (the size the caller
 * stat'ed and will upload). Returns `'v1:<64 hex digits>'`.
 *
 * Throws `FileError` (`E_FILE_NOT_FOUND`, `E_FILE_NOT_REGULAR`, `E_FILE_UNREADABLE`, or
 * `E_FILE_CHANGED` when the file is not `sizeBytes` long), `AbortError` when `signal` fires.
 * @example const fp = await fingerprint('/videos/talk.mp4', (await stat('/videos/talk.mp4')).size);
 */
export async function fingerprint(
  path: string,
  sizeBytes: number,
  options: { readonly signal?: AbortSignal } = {},
): Promise<string> {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) {
    throw new ConfigError(`sizeBytes must be a non-negative safe integer (got ${sizeBytes})`);
  }
  const { signal } = options;
  const checkAbort = (): void => {
    if (signal?.aborted) throw new AbortError('Fingerprinting was aborted', { cause: signal.reason });
  };
  checkAbort();
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileErrorOf(path, error);
  }
  try {
    const stats = await handle.stat().catch((error: unknown) => {
      throw fileErrorOf(path, error);
    });
    if (!stats.isFile()) throw new FileError('E_FILE_NOT_REGULAR', path, `Not a regular file: ${path}`);
    if (stats.size !== sizeBytes) throw changed(path, sizeBytes, stats.size);

    const hash = createHash('sha256');
    const sizeField = Buffer.alloc(8);
    sizeField.writeBigUInt64BE(BigInt(sizeBytes));
    hash.update(TAG).update(sizeField);

    const headBytes = Math.min(sizeBytes, FINGERPRINT_EDGE_BYTES);
    const tailStart = Math.max(headBytes, sizeBytes - FINGERPRINT_EDGE_BYTES);
    const buffer = Buffer.allocUnsafe(Math.max(headBytes, sizeBytes - tailStart));
    for (const [start, length] of [
      [0, headBytes],
      [tailStart, sizeBytes - tailStart],
    ] as const) {
      if (length === 0) continue;
      checkAbort();
      await readExactly(handle, buffer, length, start, path, sizeBytes).catch((error: unknown) => {
        throw error instanceof FileError ? error : fileErrorOf(path, error);
      });
      hash.update(buffer.subarray(0, length));
    }
    checkAbort();
    return `${FINGERPRINT_VERSION}:${hash.digest('hex')}`;
  } finally {
    await handle.close().catch(() => undefined);
  }
}
