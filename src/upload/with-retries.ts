/**
 * Runs an idempotent step (HEAD, GET) again after retryable errors, with backoff.
 */
import { isRetryable, type VimeoTusError } from '../errors.js';
import { computeBackoffMs, resolveRetryPolicy } from '../tus/retry.js';
import { sleep as abortableSleep } from '../tus/sleep.js';
import type { RetryEvent, RetryPolicy } from './types.js';

/** Calls `step` until it succeeds, a non-retryable error occurs, or the attempts run out. */
export async function withRetries<T>(
  step: () => Promise<T>,
  options: {
    retry?: RetryPolicy | undefined;
    signal?: AbortSignal | undefined;
    onRetry?: (e: RetryEvent) => void;
  },
): Promise<T> {
  // Idempotent on a resolved policy; checks a policy given directly (ConfigError, never a NaN loop).
  const policy = resolveRetryPolicy(options.retry);
  const { maxAttempts } = policy;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (options.signal?.aborted || attempt >= maxAttempts || !isRetryable(error)) throw error;
      const typed = error as VimeoTusError;
      const delayMs = typed.retryAfterMs ?? computeBackoffMs(attempt, policy);
      options.onRetry?.({ attempt, delayMs, reason: typed.message, code: typed.code });
      await abortableSleep(delayMs, options.signal);
    }
  }
}
