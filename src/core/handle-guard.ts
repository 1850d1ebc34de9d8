/**
 * What the Node upload handle (src/entry/upload-handle.ts) and the browser's (src/browser/upload-file.ts)
 * share: a listener that throws stops the upload through the handle's own signal and becomes the
 * error `done` rejects with; an abort by the caller wins over what it caused; the error names the
 * video and upload link once they are known.
 */
import { AbortError, attachUpload, ListenerError } from '../errors.js';

export class HandleGuard {
  /** Fires when a listener threw; the handle combines it with the caller's signal. */
  readonly #stop = new AbortController();
  #listenerError: ListenerError | undefined;

  /** The caller's signal combined with the guard's own. */
  signalWith(callerSignal: AbortSignal | undefined): AbortSignal {
    return callerSignal ? AbortSignal.any([callerSignal, this.#stop.signal]) : this.#stop.signal;
  }

  /** The first listener throw, if any (`done` rejects with it even after a successful run). */
  get listenerError(): ListenerError | undefined {
    return this.#listenerError;
  }

  /** Runs `call` (the listeners of `event`); a throw stops the upload, the first one is kept. */
  deliver(event: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#listenerError ??= new ListenerError(event, error);
      this.#stop.abort(this.#listenerError);
    }
  }

  /** The error `done` rejects with, given what the run threw. */
  failure(
    error: unknown,
    callerSignal: AbortSignal | undefined,
    known: { readonly videoUri?: string; readonly uploadLink?: string },
  ): unknown {
    let typed = this.#listenerError ?? error;
    if (typed === error && callerSignal?.aborted && !(error instanceof AbortError)) {
      typed = new AbortError('The upload was aborted; what the upload host acknowledged stays resumable', {
        cause: error,
      });
    }
    return attachUpload(typed, known);
  }
}
