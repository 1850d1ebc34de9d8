/**
 * The shapes of one upload: settings in, progress events out, the result at the end. The engine
 * (src/upload), the ledger layer (src/resume), the entry point (src/entry) and the CLI speak them.
 */
import type { RetryEvent, RetryPolicy } from '../core/retry.js';
import type { VimeoTusError } from '../errors.js';
import type { RateLimitInfo, VideoFields, VimeoStatus } from '../vimeo/types.js';
import type { VerifyChecks } from './confirm.js';

export type { RetryEvent, RetryPolicy } from '../core/retry.js';
export type { VideoFields, VimeoStatus } from '../vimeo/types.js';
export type { VerifyChecks } from './confirm.js';

/**
 * The step an upload is in. `creating` lasts until the first byte's offset is known: the create
 * call, or for a continued upload the server's offset (so its first `uploading` event already
 * carries what the server holds).
 */
export type UploadPhase = 'creating' | 'uploading' | 'retrying' | 'verifying' | 'processing' | 'done';

/** Progress of one upload. Sent a few times a second at most, and at every phase change. */
export interface UploadProgress {
  readonly phase: UploadPhase;
  /** Bytes written to the socket in this process, counted from the offset it started at. */
  readonly bytesSent: number;
  /** Bytes the server acknowledged (its `Upload-Offset`). Never decreases. */
  readonly bytesAcked: number;
  readonly bytesTotal: number;
  /**
   * The rate the ETA uses, over the last few seconds: acknowledged bytes per second once
   * acknowledgements move, bytes the socket accepted per second until then (`rateBasis`).
   */
  readonly bytesPerSecond: number;
  /** Which rate `bytesPerSecond` is. Absent in events that were not computed by the engine. */
  readonly rateBasis?: 'sent' | 'acked';
  /** Bytes the socket accepted per second over the last few seconds. */
  readonly sentBytesPerSecond?: number;
  /** Bytes the server acknowledged per second over the last few seconds. */
  readonly ackedBytesPerSecond?: number;
  /** Seconds left at the current rate; `null` when unknown. */
  readonly etaSeconds: number | null;
}

/** The video exists (created now, or found again on resume). */
export interface CreatedEvent {
  readonly videoUri: string;
  readonly link: string;
  readonly bytesTotal: number;
  /** True when the video was created by this call; false when an existing one is continued. */
  readonly created: boolean;
  /**
   * True when the create call's answer was lost (5xx, timeout, reset after it was sent) and the
   * video it made was found again in the account and adopted instead of making a second one.
   * Absent otherwise.
   */
  readonly adopted?: boolean;
}

/** The final result of an upload that ended verified. */
export interface UploadResult {
  readonly videoUri: string;
  readonly link: string;
  /** The file's absolute path, when a file was uploaded. */
  readonly filePath?: string;
  readonly bytesTotal: number;
  /** Bytes this process put on the wire (more than needed when a retry resent a lost part). */
  readonly bytesSent: number;
  /** The final HEAD's `Upload-Offset`. */
  readonly uploadOffset: number;
  /** The final HEAD's `Upload-Length`. */
  readonly uploadLength: number;
  /**
   * True when the final HEAD found the upload link gone (404/410) although the last PATCH had
   * reported every byte (Vimeo may drop a finished link). `uploadOffset`/`uploadLength` are then
   * that PATCH's `Upload-Offset` and the length it completed, and `uploadStatus` (not `error`) is
   * what confirms the upload. Absent when the final HEAD answered.
   */
  readonly headUnavailable?: boolean;
  /** Vimeo's `upload.status` at the end. */
  readonly uploadStatus: VimeoStatus;
  /** Vimeo's `transcode.status` at the end. */
  readonly transcodeStatus: VimeoStatus;
  /**
   * Which checks passed before the upload was called verified: the final HEAD's offsets
   * (`headOffsets`; false when the link was gone, or when nothing was sent because the ledger
   * already knew the upload complete), Vimeo's `upload.size` (`apiSize`) and `upload.status`
   * (`apiUploadStatus`), which are always true in a result (otherwise the upload ends in an error).
   */
  readonly checks: VerifyChecks;
  /** PATCH requests made. */
  readonly requests: number;
  /** Retries after failures: of the transfer, the API calls and the verify HEAD. */
  readonly retries: number;
  readonly durationMs: number;
  /** True when an earlier upload of the same video was continued rather than started. */
  readonly resumed: boolean;
}

