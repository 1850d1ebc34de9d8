/**
 * TEMPORARY: stands in for src/tus/retry.ts (owned by the tus branch) until that branch is merged;
 * then this file is deleted and the imports point at ../tus/retry.js. Same signatures.
 */
import type { RetryPolicy } from '../upload/types.js';

const DEFAULT_INITIAL_DELAY_MS = 500;
const DEFAULT_MAX_DELAY_MS = 30_000;

/** Exponential backoff with jitter for the given 1-based attempt. */
export function computeBackoffMs(attempt: number, policy: RetryPolicy = {}, random = Math.random): number {
  const initial = policy.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS;
  const max = policy.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const base = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + (random() * base) / 2);
}

/** `Retry-After` (delta seconds or HTTP date) → milliseconds from now; undefined when absent/invalid. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `X-RateLimit-Reset` (ISO-8601 or Unix seconds) → milliseconds from now; undefined when invalid. */
export function parseRateLimitReset(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.max(0, Math.round(Number(trimmed) * 1000 - now));
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
