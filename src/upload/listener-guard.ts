/**
 * Listeners of an upload's events are the caller's code. One that throws must not crash the
 * process (a throttled progress event is emitted from a timer, where a throw is an uncaught
 * exception) nor be mistaken for a network fault: it stops the upload, which then fails with a
 * {@link ListenerError} carrying the listener's error as `cause`. What the server acknowledged
 * stays resumable.
 */
import { VimeoTusError } from '../errors.js';

/**
 * An event listener of the upload threw; the upload was stopped. Code `E_CONFIG` (the caller's
 * code is at fault, not the network or Vimeo); never retryable; `cause` is what the listener threw.
 */
export class ListenerError extends VimeoTusError {
  /** The event whose listener threw (`progress`, `created`, `retry`, `verified`). */
  readonly event: string;

  constructor(event: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'E_CONFIG',
      `A '${event}' listener threw (${reason}); the upload was stopped. What the server acknowledged stays resumable.`,
      { cause },
    );
    this.event = event;
  }
}

/** Turns the first listener failure into an abort of the upload and a {@link ListenerError}. */
export class ListenerGuard {
  readonly #controller = new AbortController();
  #error: ListenerError | undefined;

  /** Aborted once a listener failed. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The failure to report, if a listener threw. */
  get error(): ListenerError | undefined {
    return this.#error;
  }

  /** Records a listener's throw (the first one wins) and stops the upload. */
  failed(event: string, error: unknown): void {
    this.#error ??= new ListenerError(event, error);
    this.#controller.abort(this.#error);
  }

  /** Throws the recorded failure, if any. */
  check(): void {
    if (this.#error) throw this.#error;
  }
}
