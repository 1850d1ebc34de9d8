/**
 * The batch's places: how many uploads send at once. An upload whose bytes are all acknowledged
 * (`sent`) gives its place to the next one while it waits for Vimeo's API to agree (and, with
 * `--wait`, to process it): that wait uses no bandwidth. At most twice as many uploads as places are
 * under way, which bounds the API reads of the waiting ones. The CLI's batch runs on it, and so
 * does the benchmark's batch client (bench/clients/vimeo-tus-batch.ts), so that what is measured
 * is this rule.
 */
import type { UploadPhase } from './types.js';

/** True once an upload in this phase has all its bytes acknowledged: it may leave its place. */
export function leavesPlace(phase: UploadPhase): boolean {
  return phase === 'verifying' || phase === 'processing' || phase === 'done';
}

/**
 * Runs `run` for each item in order, `concurrency` sending at a time (at most twice that many
 * started and not ended). Resolves once every started run has ended and nothing more may start
 * (all started, or `signal` fired). A run is expected never to reject (a failure is its outcome);
 * one that does stops further starts, and its error is thrown once the started runs have ended.
 */
export async function runInPlaces<T>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal | undefined,
  run: (item: T, sent: () => void) => Promise<void>,
): Promise<void> {
  const limit = Math.max(1, concurrency);
  let next = 0;
  let sending = 0;
  let open = 0;
  let bug: { readonly error: unknown } | undefined;
  await new Promise<void>((resolve, reject) => {
    const startMore = (): void => {
      while (!bug && !signal?.aborted && sending < limit && open < 2 * limit && next < items.length) {
        const item = items[next++] as T;
        sending += 1;
        open += 1;
        let holding = true;
        const leave = (): void => {
          if (!holding) return;
          holding = false;
          sending -= 1;
        };
        let running: Promise<void>;
        try {
          running = run(item, () => {
            leave();
            startMore();
          });
        } catch (error) {
          running = Promise.reject(error);
        }
        running
          .catch((error: unknown) => {
            bug ??= { error };
          })
          .finally(() => {
            open -= 1;
            leave();
            startMore();
          });
      }
      if (open > 0) return;
      if (bug) reject(bug.error);
      else resolve();
    };
    startMore();
  });
}
