/**
 * Reads the `X-RateLimit-*` headers every API answer carries.
 */
import type { RateLimitInfo } from './types.js';

/** Parses `X-RateLimit-Limit/Remaining/Reset`; null when no header was present at all. */
export function parseRateLimitHeaders(headers: Headers): RateLimitInfo | null {
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

/** `X-RateLimit-Reset` as a date: ISO-8601 (`2023-04-08T09:21:35+00:00`) or Unix seconds. */
export function parseResetDate(value: string | null): Date | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return new Date(Math.round(Number(trimmed) * 1000));
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? null : new Date(ms);
}
