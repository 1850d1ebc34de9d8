/**
 * The transfer loop: HEAD for the server's offset, then streamed PATCHes from it until the upload is
 * complete. After any failure: back off, HEAD again and reopen the file at the server's offset (a
 * consumed stream is never replayed). The retry budget resets whenever the server's offset advanced.
 */
import http from 'node:http';
import https from 'node:https';
import { type RetryEvent, type RetryPolicy, resolveRetryPolicy, retryDelayMs } from '../core/retry.js';
import { sleep } from '../core/sleep.js';
import {
  AbortError,
  ConfigError,
  isRetryable,
  RetriesExhaustedError,
  summarizeRequest,
  TusError,
  type VimeoTusError,
} from '../errors.js';
import { assertUnchanged, type FileSnapshot } from '../sources/file-source.js';
import { createBufferPool } from '../sources/range-reader.js';
import { ChunkSizer } from './chunk-sizer.js';
import { DEFAULT_CHUNK_SIZE_BYTES, DEFAULT_STALL_TIMEOUT_MS, MIN_CHUNK_SIZE_BYTES } from './constants.js';
import { probeOffset } from './probe-offset.js';
import { sendChunk } from './send-chunk.js';
import { parseUploadUrl } from './upload-url.js';

export { probeOffset } from './probe-offset.js';

/** Progress of one transfer. */
export interface TransferProgress {
  /** Body bytes the socket accepted during this transfer, retries included. */
  readonly bytesSent: number;
  /** The server's latest `Upload-Offset`; never decreases. */
  readonly bytesAcked: number;
}

/** Options of {@link runTransfer}. */
export interface TransferOptions {
  /** Vimeo's upload_link, used verbatim; never receives a token. */
  readonly uploadUrl: string;
  readonly file: FileSnapshot;
  /**
   * Bytes per PATCH; `Infinity` sends the rest in one PATCH. When the same PATCH is cut twice in a
   * row without the server's offset moving, the transfer halves it (not below 1 MiB).
   * @default 134217728 (128 MiB)
   */
  readonly chunkSizeBytes?: number;
  readonly signal?: AbortSignal;
  readonly retry?: RetryPolicy;
  /**
   * Abort a request when no byte was accepted by the socket and no answer came for this long.
   * @default 60000
   */
  readonly stallTimeoutMs?: number;
  /**
   * Called on every change: bytesSent counts bytes written to the socket by this transfer;
   * bytesAcked is the server's latest Upload-Offset (never decreases). Errors thrown here end the
   * transfer and are not retried.
   */
  readonly onProgress?: (p: TransferProgress) => void;
  /** Called before each backoff sleep. */
  readonly onRetry?: (e: RetryEvent) => void;
  /** Awaited after each acknowledged offset (the ledger persists it). Errors thrown here are NOT retried. */
  readonly onAcked?: (offset: number) => void | Promise<void>;
  /**
   * The server's offset when the caller knows it without asking: 0 for an upload created a moment
   * ago (a new video, or a new version). The first HEAD is then skipped, a round trip saved per
   * upload; every attempt after a failure still asks the server. If the server disagrees, its 409
   * answer is retried like any other, from the offset a HEAD then reports.
   */
  readonly knownOffset?: number;
}

/** The outcome of a completed transfer. */
export interface TransferResult {
  /** The server's final `Upload-Offset` (equal to uploadLength). */
  uploadOffset: number;
  /** The server's `Upload-Length` (equal to the file size). */
  uploadLength: number;
  /** Body bytes the socket accepted, retries included. */
  bytesSent: number;
  /** PATCH requests made. */
  requests: number;
  /** Retries after failures. */
  retries: number;
}

/** Wraps an error thrown by a caller's callback, so the retry loop passes it through untouched. */
class CallbackFailure {
  constructor(readonly error: unknown) {}
}

