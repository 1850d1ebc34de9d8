/**
 * The browser's {@link TransferPorts}: HEAD and PATCH through XMLHttpRequest, each PATCH body a
 * `Blob.slice` of the file. Everything else (the retry loop, backoff, budget, chunk halving, the
 * rules that judge each answer) is the shared tus layer's, as in the Node engine.
 */
import type { TransferPorts } from '../tus/attempt.js';
import { TUS_CONTENT_TYPE, TUS_VERSION } from '../tus/constants.js';
import { readHeadAnswer, readPatchAnswer, type UploadState } from '../tus/responses.js';
import { xhrExchange } from './xhr-exchange.js';

/** HEAD the upload link: where the server stands. */
export async function probeWithXhr(
  url: URL,
  stallTimeoutMs: number,
  signal: AbortSignal,
): Promise<UploadState> {
  const answer = await xhrExchange({
    method: 'HEAD',
    url,
    headers: { 'Tus-Resumable': TUS_VERSION },
    stallTimeoutMs,
    signal,
  });
  return readHeadAnswer(url, answer);
}

/** The ports of one transfer of `file` to `url`. */
export function xhrPorts(url: URL, file: Blob, stallTimeoutMs: number): TransferPorts {
  return {
    probe: (signal) => probeWithXhr(url, stallTimeoutMs, signal),
    send: async (range, signal, onBodyBytesWritten) => {
      const answer = await xhrExchange({
        method: 'PATCH',
        url,
        headers: {
          'Tus-Resumable': TUS_VERSION,
          'Upload-Offset': String(range.offsetBytes),
          'Content-Type': TUS_CONTENT_TYPE,
        },
        body: file.slice(range.offsetBytes, range.endBytes, TUS_CONTENT_TYPE),
        stallTimeoutMs,
        signal,
        onBodyBytesWritten,
      });
      return readPatchAnswer(url, answer, range.offsetBytes, range.endBytes);
    },
  };
}
