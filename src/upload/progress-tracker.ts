/**
 * The progress model of one upload: phase, bytes sent, bytes acknowledged (never decreasing),
 * rate over a sliding window of acknowledged bytes, ETA; throttled to one event per interval, with
 * phase changes sent at once.
 */
import type { UploadPhase, UploadProgress } from './types.js';

const DEFAULT_WINDOW_MS = 5_000;

interface Sample {
  readonly atMs: number;
  readonly acked: number;
}

/** Options of {@link ProgressTracker}. */
export interface ProgressTrackerOptions {
  readonly bytesTotal: number;
  /** At most one event per this interval, except phase changes. */
  readonly intervalMs: number;
  /** Must not throw: a throttled emit runs on a timer (the upload handle's emit never throws). */
  readonly emit: (progress: UploadProgress) => void;
  /** Width of the rate window. @default 5000 */
  readonly windowMs?: number;
  readonly now?: () => number;
}

/** Collects transfer updates and emits throttled {@link UploadProgress} events. */
export class ProgressTracker {
  readonly #options: ProgressTrackerOptions;
  readonly #now: () => number;
  readonly #windowMs: number;
  #phase: UploadPhase = 'creating';
  #bytesSent = 0;
  #bytesAcked = 0;
  #samples: Sample[] = [];
  #lastEmitMs = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: ProgressTrackerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  }

  get phase(): UploadPhase {
    return this.#phase;
  }

  /** Enters a phase; a change is emitted at once. */
  setPhase(phase: UploadPhase): void {
    if (phase === this.#phase && this.#lastEmitMs !== Number.NEGATIVE_INFINITY) return;
    this.#phase = phase;
    this.#emitNow();
  }

  /** A transfer update. `bytesAcked` below the best seen so far is ignored. */
  update(update: { readonly bytesSent: number; readonly bytesAcked: number }): void {
    const moved = update.bytesSent > this.#bytesSent || update.bytesAcked > this.#bytesAcked;
    this.#bytesSent = Math.max(this.#bytesSent, update.bytesSent);
    const nowMs = this.#now();
    if (update.bytesAcked > this.#bytesAcked || this.#samples.length === 0) {
      this.#bytesAcked = Math.max(this.#bytesAcked, update.bytesAcked);
      this.#samples.push({ atMs: nowMs, acked: this.#bytesAcked });
    }
    if (this.#phase === 'retrying' && moved) {
      this.setPhase('uploading');
      return;
    }
    this.#emitThrottled();
  }

  /** The current progress, rate and ETA computed now. */
  snapshot(): UploadProgress {
    const nowMs = this.#now();
    this.#trim(nowMs);
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    let bytesPerSecond = 0;
    if (first && last && last !== first) {
      const spanMs = Math.max(1, nowMs - first.atMs);
      bytesPerSecond = Math.round(((last.acked - first.acked) * 1000) / spanMs);
    }
    const remaining = Math.max(0, this.#options.bytesTotal - this.#bytesAcked);
    const etaSeconds =
      remaining === 0 ? 0 : bytesPerSecond > 0 ? Math.ceil(remaining / bytesPerSecond) : null;
    return {
      phase: this.#phase,
      bytesSent: this.#bytesSent,
      bytesAcked: this.#bytesAcked,
      bytesTotal: this.#options.bytesTotal,
      bytesPerSecond,
      etaSeconds,
    };
  }

  /** No more events after this. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #trim(nowMs: number): void {
    // Keep one sample at or before the window's start as the baseline.
    while (this.#samples.length > 2 && (this.#samples[1]?.atMs ?? nowMs) <= nowMs - this.#windowMs) {
      this.#samples.shift();
    }
  }

  #emitThrottled(): void {
    if (this.#stopped) return;
    const waitMs = this.#lastEmitMs + this.#options.intervalMs - this.#now();
    if (waitMs <= 0) {
      this.#emitNow();
      return;
    }
    if (!this.#timer) {
      this.#timer = setTimeout(() => this.#emitNow(), waitMs);
      this.#timer.unref();
    }
  }

  #emitNow(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped) return;
    this.#lastEmitMs = this.#now();
    this.#options.emit(this.snapshot());
  }
}
