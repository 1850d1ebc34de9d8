/**
 * One streamed PATCH: the bytes [offsetBytes, endBytes) of the source, read as they go out (a file:
 * from disk), so memory stays flat whatever the chunk size. Never carries an Authorization header.
 */
import type http from 'node:http';
import type { BufferPool } from '../sources/range-reader.js';
import type { UploadSource } from '../sources/source.js';
import { TUS_CONTENT_TYPE, TUS_VERSION } from './constants.js';
import { exchange } from './http-exchange.js';
import { readPatchAnswer } from './responses.js';

/** Options of {@link sendChunk}. */
export interface SendChunkOptions {
  readonly url: URL;
  readonly source: UploadSource;
  /** The server's offset: the first byte sent. */
  readonly offsetBytes: number;
  /** One past the last byte sent (exclusive); at most the upload's length. */
  readonly endBytes: number;
  readonly stallTimeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly agent?: http.Agent | undefined;
  /** Read buffers reused from one PATCH to the next. */
  readonly pool?: BufferPool | undefined;
  /** Called each time the socket accepted part of the body. */
  readonly onBytesWritten?: ((deltaBytes: number) => void) | undefined;
}

/** What one successful PATCH achieved. */
export interface SendChunkResult {
  /** The server's new `Upload-Offset`. */
  readonly offset: number;
  /** Body bytes the socket accepted. */
  readonly bytesWritten: number;
}

/**
 * PATCH the range [offsetBytes, endBytes) and return the server's new offset, which must lie in
 * (offsetBytes, endBytes].
 * @throws TusError E_OFFSET_MISMATCH (409, retryable), E_UPLOAD_LINK_GONE (404/410), E_SERVER
 *   (423 and 5xx, retryable), E_RATE_LIMITED (429, retryable), E_TUS_PROTOCOL (other 4xx, a bad
 *   or missing Upload-Offset); NetworkError E_NETWORK (connection failures) or E_STALLED;
 *   AbortError; FileError when the source cannot be read or ends early.
 */
export async function sendChunk(options: SendChunkOptions): Promise<SendChunkResult> {
  const { url, offsetBytes, endBytes } = options;
  const lengthBytes = endBytes - offsetBytes;
  const reader = await options.source.openRange(offsetBytes, endBytes, options.pool);
  const response = await exchange({
    method: 'PATCH',
    url,
    headers: {
      'Tus-Resumable': TUS_VERSION,
      'Upload-Offset': String(offsetBytes),
      'Content-Type': TUS_CONTENT_TYPE,
    },
    body: { reader, lengthBytes },
    stallTimeoutMs: options.stallTimeoutMs,
    signal: options.signal,
    agent: options.agent,
    onBodyBytesWritten: options.onBytesWritten,
  });
  const offset = readPatchAnswer(url, response, offsetBytes, endBytes);
  return { offset, bytesWritten: response.bodyBytesWritten };
}
