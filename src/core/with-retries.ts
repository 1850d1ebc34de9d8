/**
 * The one retry loop for single requests (API calls, HEAD probes): run a step again after
 * retryable errors, waiting by the shared delay rule of {@link retryDelayMs}.
 */
import { AbortError, isRetryable, VimeoTusError } from '../errors.js';
import { type RetryEvent, type RetryPolicy, resolveRetryPolicy, retryDelayMs } from './retry.js';
import { sleep } from './sleep.js';

export interface WithRetriesOptions {
  readonly retry?: RetryPolicy | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onRetry?: ((e: RetryEvent) => void) | undefined;
  /**
   * Whether this error may be tried again.
   * @default the error's `retryable` flag
   */
  readonly shouldRetry?: ((error: VimeoTusError) => boolean) | undefined;
}

/**
 * Calls `step` until it succeeds, a non-retryable error occurs, or the attempts run out (the last
 * error is then thrown as it is). `step` gets the attempt number, from 1.
 */
export async function withRetries<T>(
  step: (attempt: number) => Promise<T>,
  options: WithRetriesOptions,
): Promise<T> {
  // Idempotent on a resolved policy; checks a policy given directly (ConfigError, never a NaN loop).
  const policy = resolveRetryPolicy(options.retry);
  const shouldRetry = options.shouldRetry ?? isRetryable;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(attempt);
    } catch (error) {
      if (!(error instanceof VimeoTusError) || error instanceof AbortError) throw error;
      if (options.signal?.aborted || attempt >= policy.maxAttempts || !shouldRetry(error)) throw error;
      const delayMs = retryDelayMs(attempt, policy, error);
      options.onRetry?.({ attempt, delayMs, reason: error.message, code: error.code });
      await sleep(delayMs, options.signal);
    }
  }
}
