/**
 * The public shapes of the one upload entry point: its options and its handle.
 */
import type { Ledger } from '../ledger/types.js';
import type { ResumeTarget, UploadEvents, UploadResult, UploadSettings } from '../upload/types.js';

/** Options of {@link createUpload}, {@link uploadVideo} and {@link replaceVideo}. */
export interface UploadOptions extends UploadSettings {
  /**
   * Record the upload in a ledger, so that running it again after any interruption (a crash, a
   * kill, Ctrl-C) continues the same video instead of making a second one, and an upload already
   * verified is not sent again. `true`: the SQLite ledger in `stateDir`, opened for this upload
   * and closed after it. A {@link Ledger} (from `openLedger`, or `MemoryLedger`): that one, left
   * open. The CLI records every upload; the library does only when asked.
   * @default false
   */
  readonly ledger?: boolean | Ledger;
  /**
   * The folder of the SQLite ledger for `ledger: true`.
   * @default the platform's state folder (`~/.local/state/vimeo-tus` on Linux)
   */
  readonly stateDir?: string;
  /**
   * With a ledger: start a new video even when the ledger knows an earlier upload of this file
   * (the CLI's `--new`). The earlier record is marked superseded; its video stays on Vimeo.
   * Without a ledger every upload is a new one.
   * @default false
   */
  readonly newUpload?: boolean;
  /**
   * Replace the file of this existing video (`/videos/123`): a new version of the same video
   * (`POST /videos/{id}/versions`, needs the `edit` scope). Its URI and page stay the same.
   */
  readonly replace?: string;
  /**
   * Continue an upload whose video and upload link you kept (`upload.video`, `upload.uploadLink`,
   * or `error.videoUri`/`error.uploadLink` of the error that stopped it), without a ledger: a HEAD
   * asks the server where it stands, and the rest is sent. Not with `ledger` or `replace`.
   */
  readonly resume?: ResumeTarget;
}

/** The video an upload goes to, once known. */
export interface UploadVideo {
  /** `/videos/123` */
  readonly uri: string;
  /** The video's page (`https://vimeo.com/123`); empty until Vimeo said it. */
  readonly link: string;
}

/**
 * A running upload: typed events (see {@link UploadEvents}) and a promise of its result. Listeners
 * are the caller's code: one that throws stops the upload, which then fails with a
 * `ListenerError` (what the server acknowledged stays resumable).
 */
export interface Upload {
  /** Resolves when the upload is verified; rejects with a `VimeoTusError`. Never an unhandled rejection. */
  readonly done: Promise<UploadResult>;
  /** The video the bytes go to, once created or found (before that: undefined). */
  readonly video: UploadVideo | undefined;
  /**
   * The tus upload link, once known: with `video.uri`, what `resume` continues. A capability:
   * whoever has it can write to the upload; keep it like a password and never log it.
   */
  readonly uploadLink: string | undefined;
  on<E extends keyof UploadEvents>(event: E, listener: (...args: UploadEvents[E]) => void): this;
  once<E extends keyof UploadEvents>(event: E, listener: (...args: UploadEvents[E]) => void): this;
  off<E extends keyof UploadEvents>(event: E, listener: (...args: UploadEvents[E]) => void): this;
}
