/**
 * A clock for retry tests: the transfer's backoff "waits" by moving this clock forward and returns at
 * once, so a test of a 3 s Retry-After takes no 3 s, and can still tell when each request came.
 */
import type { Sleep } from '../../../src/core/sleep.js';

export interface VirtualClock {
  /** Virtual milliseconds since the clock was made: the sum of every wait so far. */
  readonly nowMs: () => number;
  /** The waits asked for, in order. */
  readonly waits: number[];
  /** Pass as the transfer's `sleep`. */
  readonly sleep: Sleep;
}

export function virtualClock(): VirtualClock {
  let nowMs = 0;
  const waits: number[] = [];
  return {
    nowMs: () => nowMs,
    waits,
    sleep: async (delayMs, signal) => {
      signal?.throwIfAborted();
      waits.push(delayMs);
      nowMs += delayMs;
    },
  };
}
