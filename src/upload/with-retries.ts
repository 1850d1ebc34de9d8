/**
 * Runs an idempotent step (HEAD, GET) again after retryable errors, with backoff.
 */
import { isRetryable, type VimeoTusError } from '../errors.js';
import { computeBackoffMs } from '../tus/retry.js';
import { sleep as abortableSleep } from '../tus/sleep.js';
import type { RetryEvent, RetryPolicy } from './types.js';

const DEFAULT_MAX_ATTEMPTS = 8;

/** Calls `step` until it succeeds, a non-retryable error occurs, or the attempts run out. */
export async function withRetries<T>(
  step: () => Promise<T>,
  options: {
    retry?: RetryPolicy | undefined;
    signal?: AbortSignal | undefined;
    onRetry?: (e: RetryEvent) => void;
  },
): Promise<T> {
  const maxAttempts = Math.max(1, options.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (options.signal?.aborted || attempt >= maxAttempts || !isRetryable(error)) throw error;
      const typed = error as VimeoTusError;
      const delayMs = typed.retryAfterMs ?? computeBackoffMs(attempt, options.retry ?? {});
      options.onRetry?.({ attempt, delayMs, reason: typed.message, code: typed.code });
      await abortableSleep(delayMs, options.signal);
    }
  }
}
