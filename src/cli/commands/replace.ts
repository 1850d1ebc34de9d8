/**
 * `vimeo-tus replace <video-uri> <file>`: uploads a new file for an existing video (a new version,
 * `POST /videos/{id}/versions`), with the same progress, verification and exit codes as `upload`.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FileError } from '../../errors.js';
import { requireVideoUri } from '../../vimeo/video-uri.js';
import type { ExitCodeValue } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { failBatchCommand } from './batch-command.js';
import { type UploadCommandOptions, uploadCommand } from './upload.js';

/** Options of `replace`: those of `upload` that make sense for one existing video. */
export type ReplaceCommandOptions = Pick<
  UploadCommandOptions,
  | 'chunkSizeBytes'
  | 'privacy'
  | 'password'
  | 'wait'
  | 'verifyTimeoutSeconds'
  | 'json'
  | 'sandbox'
  | 'stateDir'
  | 'ledger'
  | 'tokenFile'
>;

/**
 * Runs `replace`. Returns the exit code.
 * @throws ConfigError on a malformed video URI.
 */
export async function replaceCommand(
  videoUri: string,
  file: string,
  options: ReplaceCommandOptions,
  io: CliIo,
): Promise<ExitCodeValue> {
  let uri: string;
  try {
    uri = requireVideoUri(videoUri, 'a video URI');
    await requireOneRegularFile(file, io.cwd);
  } catch (error) {
    return failBatchCommand(options.json ?? false, io, error);
  }
  return uploadCommand([file], { ...options, replace: uri, concurrency: 1, include: '*' }, io);
}

/**
 * `replace` gives one video one new file: a directory (whose files would become successive versions
 * of that one video) or anything but a regular file is refused before anything is sent.
 */
async function requireOneRegularFile(file: string, cwd: string): Promise<void> {
  const info = await stat(resolve(cwd, file)).catch(() => undefined);
  if (!info) throw new FileError('E_FILE_NOT_FOUND', file, `No such file: ${file}`);
  if (!info.isFile()) {
    const what = info.isDirectory() ? 'a directory' : 'not a regular file';
    throw new FileError(
      'E_FILE_NOT_REGULAR',
      file,
      `replace takes exactly one regular file, and ${file} is ${what}: nothing was sent.`,
    );
  }
}
