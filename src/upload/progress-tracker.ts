/**
 * The progress model of one upload: phase, bytes sent, bytes acknowledged (never decreasing), two
 * rates over a sliding window (bytes the socket accepted, bytes the server acknowledged), ETA;
 * throttled to one event per interval, with phase changes sent at once.
 *
 * Which rate drives `bytesPerSecond` and the ETA: the acknowledged one once acknowledgements move
 * within the window, the sent one until then. With the default chunk size a file up to 512 MB is
 * one PATCH whose only acknowledgement comes at its end; a rate of acknowledged bytes alone would
 * read 0 B/s, ETA unknown, for the whole upload.
 */
import type { UploadPhase, UploadProgress } from './types.js';

const DEFAULT_WINDOW_MS = 5_000;

/**
 * Samples closer together than this share one entry (the latest's time and count): a window holds
 * about 50 samples whatever the rate. One sample per update kept every 64 KiB write alive for the
 * whole window (~24,000 objects at 300 MiB/s), which V8 then promoted and answered by growing its
 * young generation: the process's peak RSS grew with the file's size (docs/benchmarks.md).
 */
const SAMPLE_SPACING_MS = 100;

interface Sample {
  atMs: number;
  bytes: number;
}

/** Appends a sample, or moves the latest one forward while it is within SAMPLE_SPACING_MS of the one before. */
function record(samples: Sample[], atMs: number, bytes: number): void {
  const last = samples[samples.length - 1];
  const before = samples[samples.length - 2];
  if (last && before && atMs - before.atMs < SAMPLE_SPACING_MS) {
    last.atMs = atMs;
    last.bytes = bytes;
    return;
  }
  samples.push({ atMs, bytes });
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
  /** `bytesSent` when `bytesAcked` last moved or a retry began: bytes sent since are in flight. */
  #sentMark = 0;
  #ackedSamples: Sample[] = [];
  #sentSamples: Sample[] = [];
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

  /** Rate samples held (sent and acknowledged): bounded by the window, not by the updates. */
  get samplesHeld(): number {
    return this.#sentSamples.length + this.#ackedSamples.length;
  }

  /** Enters a phase; a change is emitted at once. */
  setPhase(phase: UploadPhase): void {
    if (phase === this.#phase && this.#lastEmitMs !== Number.NEGATIVE_INFINITY) return;
    this.#phase = phase;
    // Bytes written before a retry are written off: the transfer starts again at the server's offset.
    if (phase === 'retrying') this.#sentMark = this.#bytesSent;
    this.#emitNow();
  }

  /** A transfer update. `bytesAcked` below the best seen so far is ignored. */
  update(update: { readonly bytesSent: number; readonly bytesAcked: number }): void {
    const moved = update.bytesSent > this.#bytesSent || update.bytesAcked > this.#bytesAcked;
    const nowMs = this.#now();
    if (update.bytesSent > this.#bytesSent || this.#sentSamples.length === 0) {
      this.#bytesSent = Math.max(this.#bytesSent, update.bytesSent);
      record(this.#sentSamples, nowMs, this.#bytesSent);
    }
    if (update.bytesAcked > this.#bytesAcked || this.#ackedSamples.length === 0) {
      if (update.bytesAcked > this.#bytesAcked) this.#sentMark = this.#bytesSent;
      this.#bytesAcked = Math.max(this.#bytesAcked, update.bytesAcked);
      record(this.#ackedSamples, nowMs, this.#bytesAcked);
    }
    if (this.#phase === 'retrying' && moved) {
      this.setPhase('uploading');
      return;
    }
    this.#emitThrottled();
  }

  /** The current progress, rates and ETA computed now. */
  snapshot(): UploadProgress {
    const nowMs = this.#now();
    const acked = windowRate(this.#ackedSamples, nowMs, this.#windowMs);
    const sent = windowRate(this.#sentSamples, nowMs, this.#windowMs);
    const total = this.#options.bytesTotal;
    // How far the bytes on the wire reach: the server's offset plus what was written since.
    const sentPosition = Math.min(total, this.#bytesAcked + Math.max(0, this.#bytesSent - this.#sentMark));
    const basis: 'acked' | 'sent' = acked.moved || !sent.moved ? 'acked' : 'sent';
    const bytesPerSecond = basis === 'acked' ? acked.bytesPerSecond : sent.bytesPerSecond;
    const remaining = Math.max(0, total - (basis === 'acked' ? this.#bytesAcked : sentPosition));
    const etaSeconds =
      total - this.#bytesAcked <= 0 ? 0 : bytesPerSecond > 0 ? Math.ceil(remaining / bytesPerSecond) : null;
    return {
      phase: this.#phase,
      bytesSent: this.#bytesSent,
      bytesAcked: this.#bytesAcked,
      bytesTotal: total,
      bytesPerSecond,
      rateBasis: basis,
      sentBytesPerSecond: sent.bytesPerSecond,
      ackedBytesPerSecond: acked.bytesPerSecond,
      etaSeconds,
    };
  }

  /** No more events after this. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
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

/**
 * Bytes per second over the window, from a baseline sample at or before its start; `moved` when
 * the count grew within the window. Trims samples that fell out of the window.
 */
function windowRate(
  samples: Sample[],
  nowMs: number,
  windowMs: number,
): { bytesPerSecond: number; moved: boolean } {
  while (samples.length > 2 && (samples[1]?.atMs ?? nowMs) <= nowMs - windowMs) samples.shift();
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || last === first) return { bytesPerSecond: 0, moved: false };
  const spanMs = Math.max(1, nowMs - first.atMs);
  const moved = last.bytes > first.bytes && last.atMs > nowMs - windowMs;
  return { bytesPerSecond: Math.round(((last.bytes - first.bytes) * 1000) / spanMs), moved };
}
