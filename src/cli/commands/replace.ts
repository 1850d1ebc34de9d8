/**
 * `vimeo-tus replace <video-uri> <file>`: uploads a new file for an existing video (a new version,
 * `POST /videos/{id}/versions`), with the same progress, verification and exit codes as `upload`.
 */
import { requireVideoUri } from '../../vimeo/video-uri.js';
import type { ExitCodeValue } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { failBatchCommand } from './batch-command.js';
import { type UploadCommandOptions, uploadCommand } from './upload.js';

/** Options of `replace`: those of `upload` that make sense for one existing video. */
export type ReplaceCommandOptions = Pick<
  UploadCommandOptions,
  'chunkSizeBytes' | 'wait' | 'json' | 'sandbox' | 'stateDir' | 'ledger' | 'tokenFile'
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
  } catch (error) {
    return failBatchCommand(options.json ?? false, io, error);
  }
  return uploadCommand([file], { ...options, replace: uri, concurrency: 1, include: '*' }, io);
}