function checkOptions(options: TransferOptions): { chunkSizeBytes: number; stallTimeoutMs: number } {
  const chunkSizeBytes = options.chunkSizeBytes ?? DEFAULT_CHUNK_SIZE_BYTES;
  if (!(chunkSizeBytes === Number.POSITIVE_INFINITY || Number.isSafeInteger(chunkSizeBytes))) {
    throw new ConfigError(`chunkSizeBytes must be an integer or Infinity (got ${chunkSizeBytes})`);
  }
  if (chunkSizeBytes < MIN_CHUNK_SIZE_BYTES) {
    throw new ConfigError(
      `chunkSizeBytes must be at least ${MIN_CHUNK_SIZE_BYTES} (1 MiB); got ${chunkSizeBytes}`,
    );
  }
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  if (!Number.isFinite(stallTimeoutMs) || stallTimeoutMs <= 0) {
    throw new ConfigError(`stallTimeoutMs must be a finite number > 0 (got ${stallTimeoutMs})`);
  }
  const { knownOffset } = options;
  if (
    knownOffset !== undefined &&
    !(Number.isSafeInteger(knownOffset) && knownOffset >= 0 && knownOffset <= options.file.sizeBytes)
  ) {
    throw new ConfigError(
      `knownOffset must be an integer from 0 to the file size ${options.file.sizeBytes} (got ${knownOffset})`,
    );
  }
  return { chunkSizeBytes, stallTimeoutMs };
}

/**
 * HEAD first (unless `knownOffset` says where the server is), then PATCH from the server's offset
 * until complete; re-HEAD after every failure.
 * @throws AbortError when the signal fires; FileError E_FILE_CHANGED when the file changes;
 *   TusError E_UPLOAD_LINK_GONE / E_TUS_PROTOCOL (a bad answer, an Upload-Length other than the file
 *   size, an offset beyond it); RetriesExhaustedError (cause = last error) when
 *   `retry.maxAttempts` tries in a row failed without the server's offset advancing; RateLimitError
 *   (with `retryAfterMs`) when the server asks to wait longer than `retry.maxServerDelayMs`;
 *   whatever a callback threw.
 * @example
 * const file = await inspectFile('talk.mp4');
 * const result = await runTransfer({ uploadUrl, file, onProgress: (p) => console.log(p.bytesAcked) });
 */