/** What a notice is about (the ledger layer's decisions the user should hear of). */
export type NoticeKind =
  /** An earlier, unfinished upload of this file is continued on the same video. */
  | 'resumed'
  /** The ledger says this file is already uploaded and verified: nothing is sent again. */
  | 'already-verified'
  /** The stored upload link is dead (or Vimeo reports an upload error): a fresh link for the same video. */
  | 'new-version'
  /** A crash inside an earlier create call left a video: it is adopted and continued. */
  | 'adopted'
  /** A crash inside an earlier create call left an unusable video: it was deleted. */
  | 'deleted-placeholder'
  /** A crash inside an earlier create call left no video: starting again. */
  | 'no-placeholder'
  /** An earlier upload of this file was given up for a new one (`newUpload`/`--new`). */
  | 'superseded'
  /** The earlier upload's video is gone from Vimeo (or failed): starting a new one. */
  | 'restarted';

/** Something the ledger layer decided that the user should be told about. */
export interface NoticeEvent {
  readonly kind: NoticeKind;
  /** One plain sentence for people (never a token or an upload link). */
  readonly message: string;
  readonly videoUri?: string;
}

/** What an upload tells whoever watches it (see the handle of `createUpload`). */
export interface UploadEvents {
  created: [CreatedEvent];
  progress: [UploadProgress];
  retry: [RetryEvent];
  verified: [UploadResult];
  error: [VimeoTusError];
  /** Only with a ledger: what it decided and why (resumed, adopted, new version...). */
  notice: [NoticeEvent];
  /**
   * The `X-RateLimit-*` headers of each API answer of this upload (the upload host sends none):
   * how many calls the account has left and when its window resets. A fleet worker pauses its
   * queue on it before Vimeo answers 429.
   */
  rateLimit: [RateLimitInfo];
}

/**
 * Where a running upload reports to: the handle of `createUpload`, which owns the listeners.
 * `emit` never throws: a listener that throws stops the upload through its signal. `verified` and
 * `error` are the handle's own: it sends them once the upload's promise settles.
 */
export interface UploadReporter {
  emit<E extends Exclude<keyof UploadEvents, 'verified' | 'error'>>(
    event: E,
    payload: UploadEvents[E][0],
  ): void;
  /** The video and upload link the bytes go to, once known (the handle shows them; errors carry them). */
  target(known: { readonly videoUri: string; readonly link: string; readonly uploadLink?: string }): void;
}

/** Awaited hooks for the ledger layer. An error thrown by a hook ends the upload (never retried). */
export interface UploadHooks {
  /** Called just before the create call (`POST /me/videos` or `/versions`) is sent. */
  beforeCreate?(): Promise<void>;
  /** Called right after Vimeo answered the create call, before any byte is sent. */
  afterCreate?(info: { videoUri: string; link: string; uploadLink: string }): Promise<void>;
  /** Called after each offset the server acknowledged (awaited by the transfer). */
  onAcked?(offset: number): void | Promise<void>;
}

/** Where an earlier upload of an existing video continues. */
export interface ResumeTarget {
  /** `/videos/123` */
  readonly videoUri: string;
  /** The tus upload link from the original create answer (`upload.uploadLink`, `error.uploadLink`). */
  readonly uploadLink: string;
  /** The video's page; read from Vimeo when absent. */
  readonly link?: string;
}

