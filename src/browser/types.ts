/// <reference lib="dom" />
/**
 * The public shapes of `vimeo-tus/browser`.
 */
import type { RetryEvent, RetryPolicy } from '../core/retry.js';
import type { ResumeStorage } from './resume-store.js';

/** What `uploadFile` asks the app's server for: a fresh upload link. */
export interface TicketRequest {
  /** The file's size in bytes (the upload's `Upload-Length`). */
  readonly size: number;
  /** The file's name ('' for a Blob). */
  readonly name: string;
  /** The file's MIME type ('' when unknown). */
  readonly type: string;
  /**
   * Set when an earlier upload link of this file is dead: the video it belonged to
   * (`/videos/123`). The server should make a new version of that video (`replace`), not a second
   * video.
   */
  readonly replace?: string;
}

/** What the app's server answers (from `createUploadTicket` or `createTicketHandler`). */
export interface Ticket {
  /** Vimeo's tus upload link. */
  readonly uploadLink: string;
  /** `/videos/123`. */
  readonly videoUri: string;
}

/** Progress of an upload: bytes the network took, and bytes the upload host acknowledged. */
export interface BrowserProgress {
  /** Body bytes the network took in this call, retries included. */
  readonly bytesSent: number;
  /** The upload host's latest `Upload-Offset`; never decreases within one upload link. */
  readonly bytesAcked: number;
  /** The file's size. */
  readonly bytesTotal: number;
}

/** What `done` resolves to: a HEAD showed every byte on the upload host. */
export interface UploadFileResult {
  readonly videoUri: string;
  readonly uploadOffset: number;
  readonly uploadLength: number;
}

/** Options of `uploadFile`. */
export interface UploadFileOptions {
  /** Asks the app's server for an upload link; never given a token, never needs one. */
  readonly ticket: (request: TicketRequest) => Promise<Ticket>;
  /**
   * Bytes per PATCH (from 1 MiB up, or Infinity for one PATCH); each is a `Blob.slice` of the file.
   * Unset: the engine's default policy, 512 MB PATCHes, 128 MiB after a failed one (doubling back
   * after each PATCH acknowledged whole), each kept to about 30 s at the last one's pace, not below
   * 128 MiB.
   * @default 512 MB, less after a failure or on a slow link
   */
  readonly chunkSizeBytes?: number;
  /** Stops the upload; what the host acknowledged stays resumable. */
  readonly signal?: AbortSignal;
  /**
   * A request with no byte taken by the network and no answer for this long is cut and retried.
   * @default 60000
   */
  readonly stallTimeoutMs?: number;
  /** Called on every change of bytes sent or acknowledged. */
  readonly onProgress?: (progress: BrowserProgress) => void;
  /** Retry policy after resets, 5xx, 409, 429 and stalls. @default 8 tries without progress, 0.5 s to 30 s backoff */
  readonly retry?: RetryPolicy;
  /**
   * Where unfinished uploads are remembered for a later page (`null`: nowhere).
   * @default localStorage
   */
  readonly storage?: ResumeStorage | null;
}

/** The events of an upload and what each listener receives. */
export interface UploadFileEvents {
  progress: BrowserProgress;
  /** An upload link came from the ticket function (`replace` set when it replaced a dead one). */
  ticket: { readonly videoUri: string; readonly replace?: string };
  /** A stored upload link of this file is continued (no ticket asked). */
  resumed: { readonly videoUri: string };
  /** A request failed and is tried again after `delayMs`. */
  retry: RetryEvent;
  /** The upload link was dead: a new one for the same video follows, and acknowledged bytes restart from 0. */
  'new-version': { readonly videoUri: string };
  verified: UploadFileResult;
  /** The error `done` rejects with. */
  error: Error;
}

/** The handle `uploadFile` returns. */
export interface BrowserUpload {
  /** Resolves once a HEAD shows the whole file on the upload host. */
  readonly done: Promise<UploadFileResult>;
  /** The video, once known. */
  readonly videoUri: string | undefined;
  on<E extends keyof UploadFileEvents>(event: E, listener: (payload: UploadFileEvents[E]) => void): this;
  off<E extends keyof UploadFileEvents>(event: E, listener: (payload: UploadFileEvents[E]) => void): this;
}
