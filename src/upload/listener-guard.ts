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