/** How long and how often to poll Vimeo for the final upload and transcode statuses. */
export interface ProcessingWaitOptions {
  /** Give up (E_PROCESSING_TIMEOUT) after this long. @default 1_800_000 (30 min) */
  readonly timeoutMs?: number;
  /** First delay between polls; it grows by half each time, up to 30 s. @default 2000 */
  readonly pollIntervalMs?: number;
}

/** The settings of every upload, with or without a ledger. */
export interface UploadSettings {
  /** A Vimeo personal access token with the `upload` scope (`edit` too for replace). Never logged. */
  readonly token: string;
  /** @default 'https://api.vimeo.com' */
  readonly apiUrl?: string;
  /** Fields passed through to the create body (`name` defaults to the file's name). */
  readonly video?: VideoFields;
  /**
   * Bytes per PATCH, fixed: 1 MiB to `Infinity` (one PATCH for the rest). Unset: 512 MB PATCHes,
   * 128 MiB after a failed one (doubling back after each PATCH acknowledged whole), each kept to
   * about 30 s at the last one's pace, not below 128 MiB; a stream source sends 128 MiB PATCHes.
   * @default 512 MB, less after a failure or on a slow link
   */
  readonly chunkSizeBytes?: number;
  /** Aborts the upload; what the server acknowledged stays resumable. */
  readonly signal?: AbortSignal;
  readonly retry?: RetryPolicy;
  /** A request with no byte accepted and no answer for this long is cut and retried. @default 60_000 */
  readonly stallTimeoutMs?: number;
  /**
   * After the final HEAD, how long Vimeo may take to agree (`upload.size` equal to the file size,
   * `upload.status` `complete`), polled with a growing delay. When it never does, the upload ends
   * in VerificationError `E_VERIFY_UNCONFIRMED` (not verified). @default 120_000 (2 min)
   */
  readonly verifyTimeoutMs?: number;
  /** After verification, poll until Vimeo's statuses are final. @default false */
  readonly waitForProcessing?: boolean | ProcessingWaitOptions;
  /** At most one 'progress' event per this interval (phase changes are sent at once). @default 250 */
  readonly progressIntervalMs?: number;
}

/** What the engine runs: the settings, and where the bytes go when no new video is created. */
export interface EngineOptions extends UploadSettings {
  /** Continue an existing video's upload instead of creating one. */
  readonly resume?: ResumeTarget;
  /** Replace the file of this existing video (POST /videos/{id}/versions) instead of creating one. */
  readonly replace?: string;
  /** Awaited hooks for the ledger layer. */
  readonly hooks?: UploadHooks;
}

/** What {@link verifyUpload} found, each fact separately. */
export interface VerifyReport {
  readonly videoUri: string;
  /** The video's page (`https://vimeo.com/123`); null when Vimeo did not say. */
  readonly link: string | null;
  /** The HEAD's `Upload-Offset`; null when there was no link to HEAD (or it is gone). */
  readonly uploadOffset: number | null;
  readonly uploadLength: number | null;
  /** `uploadLength - uploadOffset` (or `expectedSizeBytes - uploadOffset`); null when unknown. */
  readonly bytesMissing: number | null;
  /**
   * Every check passed: with a link, offset == length (== expectedSizeBytes when given); and always
   * Vimeo's `upload.size` equal to that size and its `upload.status` `complete`.
   */
  readonly complete: boolean;
  readonly uploadStatus: VimeoStatus;
  readonly transcodeStatus: VimeoStatus;
  /** Vimeo's top-level `status` (`available`, `uploading_error`, `quota_exceeded`...); null when absent. */
  readonly videoStatus: string | null;
  /** Vimeo's `upload.size`; null when absent. */
  readonly uploadSize: number | null;
  /** Which checks passed (a HEAD that could not be made did not pass). */
  readonly checks: VerifyChecks;
}
