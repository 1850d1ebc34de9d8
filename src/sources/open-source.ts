/**
 * Turns what the caller gives `createUpload` into an upload source: the one place that knows the
 * kinds of input. A new kind (an http(s) URL read with Range requests) is a new adapter here.
 */
import { ConfigError } from '../errors.js';
import { bufferSource } from './buffer-source.js';
import { inspectFile } from './file-source.js';
import type { UploadSource } from './source.js';
import { type StreamInput, streamSource } from './stream-source.js';
import { isUrlSource, openUrlSource } from './url-source.js';

/**
 * What can be uploaded: a file path or an http(s) URL (read with Range requests); the bytes themselves (a Buffer or Uint8Array); or a stream
 * with its exact size (`{ stream, sizeBytes, name? }`: a Node Readable, a web ReadableStream or any
 * async iterable of bytes). Only a file or a URL can be continued in a later run (the ledger).
 */
export type UploadInput = string | Uint8Array | StreamInput;

/**
 * Opens `input` as a source (a file is checked now: missing, empty, a directory, unreadable).
 * @throws ConfigError for an input of no known kind; FileError for a file that cannot be uploaded.
 */
export async function openSource(
  input: UploadInput,
  options: { readonly chunkSizeBytes: number },
): Promise<UploadSource> {
  if (typeof input === 'string') {
    if (input === '') throw new ConfigError('The path of the file to upload is empty');
    // An http(s) URL is read with Range requests (src/sources/url-source.ts).
    if (isUrlSource(input)) return openUrlSource(input);
    return inspectFile(input);
  }
  if (input instanceof Uint8Array) return bufferSource(input);
  if (input !== null && typeof input === 'object' && 'stream' in input) {
    return streamSource(input, options.chunkSizeBytes);
  }
  throw new ConfigError(
    'Nothing to upload: give a file path, a Buffer/Uint8Array, or { stream, sizeBytes } for a stream',
  );
}
