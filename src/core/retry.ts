/**
 * The one retry rule of the library: the policy (how often, how long), the backoff, and how a delay
 * the server asked for combines with it. Used by the tus transfer, the REST client and the upload
 * steps alike, so every retry loop waits the same way:
 *
 *   delay = max(backoff(attempt), serverDelayMs)
 *
 * The server's delay is never shortened (retrying earlier than asked meets the same 429 and burns
 * the budget); `Retry-After: 0` still gets the backoff. A server delay above `maxServerDelayMs` is not
 * waited for: the caller gets an `E_RATE_LIMITED` error carrying `retryAfterMs`.
 */
import { ConfigError, type RequestSummary, TusError, VimeoApiError } from '../errors.js';

/** When and how often a failed request is tried again. */
export interface RetryPolicy {
  /**
   * Tries in a row without the server's offset advancing before giving up.
   * @default 8
   */
  readonly maxAttempts?: number;
  /** First backoff delay (doubles per failed try). @default 500 */
  readonly initialDelayMs?: number;
  /** Ceiling of the backoff delay (never of a delay the server asked for). @default 30000 */
  readonly maxDelayMs?: number;
  /**
   * Longest delay asked by the server (`Retry-After`, `X-RateLimit-Reset`) that is waited for; a
   * longer one ends with an `E_RATE_LIMITED` error (`retryAfterMs` says how long). @default 900000 (15 min)
   */
  readonly maxServerDelayMs?: number;
}

/** A retry is about to happen after a delay. */
export interface RetryEvent {
  /** Failed tries in a row so far (1 for the first retry). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
  readonly code: string;
}

/** A retry policy with every default filled in. */
export interface ResolvedRetryPolicy {
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxServerDelayMs: number;
}

/** The defaults of {@link RetryPolicy}. */
export const DEFAULT_RETRY_POLICY: ResolvedRetryPolicy = Object.freeze({
  maxAttempts: 8,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxServerDelayMs: 15 * 60_000,
});

/**
 * Fill in the defaults of a retry policy and check its values (once, up front).
 * @throws ConfigError when a value is not a finite number in range.
 */
export function resolveRetryPolicy(policy: RetryPolicy = {}): ResolvedRetryPolicy {
  const resolved = {
    maxAttempts: policy.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    initialDelayMs: policy.initialDelayMs ?? DEFAULT_RETRY_POLICY.initialDelayMs,
    maxDelayMs: policy.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    maxServerDelayMs: policy.maxServerDelayMs ?? DEFAULT_RETRY_POLICY.maxServerDelayMs,
  };
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1) {
    throw new ConfigError(`retry.maxAttempts must be an integer >= 1 (got ${resolved.maxAttempts})`);
  }
  for (const key of ['initialDelayMs', 'maxDelayMs', 'maxServerDelayMs'] as const) {
    const value = resolved[key];
    if (!Number.isFinite(value) || value < 0) {
      throw new ConfigError(`retry.${key} must be a finite number >= 0 (got ${value})`);
    }
  }
  return Object.freeze(resolved);
}

/**
 * Backoff before retry number `attempt` (1 for the first retry): exponential from `initialDelayMs`,
 * with "equal jitter" (half fixed, half random) so parallel clients spread out without a retry ever
 * coming at once, and never more than `maxDelayMs`.
 * @param random a source of numbers in [0, 1); `Math.random` by default.
 */
export function computeBackoffMs(
  attempt: number,
  policy: RetryPolicy = {},
  random: () => number = Math.random,
): number {
  const { initialDelayMs, maxDelayMs } = resolveRetryPolicy(policy);
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2 ** 1024 is Infinity; Math.min keeps the cap.
  const baseMs = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(exponent, 60));
  const jitter = Math.min(Math.max(random(), 0), 1);
  return Math.min(maxDelayMs, Math.round(baseMs / 2 + (baseMs / 2) * jitter));
}

/** What {@link retryDelayMs} needs to know of the failure. */
export interface RetryCause {
  readonly message: string;
  /** The delay the server asked for, in milliseconds (`Retry-After`, `X-RateLimit-Reset`). */
  readonly retryAfterMs?: number | undefined;
  readonly request?: RequestSummary | undefined;
}

/**
 * The delay before retry number `attempt`: `max(backoff(attempt), failure.retryAfterMs)`. The
 * server's delay is never shortened; `maxDelayMs` caps only the backoff.
 * @throws E_RATE_LIMITED (a TusError when the failure was the upload host's, else a VimeoApiError;
 *   with `retryAfterMs`, `cause` = the failure) when the server asked for more
 *   than `maxServerDelayMs`: better to stop and say when to come back than to sleep for hours.
 * @example
 * await sleep(retryDelayMs(attempt, policy, error), signal);
 */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  failure: RetryCause,
  random: () => number = Math.random,
): number {
  const { maxServerDelayMs } = resolveRetryPolicy(policy);
  const backoffMs = computeBackoffMs(attempt, policy, random);
  const askedMs = failure.retryAfterMs;
  if (askedMs === undefined || !Number.isFinite(askedMs) || askedMs < 0) return backoffMs;
  if (askedMs > maxServerDelayMs) {
    const message =
      `The server asked to wait ${Math.ceil(askedMs / 1000)} s before the next try, more than ` +
      `retry.maxServerDelayMs (${Math.ceil(maxServerDelayMs / 1000)} s); try again later. ` +
      `Last error: ${failure.message}`;
    const options = {
      cause: failure,
      retryAfterMs: askedMs,
      ...(failure.request ? { request: failure.request } : {}),
    };
    throw failure instanceof TusError
      ? new TusError('E_RATE_LIMITED', message, options)
      : new VimeoApiError(message, { code: 'E_RATE_LIMITED', ...options });
  }
  return Math.max(backoffMs, Math.ceil(askedMs));
}
