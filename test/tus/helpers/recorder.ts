/**
 * Records every progress and retry event of a transfer, and checks that bytesAcked never decreased.
 */
import type { RetryEvent } from '../../../src/core/retry.js';

export interface Recorder {
  readonly progress: { bytesSent: number; bytesAcked: number }[];
  readonly retries: RetryEvent[];
  readonly acked: number[];
  onProgress(p: { bytesSent: number; bytesAcked: number }): void;
  onRetry(e: RetryEvent): void;
  onAcked(offset: number): void;
  /** Indexes where bytesAcked or bytesSent went backwards (should be empty). */
  regressions(): number[];
}

export function recorder(): Recorder {
  const r: Recorder = {
    progress: [],
    retries: [],
    acked: [],
    onProgress: (p) => {
      r.progress.push({ ...p });
    },
    onRetry: (e) => {
      r.retries.push(e);
    },
    onAcked: (offset) => {
      r.acked.push(offset);
    },
    regressions: () => {
      const out: number[] = [];
      for (let i = 1; i < r.progress.length; i += 1) {
        const before = r.progress[i - 1];
        const now = r.progress[i];
        if (before && now && (now.bytesAcked < before.bytesAcked || now.bytesSent < before.bytesSent))
          out.push(i);
      }
      for (let i = 1; i < r.acked.length; i += 1) {
        if ((r.acked[i] ?? 0) < (r.acked[i - 1] ?? 0)) out.push(-i);
      }
      return out;
    },
  };
  return r;
}
