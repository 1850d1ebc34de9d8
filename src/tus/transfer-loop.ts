/**
 * The transfer loop, platform-free: tries (attempt.ts) until the upload is complete. After any
 * failure: back off, HEAD again and go on from the server's offset (a consumed body is never
 * replayed). The retry budget resets whenever the server's offset advanced. The Node engine
 * (transfer.ts) and the browser module plug in their own requests; both get the same retries,
 * budget, chunk halving, progress and callback rules from here.
 */
import { type RetryEvent, type RetryPolicy, resolveRetryPolicy, retryDelayMs } from '../core/retry.js';
import { type Sleep, sleep } from '../core/sleep.js';
import { AbortError, ConfigError, isRetryable, NetworkError, type VimeoTusError } from '../errors.js';
import { type AttemptContext, runAttempt, type TransferPorts } from './attempt.js';
import { ChunkSizer, checkChunkSizeBytes } from './chunk-sizer.js';
import { DEFAULT_STALL_TIMEOUT_MS } from './constants.js';
import type { UploadState } from './responses.js';
import { RetryBudget } from './retry-budget.js';
import { CallbackFailure, TransferCounters, type TransferProgress } from './transfer-counters.js';

export type { ChunkRange, TransferPorts } from './attempt.js';
export type { TransferProgress } from './transfer-counters.js';

/** The caller's part of a transfer, the same on every platform. */
export interface TransferSettings {
  /**
   * Bytes per PATCH; `Infinity` sends the rest in one PATCH. Unset: the default policy, 512 MB
   * PATCHes, 128 MiB after a failed one (then doubled after each PATCH acknowledged whole), each
   * kept to about 30 s at the last one's pace, not below 128 MiB. When the same PATCH is cut twice
   * in a row without the server's offset moving, the transfer halves it (not below 1 MiB).
   * @default 512 MB, less after a failure or on a slow link
   */
  readonly chunkSizeBytes?: number | undefined;
  readonly signal?: AbortSignal;
  readonly retry?: RetryPolicy;
  /**
   * Abort a request when no byte was accepted by the network and no answer came for this long.
   * @default 60000
   */
  readonly stallTimeoutMs?: number;
  /**
   * Called on every change: bytesSent counts body bytes handed to the network by this transfer;
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
  /** How the backoff waits (tests pass a clock of their own). @default an abortable timer */
  readonly sleep?: Sleep;
  /** The clock (ms) that times each PATCH for the default chunk policy. @default performance.now */
  readonly now?: () => number;
}

/** The outcome of a completed transfer. */
export interface TransferResult {
  /** The server's final `Upload-Offset` (equal to uploadLength). */
  uploadOffset: number;
  /** The server's `Upload-Length` (equal to the file size). */
  uploadLength: number;
  /** Body bytes handed to the network, retries included. */
  bytesSent: number;
  /** PATCH requests made. */
  requests: number;
  /** Retries after failures. */
  retries: number;
}

/** The checked PATCH size and stall timeout of a transfer. */
export interface TransferLimits {
  /** `undefined`: the default policy (see {@link TransferSettings.chunkSizeBytes}). */
  readonly chunkSizeBytes: number | undefined;
  readonly stallTimeoutMs: number;
}

/**
 * Check the caller's chunk size, stall timeout and known offset, once, before any request.
 * @throws ConfigError naming the bad value.
 */
export function checkTransferSettings(settings: TransferSettings, sizeBytes: number): TransferLimits {
  const chunkSizeBytes =
    settings.chunkSizeBytes === undefined ? undefined : checkChunkSizeBytes(settings.chunkSizeBytes);
  const stallTimeoutMs = settings.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  if (!Number.isFinite(stallTimeoutMs) || stallTimeoutMs <= 0) {
    throw new ConfigError(`stallTimeoutMs must be a finite number > 0 (got ${stallTimeoutMs})`);
  }
  const { knownOffset } = settings;
  if (
    knownOffset !== undefined &&
    !(Number.isSafeInteger(knownOffset) && knownOffset >= 0 && knownOffset <= sizeBytes)
  ) {
    throw new ConfigError(
      `knownOffset must be an integer from 0 to the file size ${sizeBytes} (got ${knownOffset})`,
    );
  }
  return { chunkSizeBytes, stallTimeoutMs };
}

/** What {@link runTransferLoop} needs besides the caller's settings. */
export interface TransferLoopOptions extends TransferSettings {
  /** The upload link, parsed (errors show only its host). */
  readonly url: URL;
  /** The file's size: the server's `Upload-Length` must be this. */
  readonly sizeBytes: number;
  /** From {@link checkTransferSettings}. */
  readonly limits: TransferLimits;
  /** The source's largest PATCH (`UploadSource.maxChunkBytes`); the default policy sends no more. */
  readonly maxChunkBytes?: number | undefined;
  readonly ports: TransferPorts;
}

/**
 * HEAD first (unless `knownOffset` says where the server is), then PATCH from the server's offset
 * until complete; HEAD again after every failure.
 * @throws AbortError when the signal fires; TusError E_UPLOAD_LINK_GONE / E_TUS_PROTOCOL (a bad
 *   answer, an Upload-Length other than the file size, an offset beyond it); NetworkError E_RETRIES_EXHAUSTED
 *   (cause = last error) when `retry.maxAttempts` tries in a row failed without the server's offset
 *   advancing; TusError E_RATE_LIMITED (with `retryAfterMs`) when the server asks to wait longer than
 *   `retry.maxServerDelayMs`; whatever `ports.beforeSend` or a callback threw.
 */
export async function runTransferLoop(options: TransferLoopOptions): Promise<TransferResult> {
  const policy = resolveRetryPolicy(options.retry);
  const { signal } = options;
  // Aborts the request in flight when a callback threw inside a network callback.
  const failed = new AbortController();
  const counters = new TransferCounters(options, () => failed.abort());
  const budget = new RetryBudget(policy.maxAttempts);
  const context: AttemptContext = {
    url: options.url,
    sizeBytes: options.sizeBytes,
    ports: options.ports,
    signal: signal ? AbortSignal.any([signal, failed.signal]) : failed.signal,
    chunkSizer: new ChunkSizer(options.limits.chunkSizeBytes, options.maxChunkBytes),
    now: options.now ?? (() => performance.now()),
    counters,
    onServerOffset: (offset) => budget.observed(offset),
  };
  // The server's state is known without a HEAD for the first try only.
  let known: UploadState | undefined =
    options.knownOffset === undefined
      ? undefined
      : { offset: options.knownOffset, length: options.sizeBytes };
  let retries = 0;
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
      throw new NetworkError(
        `Gave up after ${attempt} tries in a row without progress; last error: ${error.message}`,
        { code: 'E_RETRIES_EXHAUSTED', cause: error, ...(error.request ? { request: error.request } : {}) },
      );
    }
    // max(backoff, the server's delay); a server delay beyond maxServerDelayMs throws E_RATE_LIMITED.
    const delayMs = retryDelayMs(attempt, policy, error);
    retries += 1;
    // A throwing onRetry ends the transfer.
    options.onRetry?.({ attempt, delayMs, reason: error.message, code: error.code });
    await (options.sleep ?? sleep)(delayMs, signal);
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
