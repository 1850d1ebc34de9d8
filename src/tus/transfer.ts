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
  type VimeoTusError,
} from '../errors.js';
import type { FileSnapshot } from '../sources/file-source.js';
import { createBufferPool } from '../sources/range-reader.js';
import { type AttemptContext, runAttempt } from './attempt.js';
import { ChunkSizer } from './chunk-sizer.js';
import { DEFAULT_CHUNK_SIZE_BYTES, DEFAULT_STALL_TIMEOUT_MS, MIN_CHUNK_SIZE_BYTES } from './constants.js';
import type { UploadState } from './probe-offset.js';
import { RetryBudget } from './retry-budget.js';
import { CallbackFailure, TransferCounters, type TransferProgress } from './transfer-counters.js';
import { parseUploadUrl } from './upload-url.js';

export { probeOffset } from './probe-offset.js';

export type { TransferProgress } from './transfer-counters.js';

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
  // Aborts the request in flight when a callback threw inside a socket callback.
  const failed = new AbortController();
  const counters = new TransferCounters(options, () => failed.abort());
  const budget = new RetryBudget(policy.maxAttempts);
  const agent =
    url.protocol === 'https:'
      ? new https.Agent({ keepAlive: true, maxSockets: 1 })
      : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const context: AttemptContext = {
    url,
    file,
    stallTimeoutMs,
    signal: signal ? AbortSignal.any([signal, failed.signal]) : failed.signal,
    agent,
    pool: createBufferPool(),
    chunkSizer: new ChunkSizer(chunkSizeBytes),
    counters,
    onServerOffset: (offset) => budget.observed(offset),
  };
  // The server's state is known without a HEAD for the first try only.
  let known: UploadState | undefined =
    options.knownOffset === undefined ? undefined : { offset: options.knownOffset, length: file.sizeBytes };
  let retries = 0;
  try {
    for (;;) {
      let error: VimeoTusError;
      try {
        const done = await runAttempt(context, known);
        const { bytesSent, requests } = counters;
        return { uploadOffset: done.offset, uploadLength: done.length, bytesSent, requests, retries };
      } catch (caught) {
        error = retryableOrThrow(caught, counters, signal);
      } finally {
        known = undefined;
      }
      const attempt = budget.failed();
      if (budget.exhausted) {
        throw new RetriesExhaustedError(
          `Gave up after ${attempt} tries in a row without progress; last error: ${error.message}`,
          { cause: error, ...(error.request ? { request: error.request } : {}) },
        );
      }
      // max(backoff, the server's delay); a server delay beyond maxServerDelayMs throws RateLimitError.
      const delayMs = retryDelayMs(attempt, policy, error);
      retries += 1;
      // A throwing onRetry ends the transfer.
      options.onRetry?.({ attempt, delayMs, reason: error.message, code: error.code });
      await sleep(delayMs, signal);
    }
  } finally {
    agent.destroy();
  }
}

/**
 * The error that ended a try, if another try may follow; otherwise throws what the caller should
 * see: a callback's own error, an AbortError for the caller's signal, or a non-retryable error.
 */
function retryableOrThrow(
  caught: unknown,
  counters: TransferCounters,
  signal: AbortSignal | undefined,
): VimeoTusError {
  if (counters.failure) throw counters.failure.error;
  if (caught instanceof CallbackFailure) throw caught.error;
  if (signal?.aborted) {
    throw caught instanceof AbortError ? caught : new AbortError(undefined, { cause: signal.reason });
  }
  if (!isRetryable(caught)) throw caught;
  return caught as VimeoTusError;
}
