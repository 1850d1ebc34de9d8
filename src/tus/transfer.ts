/**
 * The Node side of a transfer: the shared loop of transfer-loop.ts with HEAD and streamed PATCH over
 * `node:http`/`node:https` (one keep-alive socket for the whole transfer), each body read from the
 * source as it goes out (a file: through pooled buffers), and the source checked unchanged before
 * each PATCH.
 */
import http from 'node:http';
import https from 'node:https';
import { createBufferPool, retireBufferPool } from '../sources/range-reader.js';
import type { UploadSource } from '../sources/source.js';
import { probeOffset } from './probe-offset.js';
import { sendChunk } from './send-chunk.js';
import {
  checkTransferSettings,
  runTransferLoop,
  type TransferResult,
  type TransferSettings,
} from './transfer-loop.js';
import { parseUploadUrl } from './upload-url.js';

export { probeOffset } from './probe-offset.js';
export type { TransferProgress, TransferResult } from './transfer-loop.js';

/** Options of {@link runTransfer}. */
export interface TransferOptions extends TransferSettings {
  /** Vimeo's upload_link, used verbatim; never receives a token. */
  readonly uploadUrl: string;
  /** Where the bytes come from (src/sources: a file, a buffer, a stream). */
  readonly source: UploadSource;
}

/**
 * HEAD first (unless `knownOffset` says where the server is), then PATCH from the server's offset
 * until complete; re-HEAD after every failure.
 * @throws AbortError when the signal fires; FileError E_FILE_CHANGED when the source changes;
 *   TusError E_UPLOAD_LINK_GONE / E_TUS_PROTOCOL (a bad answer, an Upload-Length other than the file
 *   size, an offset beyond it); NetworkError E_RETRIES_EXHAUSTED (cause = last error) when
 *   `retry.maxAttempts` tries in a row failed without the server's offset advancing; TusError
 *   E_RATE_LIMITED (with `retryAfterMs`) when the server asks to wait longer than `retry.maxServerDelayMs`;
 *   whatever a callback threw.
 * @example
 * const source = await inspectFile('talk.mp4');
 * const result = await runTransfer({ uploadUrl, source, onProgress: (p) => console.log(p.bytesAcked) });
 */
export async function runTransfer(options: TransferOptions): Promise<TransferResult> {
  const { source } = options;
  const limits = checkTransferSettings(options, source.sizeBytes);
  const { stallTimeoutMs } = limits;
  const url = parseUploadUrl(options.uploadUrl);
  const agent =
    url.protocol === 'https:'
      ? new https.Agent({ keepAlive: true, maxSockets: 1 })
      : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const pool = createBufferPool();
  try {
    return await runTransferLoop({
      ...options,
      url,
      sizeBytes: source.sizeBytes,
      limits,
      maxChunkBytes: source.maxChunkBytes,
      ports: {
        probe: (signal) => probeOffset(url, { signal, stallTimeoutMs, agent }),
        beforeSend: () => source.assertUnchanged(),
        send: async (range, signal, onBytesWritten) => {
          const sent = await sendChunk({
            url,
            source,
            ...range,
            stallTimeoutMs,
            signal,
            agent,
            pool,
            onBytesWritten,
          });
          return sent.offset;
        },
      },
    });
  } finally {
    agent.destroy();
    retireBufferPool(pool);
  }
}
