/**
 * Reads the `X-RateLimit-*` headers every API answer carries.
 */
import { parseRateLimitReset } from '../core/server-delay.js';
import type { HeaderReader } from './api-request.js';
import type { RateLimitInfo } from './types.js';

/** Parses `X-RateLimit-Limit/Remaining/Reset`; null when no header was present at all. */
export function parseRateLimitHeaders(headers: HeaderReader): RateLimitInfo | null {
  const limit = headers.get('x-ratelimit-limit');
  const remaining = headers.get('x-ratelimit-remaining');
  const reset = headers.get('x-ratelimit-reset');
  if (limit === null && remaining === null && reset === null) return null;
  return { limit: toCount(limit), remaining: toCount(remaining), resetAt: parseResetDate(reset) };
}

function toCount(value: string | null): number | null {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return null;
  return Number(value);
}

/** `X-RateLimit-Reset` as a date, read by the one parser of src/core (ISO-8601 or Unix seconds). */
export function parseResetDate(value: string | null, now: number = Date.now()): Date | null {
  const delayMs = parseRateLimitReset(value, now);
  return delayMs === undefined ? null : new Date(now + delayMs);
}
