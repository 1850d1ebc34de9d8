/**
 * An abortable wait, for backoff between retries.
 */
import { AbortError } from '../errors.js';

/** How a retry loop waits: `sleep`, or a test's clock. */
export type Sleep = (delayMs: number, signal?: AbortSignal) => Promise<void>;

/**
 * Wait `delayMs`, or reject with AbortError as soon as `signal` fires.
 */
export function sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolvePromise, rejectPromise) => {
    if (signal?.aborted) {
      rejectPromise(new AbortError(undefined, { cause: signal.reason }));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      rejectPromise(new AbortError(undefined, { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolvePromise();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
