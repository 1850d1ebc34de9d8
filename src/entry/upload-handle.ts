/**
 * The one upload handle, whatever runs underneath (the engine alone, or the ledger around it).
 * This is the one place where listeners are called and `done` is settled:
 *
 * - A listener that throws (the caller's bug) never escapes into a timer or the transfer: the
 *   upload is stopped through its signal and fails with a {@link ListenerError} carrying the throw.
 * - `done` never counts as an unhandled rejection (event-style users listen to `error` only);
 *   whoever awaits it still gets the rejection.
 * - `verified` is sent after the run resolved (and the ledger recorded it), so a throwing
 *   `verified` listener fails `done` without touching the record; `error` is sent once.
 * - An abort wins over what it caused; every error names the video and upload link once known.
 */
import { EventEmitter } from 'node:events';
import { HandleGuard } from '../core/handle-guard.js';
import { VimeoTusError } from '../errors.js';
import type { UploadEvents, UploadReporter, UploadResult } from '../upload/types.js';
import type { Upload, UploadVideo } from './types.js';

/** What a run gets from the handle: where to report, and the signal that stops it. */
export interface RunContext extends UploadReporter {
  /** The caller's signal, combined with the handle's own (a listener threw). */
  readonly signal: AbortSignal;
}

/** Runs an upload to its verified result. */
export type UploadRun = (context: RunContext) => Promise<UploadResult>;

/** The handle returned by `createUpload`: a typed EventEmitter with a `done` promise. */
export class UploadHandle extends EventEmitter<UploadEvents> implements Upload {
  readonly done: Promise<UploadResult>;
  #video: UploadVideo | undefined;
  #uploadLink: string | undefined;
  readonly #guard = new HandleGuard();

  /** Starts `run` on the next microtask, so listeners attached right after see every event. */
  constructor(run: UploadRun, callerSignal: AbortSignal | undefined) {
    super();
    const context: RunContext = {
      signal: this.#guard.signalWith(callerSignal),
      emit: (event, payload) => this.#deliver(event, payload),
      target: (known) => {
        this.#video = { uri: known.videoUri, link: known.link || (this.#video?.link ?? '') };
        if (known.uploadLink !== undefined) this.#uploadLink = known.uploadLink;
      },
    };
    this.done = Promise.resolve()
      .then(() => run(context))
      .then((result) => {
        this.#video = { uri: result.videoUri, link: result.link };
        this.#deliver('verified', result);
        if (this.#guard.listenerError) throw this.#guard.listenerError;
        return result;
      })
      .catch((error: unknown) => {
        throw this.#fail(error, callerSignal);
      });
    this.done.catch(() => undefined);
  }

  get video(): UploadVideo | undefined {
    return this.#video;
  }

  get uploadLink(): string | undefined {
    return this.#uploadLink;
  }

  /** Calls the listeners of `event`; a throw stops the upload (the first one is reported). */
  #deliver<E extends keyof UploadEvents>(event: E, payload: UploadEvents[E][0]): void {
    this.#guard.deliver(event, () =>
      (super.emit as (name: string, value: unknown) => boolean).call(this, event, payload),
    );
  }

  /** The error `done` rejects with; sent to `error` listeners once. */
  #fail(error: unknown, callerSignal: AbortSignal | undefined): unknown {
    const typed = this.#guard.failure(error, callerSignal, {
      ...(this.#video ? { videoUri: this.#video.uri } : {}),
      ...(this.#uploadLink !== undefined ? { uploadLink: this.#uploadLink } : {}),
    });
    if (typed instanceof VimeoTusError && this.listenerCount('error') > 0) {
      try {
        (super.emit as (name: string, value: unknown) => boolean).call(this, 'error', typed);
      } catch {
        // An 'error' listener that throws cannot be told anything more; `done` still rejects.
      }
    }
    return typed;
  }
}
