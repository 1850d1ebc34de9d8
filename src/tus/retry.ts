/**
 * @deprecated location: the retry policy and the server's delay hints live in src/core/ (neutral,
 * shared by the REST client and the tus transfer). Re-exported here for older imports.
 */
export {
  computeBackoffMs,
  DEFAULT_RETRY_POLICY,
  type ResolvedRetryPolicy,
  type RetryEvent,
  type RetryPolicy,
  resolveRetryPolicy,
  retryDelayMs,
} from '../core/retry.js';
export { parseRateLimitReset, parseRetryAfter, serverDelayMs } from '../core/server-delay.js';
