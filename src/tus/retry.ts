/**
 * Pure helpers for the retry loop: backoff delay, and the server's own delay hints (`Retry-After`,
 * `X-RateLimit-Reset`). No I/O, no clocks read except through the `now` arguments' defaults, so the
 * REST client can reuse them and tests can pin time.
 */
import { ConfigError } from '../errors.js';
import type { RetryPolicy } from '../upload/types.js';

/** A retry policy with every default filled in. */
export interface ResolvedRetryPolicy {
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** The defaults of {@link RetryPolicy}. */
export const DEFAULT_RETRY_POLICY: ResolvedRetryPolicy = Object.freeze({
  maxAttempts: 8,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
});

/**
 * Fill in the defaults of a retry policy and check its values.
 * @throws ConfigError when a value is not a finite number in range.
 */
export function resolveRetryPolicy(policy: RetryPolicy = {}): ResolvedRetryPolicy {
  const resolved = {
    maxAttempts: policy.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    initialDelayMs: policy.initialDelayMs ?? DEFAULT_RETRY_POLICY.initialDelayMs,
    maxDelayMs: policy.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
  };
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1) {
    throw new ConfigError(`retry.maxAttempts must be an integer >= 1 (got ${resolved.maxAttempts})`);
  }
  for (const key of ['initialDelayMs', 'maxDelayMs'] as const) {
    const value = resolved[key];
    if (!Number.isFinite(value) || value < 0) {
      throw new ConfigError(`retry.${key} must be a finite number >= 0 (got ${value})`);
    }
  }
  return Object.freeze(resolved);
}

/**
 * Delay before retry number `attempt` (1 for the first retry): exponential from `initialDelayMs`,
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

/**
 * Parse a `Retry-After` value: delay-seconds (`"120"`) or an HTTP-date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`). Returns milliseconds from `now` (0 for a date in the past),
 * or `undefined` when the value is missing or unreadable.
 */
export function parseRetryAfter(
  value: string | undefined | null,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Below this, a numeric `X-RateLimit-Reset` is read as seconds from now, not as a Unix time. */
const UNIX_SECONDS_THRESHOLD = 1_000_000_000;

/**
 * Parse Vimeo's `X-RateLimit-Reset`, seen both as ISO-8601 (`2023-04-08T09:21:35+00:00`) and as
 * Unix seconds (`1680945695`). A small number (< 1e9) is taken as seconds from now. Returns
 * milliseconds from `now` (0 when already past), or `undefined` when missing or unreadable.
 */
export function parseRateLimitReset(
  value: string | undefined | null,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const seconds = Number(text);
    if (seconds < UNIX_SECONDS_THRESHOLD) return Math.round(seconds * 1000);
    return Math.max(0, Math.round(seconds * 1000 - now));
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The delay the server asked for in a response's headers: `Retry-After` first, else
 * `X-RateLimit-Reset`. Header values may be arrays (Node's IncomingHttpHeaders); the first counts.
 */
export function serverDelayMs(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  now: number = Date.now(),
): number | undefined {
  const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  return (
    parseRetryAfter(first(headers['retry-after']), now) ??
    parseRateLimitReset(first(headers['x-ratelimit-reset']), now)
  );
}
