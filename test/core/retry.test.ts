import { describe, expect, it } from 'vitest';
import { computeBackoffMs, resolveRetryPolicy, retryDelayMs } from '../../src/core/retry.js';
import { parseRateLimitReset, parseRetryAfter, serverDelayMs } from '../../src/core/server-delay.js';
import { ConfigError, VimeoApiError } from '../../src/errors.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');

describe('computeBackoffMs', () => {
  const policy = { initialDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles per attempt, between half and all of the base delay', () => {
    expect(computeBackoffMs(1, policy, () => 0)).toBe(50);
    expect(computeBackoffMs(1, policy, () => 0.999999)).toBe(100);
    expect(computeBackoffMs(2, policy, () => 0)).toBe(100);
    expect(computeBackoffMs(3, policy, () => 0.5)).toBe(300);
  });

  it('never exceeds maxDelayMs, even for huge attempt numbers', () => {
    expect(computeBackoffMs(10, policy, () => 0.999999)).toBe(1_000);
    expect(computeBackoffMs(5_000, policy, () => 0.999999)).toBe(1_000);
    expect(computeBackoffMs(5_000, policy, () => 0)).toBe(500);
  });

  it('uses the defaults (500 ms initial, 30 s cap) and clamps a bad random source', () => {
    expect(computeBackoffMs(1, {}, () => 0)).toBe(250);
    expect(computeBackoffMs(100, {}, () => 7)).toBe(30_000);
  });

  it('rejects nonsense policies', () => {
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(ConfigError);
    expect(() => resolveRetryPolicy({ maxAttempts: 1.5 })).toThrow(ConfigError);
    expect(() => resolveRetryPolicy({ initialDelayMs: -1 })).toThrow(ConfigError);
    expect(() => resolveRetryPolicy({ maxDelayMs: Number.NaN })).toThrow(ConfigError);
    expect(resolveRetryPolicy()).toEqual({
      maxAttempts: 8,
      initialDelayMs: 500,
      maxDelayMs: 30_000,
      maxServerDelayMs: 900_000,
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000);
  });

  it('reads an HTTP-date relative to now, 0 when past', () => {
    expect(parseRetryAfter('Thu, 26 Nov 2026 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 11:00:00 GMT', NOW)).toBe(0);
  });

  it('returns undefined for missing or unreadable values', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
    expect(parseRetryAfter('1.5', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });
});

describe('parseRateLimitReset', () => {
  it('reads ISO-8601 with an offset', () => {
    expect(parseRateLimitReset('2026-11-26T12:00:10+00:00', NOW)).toBe(10_000);
    expect(parseRateLimitReset('2026-11-26T13:00:10+01:00', NOW)).toBe(10_000);
    expect(parseRateLimitReset('2026-11-26T11:59:00Z', NOW)).toBe(0);
  });

  it('reads Unix seconds, and small numbers as seconds from now', () => {
    expect(parseRateLimitReset(String(NOW / 1000 + 42), NOW)).toBe(42_000);
    expect(parseRateLimitReset(String(NOW / 1000 - 42), NOW)).toBe(0);
    expect(parseRateLimitReset('60', NOW)).toBe(60_000);
  });

  it('returns undefined for missing or unreadable values', () => {
    expect(parseRateLimitReset(undefined, NOW)).toBeUndefined();
    expect(parseRateLimitReset('tomorrow', NOW)).toBeUndefined();
    expect(parseRateLimitReset('2026-13-45T99:00:00Z', NOW)).toBeUndefined();
  });
});

describe('serverDelayMs', () => {
  it('prefers Retry-After, falls back to X-RateLimit-Reset, takes the first of repeated values', () => {
    expect(serverDelayMs({ 'retry-after': '3', 'x-ratelimit-reset': '60' }, NOW)).toBe(3_000);
    expect(serverDelayMs({ 'x-ratelimit-reset': '2026-11-26T12:01:00+00:00' }, NOW)).toBe(60_000);
    expect(serverDelayMs({ 'retry-after': ['2', '9'] }, NOW)).toBe(2_000);
    expect(serverDelayMs({}, NOW)).toBeUndefined();
  });
});

describe('serverDelayMs with fetch Headers', () => {
  it('reads the same headers from a Headers object', () => {
    expect(serverDelayMs(new Headers({ 'retry-after': '4' }), NOW)).toBe(4_000);
    expect(serverDelayMs(new Headers({ 'x-ratelimit-reset': String(NOW / 1000 + 5) }), NOW)).toBe(5_000);
    expect(serverDelayMs(new Headers(), NOW)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  const policy = { initialDelayMs: 100, maxDelayMs: 1_000 };
  const failure = (retryAfterMs?: number) => ({
    message: 'answered 429',
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

  it('is the backoff when the server gave no delay, or a delay of 0', () => {
    expect(retryDelayMs(1, policy, failure(), () => 0)).toBe(50);
    expect(retryDelayMs(3, policy, failure(0), () => 0.5)).toBe(300);
  });

  it('never shortens the server delay to maxDelayMs', () => {
    expect(retryDelayMs(1, policy, failure(120_000), () => 0)).toBe(120_000);
    expect(retryDelayMs(1, { ...policy, maxDelayMs: 100 }, failure(3_000), () => 0.9)).toBe(3_000);
  });

  it('takes the backoff when it is longer than the server delay', () => {
    expect(retryDelayMs(10, policy, failure(20), () => 0)).toBe(500);
  });

  it('throws RateLimitError with retryAfterMs beyond maxServerDelayMs (default 15 min)', () => {
    expect(retryDelayMs(1, policy, failure(15 * 60_000), () => 0)).toBe(15 * 60_000);
    let thrown: unknown;
    try {
      retryDelayMs(1, policy, failure(15 * 60_000 + 1), () => 0);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ name: 'VimeoApiError', code: 'E_RATE_LIMITED' });
    expect(thrown).toMatchObject({ code: 'E_RATE_LIMITED', retryAfterMs: 15 * 60_000 + 1 });
    expect(() => retryDelayMs(1, { maxServerDelayMs: 5_000 }, failure(5_001))).toThrow(VimeoApiError);
    expect(() => resolveRetryPolicy({ maxServerDelayMs: -1 })).toThrow(ConfigError);
  });
});
