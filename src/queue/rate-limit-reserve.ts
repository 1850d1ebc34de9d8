/**
 * When a fleet pauses before Vimeo answers 429: every API answer carries `X-RateLimit-Remaining`
 * and `X-RateLimit-Reset` (the client parses them, see src/vimeo/rate-limit.ts); once the calls
 * left in the window are down to a reserve, the whole queue waits for the reset. The reserve is
 * what the uploads already running across the fleet spend meanwhile (a create call, a few reads
 * each): no new upload starts until the window resets.
 */
import type { RateLimitInfo } from '../vimeo/types.js';
import { DEFAULT_RATE_LIMIT_PAUSE_MS } from './failure.js';

/** The share of `X-RateLimit-Limit` kept in reserve by default (at least one call). */
export const DEFAULT_RATE_LIMIT_RESERVE_SHARE = 0.05;
/** The shortest pause: a reset time already past, or a moment away, still lets a running upload finish its calls. */
export const MIN_RATE_LIMIT_PAUSE_MS = 1_000;
/** The longest pause: a reset time further away than this is not believed (a wrong clock, a misread header). */
export const MAX_RATE_LIMIT_PAUSE_MS = 15 * 60_000;
/**
 * Added to the reset time: Vimeo's reset has whole seconds (an ISO-8601 date without fractions,
 * or Unix seconds), so the window may end up to a second after the time it names.
 */
const RESET_MARGIN_MS = 1_000;

/**
 * The calls kept in reserve for a reading: `reserve` when given, else
 * max(1, ⌈5 % of the limit⌉) (1 when the limit is unknown).
 */
export function rateLimitReserveOf(reading: RateLimitInfo, reserve?: number): number {
  if (reserve !== undefined) return reserve;
  if (reading.limit === null) return 1;
  return Math.max(1, Math.ceil(reading.limit * DEFAULT_RATE_LIMIT_RESERVE_SHARE));
}

/**
 * How long the queue pauses after this reading, or undefined when calls are left beyond the
 * reserve (or the answer said nothing of them): until the reset plus a second, within
 * [MIN_RATE_LIMIT_PAUSE_MS, MAX_RATE_LIMIT_PAUSE_MS]; without a reset time,
 * DEFAULT_RATE_LIMIT_PAUSE_MS (as after a 429 that names none).
 */
export function rateLimitPauseMs(
  reading: RateLimitInfo,
  nowMs: number,
  reserve?: number,
): number | undefined {
  if (reading.remaining === null || reading.remaining > rateLimitReserveOf(reading, reserve))
    return undefined;
  if (reading.resetAt === null) return DEFAULT_RATE_LIMIT_PAUSE_MS;
  const untilResetMs = reading.resetAt.getTime() - nowMs + RESET_MARGIN_MS;
  return Math.min(MAX_RATE_LIMIT_PAUSE_MS, Math.max(MIN_RATE_LIMIT_PAUSE_MS, untilResetMs));
}
