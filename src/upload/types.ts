/**
 * The public shapes of one upload: options in, progress events out, the result at the end.
 * The engine (src/upload), the ledger-backed resume layer and the CLI all speak these types.
 */
import type { VimeoTusError } from '../errors.js';

/** The step an upload is in. */
export type UploadPhase = 'creating' | 'uploading' | 'retrying' | 'verifying' | 'processing' | 'done';

/** Vimeo's `upload.status` / `transcode.status` values (others pass through as strings). */
export type VimeoStatus = 'in_progress' | 'complete' | 'error' | (string & {});

/** Fields passed through to the create body of `POST /me/videos`. */
export interface VideoFields {
  readonly name?: string;
  readonly description?: string;
  /** e.g. `{ view: 'unlisted' }` */
  readonly privacy?: Readonly<Record<string, unknown>>;
  readonly folder_uri?: string;
  readonly password?: string;
  /** Any other documented field of the create body. */
  readonly [field: string]: unknown;
}

/** When and how often a failed request is tried again. */
export interface RetryPolicy {
  /**
   * Tries in a row without the server's offset advancing before giving up.
   * @default 8
   */
  readonly maxAttempts?: number;
  /** @default 500 */
  readonly initialDelayMs?: number;
  /** @default 30000 */
  readonly maxDelayMs?: number;
}

/** Progress of one upload. Sent a few times a second at most, and at every phase change. */
export interface UploadProgress {
  readonly phase: UploadPhase;
  /** Bytes written to the socket in this process, counted from the offset it started at. */
  readonly bytesSent: number;
  /** Bytes the server acknowledged (its `Upload-Offset`). Never decreases. */
  readonly bytesAcked: number;
  readonly bytesTotal: number;
  /** Acknowledged bytes per second, over the last few seconds. */
  readonly bytesPerSecond: number;
  /** Seconds left at the current rate; `null` when unknown. */
  readonly etaSeconds: number | null;
}

/** A retry is about to happen after a delay. */
export interface RetryEvent {
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
  readonly code: string;
}

/** The video exists (created now, or found again on resume). */
export interface CreatedEvent {
  readonly videoUri: string;
  readonly link: string;
  readonly bytesTotal: number;
  /** True when the video was created by this call; false when an existing one is continued. */
  readonly created: boolean;
}

/** The final result of an upload that ended verified. */
export interface UploadResult {
  readonly videoUri: string;
  readonly link: string;
  readonly filePath: string;
  readonly bytesTotal: number;
  /** Bytes this process put on the wire (more than needed when a retry resent a lost part). */
  readonly bytesSent: number;
  /** The final HEAD's `Upload-Offset`. */
  readonly uploadOffset: number;
  /** The final HEAD's `Upload-Length`. */
  readonly uploadLength: number;
  /** Vimeo's `upload.status` at the end. */
  readonly uploadStatus: VimeoStatus;
  /** Vimeo's `transcode.status` at the end. */
  readonly transcodeStatus: VimeoStatus;
  /** PATCH requests made. */
  readonly requests: number;
  readonly retries: number;
  readonly durationMs: number;
  /** True when an earlier upload of the same video was continued rather than started. */
  readonly resumed: boolean;
}

/** What the engine tells whoever watches an upload. */
export interface UploadEvents {
  created: [CreatedEvent];
  progress: [UploadProgress];
  retry: [RetryEvent];
  verified: [UploadResult];
  error: [VimeoTusError];
}
