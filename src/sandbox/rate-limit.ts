/**
 * A fixed-window rate limiter producing Vimeo's `X-RateLimit-*` headers.
 */

/** Outcome of counting one request. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly headers: Readonly<Record<string, string>>;
  /** Seconds until the window resets (for `Retry-After`). */
  readonly retryAfterSeconds: number;
}

/** Fixed window: `limit` requests per `windowMs`. */
export class RateLimiter {
  #windowStartMs = 0;
  #used = 0;

  /** Count one request at `nowMs` under the given limits. */
  take(nowMs: number, limit: number, windowMs: number, resetFormat: 'iso' | 'unix'): RateLimitDecision {
    if (nowMs >= this.#windowStartMs + windowMs) {
      this.#windowStartMs = nowMs;
      this.#used = 0;
    }
    this.#used += 1;
    const allowed = this.#used <= limit;
    const resetMs = this.#windowStartMs + windowMs;
    const reset =
      resetFormat === 'unix'
        ? String(Math.ceil(resetMs / 1000))
        : new Date(resetMs).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    return {
      allowed,
      headers: {
        'X-RateLimit-Limit': String(limit),
        'X-RateLimit-Remaining': String(Math.max(0, limit - this.#used)),
        'X-RateLimit-Reset': reset,
      },
      retryAfterSeconds: Math.max(1, Math.ceil((resetMs - nowMs) / 1000)),
    };
  }
}