export async function runTransfer(options: TransferOptions): Promise<TransferResult> {
  const { chunkSizeBytes, stallTimeoutMs } = checkOptions(options);
  const policy = resolveRetryPolicy(options.retry);
  const url = parseUploadUrl(options.uploadUrl);
  const { file, signal } = options;
  const agent =
    url.protocol === 'https:'
      ? new https.Agent({ keepAlive: true, maxSockets: 1 })
      : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const pool = createBufferPool();
  const chunkSizer = new ChunkSizer(chunkSizeBytes);
  /** The PATCH in flight, if any: where it started and how long it is. */
  let patch: { offsetBytes: number; lengthBytes: number } | undefined;

  let bytesSent = 0;
  let bytesAcked = 0;
  let ackedOnce = false;
  let requests = 0;
  let retries = 0;
  let failuresInARow = 0;
  /** Highest offset the server reported during this transfer (budget resets when it grows). */
  let bestServerOffset = -1;
  /** The first error a callback threw from inside a socket callback, if any. */
  let callbackError: CallbackFailure | undefined;
  /** Aborts the current attempt's requests (when a callback threw). */
  let attemptController: AbortController | undefined;
  /** The server's state, known without a HEAD for the first attempt only. */
  let knownState =
    options.knownOffset === undefined ? undefined : { offset: options.knownOffset, length: file.sizeBytes };

  const report = (): void => {
    try {
      options.onProgress?.({ bytesSent, bytesAcked });
    } catch (error) {
      throw new CallbackFailure(error);
    }
  };
  const acknowledge = async (offset: number): Promise<void> => {
    if (offset > bestServerOffset) {
      if (bestServerOffset >= 0) failuresInARow = 0;
      bestServerOffset = offset;
    }
    if (ackedOnce && offset <= bytesAcked) return;
    ackedOnce = true;
    bytesAcked = Math.max(bytesAcked, offset);
    try {
      await options.onAcked?.(bytesAcked);
    } catch (error) {
      throw new CallbackFailure(error);
    }
    report();
  };
  const onBytesWritten = (deltaBytes: number): void => {
    bytesSent += deltaBytes;
    // A throwing onProgress inside a socket callback must not escape into the event loop: record it
    // and abort the request through the loop's controller.
    try {
      options.onProgress?.({ bytesSent, bytesAcked });
    } catch (error) {
      callbackError ??= new CallbackFailure(error);
      attemptController?.abort();
    }
  };

  try {
    for (;;) {
      attemptController = new AbortController();
      const attemptSignal = signal
        ? AbortSignal.any([signal, attemptController.signal])
        : attemptController.signal;
      try {
        const state =
          knownState ?? (await probeOffset(url, { signal: attemptSignal, stallTimeoutMs, agent }));
        knownState = undefined;
        checkServerState(state, file, url);
        await acknowledge(state.offset);
        let offset = state.offset;
        while (offset < state.length) {
          await assertUnchanged(file);
          const endBytes = Math.min(state.length, offset + chunkSizer.sizeBytes);
          patch = { offsetBytes: offset, lengthBytes: endBytes - offset };
          requests += 1;
          const sent = await sendChunk({
            url,
            filePath: file.path,
            offsetBytes: offset,
            endBytes,
            stallTimeoutMs,
            signal: attemptSignal,
            agent,
            pool,
            onBytesWritten,
          });
          patch = undefined;
          offset = sent.offset;
          await acknowledge(offset);
        }
        return { uploadOffset: offset, uploadLength: state.length, bytesSent, requests, retries };
      } catch (caught) {
        if (callbackError) throw callbackError.error;
        if (caught instanceof CallbackFailure) throw caught.error;
        if (signal?.aborted) {
          throw caught instanceof AbortError ? caught : new AbortError(undefined, { cause: signal.reason });
        }
        if (!isRetryable(caught)) throw caught;
        const error = caught as VimeoTusError;
        if (patch && (error.code === 'E_NETWORK' || error.code === 'E_STALLED')) {
          // The same PATCH cut again and again without progress: send less at a time.
          chunkSizer.interrupted(patch.offsetBytes, patch.lengthBytes);
        }
        patch = undefined;
        failuresInARow += 1;
        if (failuresInARow >= policy.maxAttempts) {
          throw new RetriesExhaustedError(
            `Gave up after ${failuresInARow} tries in a row without progress; last error: ${error.message}`,
            { cause: error, ...(error.request ? { request: error.request } : {}) },
          );
        }
        // max(backoff, the server's delay); a server delay beyond maxServerDelayMs throws RateLimitError.
        const delayMs = retryDelayMs(failuresInARow, policy, error);
        retries += 1;
        // A throwing onRetry ends the transfer (we are outside the try already).
        options.onRetry?.({ attempt: failuresInARow, delayMs, reason: error.message, code: error.code });
        await sleep(delayMs, signal);
      }
    }
  } finally {
    agent.destroy();
  }
}

/**
 * The server's upload must be this file: same length. (Its offset is within that length: probeOffset
 * refuses an offset beyond Upload-Length.)
 */
function checkServerState(state: { offset: number; length: number }, file: FileSnapshot, url: URL): void {
  if (state.length !== file.sizeBytes) {
    const request = summarizeRequest('HEAD', url);
    throw new TusError(
      'E_TUS_PROTOCOL',
      `The upload host expects ${state.length} bytes (Upload-Length) but the file has ${file.sizeBytes}: ` +
        'this upload link belongs to another file or version',
      { request },
    );
  }
}
