import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT_PAUSE_MS } from '../../src/queue/failure.js';
import {
  MAX_RATE_LIMIT_PAUSE_MS,
  MIN_RATE_LIMIT_PAUSE_MS,
  rateLimitPauseMs,
  rateLimitReserveOf,
} from '../../src/queue/rate-limit-reserve.js';

const NOW = Date.parse('2026-12-07T00:00:00Z');
const reading = (remaining: number | null, limit: number | null, resetInMs: number | null) => ({
  remaining,
  limit,
  resetAt: resetInMs === null ? null : new Date(NOW + resetInMs),
});

describe('the rate-limit reserve', () => {
  it('keeps 5 % of the limit by default, at least one call; an explicit reserve wins', () => {
    expect(rateLimitReserveOf(reading(10, 1000, 0))).toBe(50);
    expect(rateLimitReserveOf(reading(10, 250, 0))).toBe(13);
    expect(rateLimitReserveOf(reading(10, 10, 0))).toBe(1);
    expect(rateLimitReserveOf(reading(10, null, 0))).toBe(1);
    expect(rateLimitReserveOf(reading(10, 1000, 0), 0)).toBe(0);
    expect(rateLimitReserveOf(reading(10, 1000, 0), 7)).toBe(7);
  });

  it('no pause while more calls than the reserve are left, or when the answer did not say', () => {
    expect(rateLimitPauseMs(reading(51, 1000, 30_000), NOW)).toBeUndefined();
    expect(rateLimitPauseMs(reading(null, 1000, 30_000), NOW)).toBeUndefined();
    expect(rateLimitPauseMs(reading(8, 10, 30_000), NOW, 7)).toBeUndefined();
  });

  it('at or below the reserve: until the reset, a second more (whole-second resets), within bounds', () => {
    expect(rateLimitPauseMs(reading(50, 1000, 30_000), NOW)).toBe(31_000);
    expect(rateLimitPauseMs(reading(0, 1000, 30_000), NOW)).toBe(31_000);
    expect(rateLimitPauseMs(reading(7, 10, 2_500), NOW, 7)).toBe(3_500);
    // A reset now or past (a late answer of the window before) still pauses the shortest time.
    expect(rateLimitPauseMs(reading(0, 10, -5_000), NOW)).toBe(MIN_RATE_LIMIT_PAUSE_MS);
    // A reset hours away is not believed beyond the longest pause.
    expect(rateLimitPauseMs(reading(0, 10, 6 * 3600_000), NOW)).toBe(MAX_RATE_LIMIT_PAUSE_MS);
    // No reset time: as long as after a 429 that names none.
    expect(rateLimitPauseMs(reading(0, 10, null), NOW)).toBe(DEFAULT_RATE_LIMIT_PAUSE_MS);
  });
});
