/**
 * Public types of the local Vimeo-compatible sandbox: its options, its faults, the handle that
 * `startSandbox` returns, and the shape of the introspection state.
 */

/** The kinds of request the sandbox counts and can inject faults into. */
export type RequestKind =
  /** `POST /me/videos` */
  | 'create'
  /** `POST /videos/{id}/versions` */
  | 'version'
  /** `GET /videos/{id}` */
  | 'get-video'
  /** `PATCH /videos/{id}` */
  | 'edit-video'
  /** `DELETE /videos/{id}` */
  | 'delete-video'
  /** `GET /me/videos` */
  | 'list-videos'
  /** `GET /me` */
  | 'me'
  /** `HEAD` on the upload host */
  | 'head'
  /** `PATCH` on the upload host */
  | 'patch'
  /** `OPTIONS` on the upload host */
  | 'options'
  /** `POST`, `GET` or anything else on the upload host (always 405) */
  | 'upload-other';

/** A Vimeo token scope. */
export type VimeoScope =
  | 'public'
  | 'private'
  | 'purchased'
  | 'create'
  | 'edit'
  | 'delete'
  | 'interact'
  | 'upload'
  | 'video_files'
  | 'stats'
  | 'email'
  | 'promo_codes'
  | 'purchase';

/**
 * Which requests of a kind a fault hits. Requests are numbered from 1, counting from the moment the
 * faults were set (`startSandbox` or `setFaults`), so `{ nth: 2 }` means "the second request of this
 * kind after these faults were installed".
 */
export interface FaultSelector {
  /** First request (1-based) the fault hits. @default 1 */
  readonly nth?: number;
  /** How many consecutive requests from `nth` it hits (a burst); `Infinity` for all. @default 1 */
  readonly count?: number;
}

/** Answer an HTTP error instead of handling the request. */
export interface StatusFault extends FaultSelector {
  readonly kind: RequestKind;
  /** 500, 502, 503, 429 or any other status. */
  readonly status: number;
  /**
   * `Retry-After` header in seconds (sent only when set; for 429 it defaults to 1). `null` sends no
   * `Retry-After` at all, also on a 429 (Vimeo may answer either way).
   */
  readonly retryAfterSeconds?: number | null;
  /**
   * API host only: handle the request first (a create really makes the video), then answer
   * `status` instead of the real answer, as an edge or load balancer failing after the fact does.
   * @default false
   */
  readonly afterHandling?: boolean;
  /** Cut the connection instead of answering (with `afterHandling`: after the work was done). @default false */
  readonly cutConnection?: boolean;
}

/** Reset the TCP connection of a PATCH after it delivered `afterBytes` bytes of its body. */
export interface ResetFault extends FaultSelector {
  readonly afterBytes: number;
}

/** Stop reading a PATCH body for `durationMs` after `afterBytes` bytes (then continue). */
export interface StallFault extends FaultSelector {
  /** @default 0 */
  readonly afterBytes?: number;
  readonly durationMs: number;
}

/**
 * Hand out a link to a foreign tus host (plain http, its own port, not connected to any video) in
 * the answer of a create or version call. The video itself gets its real upload as usual, which
 * stays empty unless someone PATCHes the real link; the answer just does not name it.
 */
export interface ForeignLinkFault extends FaultSelector {
  readonly kind: 'create' | 'version';
}

/**
 * A HEAD that lies: it answers `Upload-Offset` equal to `Upload-Length` although the upload holds
 * fewer bytes, once it holds at least `afterBytes`. PATCHes and the API are unaffected, so the
 * API's `upload.status` and introspection keep telling the truth.
 */
export interface LyingHeadFault extends FaultSelector {
  /** @default 0 */
  readonly afterBytes?: number;
}

/** Faults to inject; every field is optional and the empty object means "behave". */
export interface Faults {
  readonly status?: readonly StatusFault[];
  /** PATCH numbers are counted like every other kind (`nth` of kind 'patch'). */
  readonly resets?: readonly ResetFault[];
  readonly stalls?: readonly StallFault[];
  /** Limit every PATCH body to this many bytes per second (per request). */
  readonly throttleBytesPerSecond?: number;
  /** Upload links die this long after they were issued (HEAD/PATCH answer `expiredLinkStatus`). */
  readonly linkTtlMs?: number;
  /** @default 404 */
  readonly expiredLinkStatus?: number;
  /**
   * Upload links die as soon as their upload holds every byte: the completing PATCH is answered
   * normally, every later HEAD/PATCH gets `expiredLinkStatus` (Vimeo may drop a finished link).
   * @default false
   */
  readonly linkDiesOnCompletion?: boolean;
  /**
   * On an interrupted PATCH (reset, client disconnect) drop all bytes that PATCH delivered, so the
   * offset goes back to where it started. @default false (keep them, like tusd and @tus/server)
   */
  readonly dropPartial?: boolean;
  /** Create/version answers whose `upload.upload_link` points at a foreign tus host. */
  readonly foreignUploadLinks?: readonly ForeignLinkFault[];
  /** HEADs (counted as kind 'head') that report every byte while some are missing. */
  readonly lyingHeads?: readonly LyingHeadFault[];
  /**
   * Error answers quote the upload id, bare and in the URL-encoded upload link: every error of the
   * upload host on an upload link, and every API error about an existing video. @default false
   */
  readonly quoteUploadIdInErrors?: boolean;
}

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** API host port; 0 picks a free one. @default the port used last time on this dataDir, else 0 */
  readonly port?: number;
  /** Upload host port; 0 picks a free one. @default the port used last time on this dataDir, else 0 */
  readonly uploadPort?: number;
  /** Where videos and bytes are kept. @default a fresh temporary folder (removed by `close()`) */
  readonly dataDir?: string;
  /** The Bearer token the API host accepts. @default 'sandbox-token' */
  readonly token?: string;
  /**
   * The scopes of that token. A call that needs a missing one is refused as Vimeo does (403,
   * 'Your access token does not have the "upload" scope'): create needs `upload`, a version
   * `upload` and `edit`, `PATCH /videos/{id}` `edit`, `DELETE` `delete`; without `private`,
   * `GET /me/videos` lists only videos whose `privacy.view` is `anybody`.
   * @default ['public', 'private', 'upload', 'edit', 'delete']
   */
  readonly scopes?: readonly VimeoScope[];
  /**
   * Time from the last byte until `upload.status` is `complete` (or the outcome's error).
   * `Infinity`: never (`upload.status` stays `in_progress` although every byte arrived). @default 100
   */
  readonly uploadCompleteDelayMs?: number;
  /** Time from `upload.status` complete until `transcode.status` is final. @default 200 */
  readonly transcodeDelayMs?: number;
  /** Final transcode status (`'error'` is the outcome `transcoding_error`). @default 'complete' */
  readonly transcodeOutcome?: 'complete' | 'error';
  /**
   * How every video ends once its upload holds every byte and `uploadCompleteDelayMs` passed:
   * `available` (transcoded), `transcoding_error` (`transcode.status: error`), `uploading_error`
   * (`upload.status: error`), `quota_exceeded` or `total_cap_exceeded` (`upload.status: complete`,
   * never transcoded). Read when a video is read, so changing it changes every video.
   * @default 'available'
   */
  readonly videoOutcome?: VideoOutcome;
  /** API requests allowed per window; over it → 429. @default 10_000 */
  readonly rateLimit?: number;
  /** @default 60_000 */
  readonly rateLimitWindowMs?: number;
  /** How `X-RateLimit-Reset` is written (both are seen at Vimeo). @default 'iso' */
  readonly rateLimitResetFormat?: 'iso' | 'unix';
  /** Maximum total of declared upload sizes; over it, create → 403/4101. @default unlimited */
  readonly quotaBytes?: number;
  /** Maximum number of videos; over it, create → 403/4102. @default unlimited */
  readonly quotaVideos?: number;
  /** Status of a successful `POST /me/videos` (Vimeo answers 200 for tus; its spec says 201). @default 200 */
  readonly createStatus?: 200 | 201;
  /**
   * Answer 400/3116 to create and version calls whose `Accept` header lacks `version=3.4`, as Vimeo
   * does for apps pinned to an older API version. @default false
   */
  readonly requireVersionHeader?: boolean;
  /** Faults in force from the start. */
  readonly faults?: Faults;
}

/** Runtime-changeable options. */
export type SandboxRuntimeOptions = Pick<
  SandboxOptions,
  | 'uploadCompleteDelayMs'
  | 'transcodeDelayMs'
  | 'transcodeOutcome'
  | 'videoOutcome'
  | 'rateLimit'
  | 'rateLimitWindowMs'
  | 'rateLimitResetFormat'
  | 'quotaBytes'
  | 'quotaVideos'
  | 'createStatus'
  | 'requireVersionHeader'
  | 'scopes'
>;

/** The deprecated top-level `status` of a video, as the sandbox reports it. */
export type VideoStatus =
  | 'uploading'
  | 'transcoding'
  | 'available'
  | 'uploading_error'
  | 'transcoding_error'
  | 'quota_exceeded'
  | 'total_cap_exceeded';

/** How a video ends once its upload holds every byte (its final top-level `status`). */
export type VideoOutcome = Extract<
  VideoStatus,
  'available' | 'uploading_error' | 'transcoding_error' | 'quota_exceeded' | 'total_cap_exceeded'
>;

/** `'in_progress' | 'complete' | 'error'`, as Vimeo reports upload and transcode status. */
export type SandboxStatus = 'in_progress' | 'complete' | 'error';

/** One upload (the original or a version) as introspection reports it. */
export interface SandboxUploadState {
  /** The upload id, the last path segment of the upload link. */
  readonly uploadId: string;
  readonly uploadLink: string;
  /** Declared size (`upload.size`, the tus `Upload-Length`). */
  readonly sizeBytes: number;
  /** Bytes stored (the tus offset). */
  readonly storedBytes: number;
  /** SHA-256 (hex) of the stored bytes; null when asked without hashes. */
  readonly sha256: string | null;
  readonly uploadStatus: SandboxStatus;
  readonly transcodeStatus: SandboxStatus;
  /** Whether the link is past its TTL. */
  readonly expired: boolean;
}

/** One version created by `POST /videos/{id}/versions`. */
export interface SandboxVersionState extends SandboxUploadState {
  readonly uri: string;
  readonly fileName: string | null;
}

/** One video as introspection reports it; size, hash and statuses are of its current upload. */
export interface SandboxVideoState extends SandboxUploadState {
  readonly id: string;
  readonly uri: string;
  readonly name: string;
  readonly createdTime: string;
  /** Whether any request to the upload host for this video carried an `Authorization` header. */
  readonly uploadHostSawToken: boolean;
  /** The video's `privacy.view` (`anybody` unless set). */
  readonly privacyView: string;
  /**
   * The video password last set (create or `PATCH /videos/{id}`); null when none. The API never
   * answers it (as Vimeo does not): only introspection shows it, for tests.
   */
  readonly password: string | null;
  /** The top-level `status` the API reports for the video. */
  readonly status: VideoStatus;
  readonly versions: readonly SandboxVersionState[];
}

/** An upload on the foreign host (see {@link ForeignLinkFault}). */
export interface SandboxForeignUploadState {
  readonly uploadId: string;
  readonly uploadLink: string;
  /** The `Upload-Length` it was created with (the size the create or version call declared). */
  readonly sizeBytes: number;
  /** Bytes the foreign host holds. */
  readonly storedBytes: number;
}

/** What `GET /__sandbox/state` returns and `Sandbox.state()` resolves to. */
export interface SandboxState {
  /** Live videos, oldest first. */
  readonly videos: readonly SandboxVideoState[];
  /** Ids of deleted videos. */
  readonly deletedVideoIds: readonly string[];
  /** Uploads on the foreign host, oldest first (empty unless `foreignUploadLinks` fired). */
  readonly foreignUploads: readonly SandboxForeignUploadState[];
  readonly counters: {
    /** Every `POST /me/videos` request, including refused ones. */
    readonly createCalls: number;
    /** Videos actually created. */
    readonly videosCreated: number;
    /** Requests per kind since the sandbox started (not persisted across restarts). */
    readonly requests: Readonly<Partial<Record<RequestKind, number>>>;
    /** Faults injected per kind since the sandbox started. */
    readonly faultsInjected: Readonly<Partial<Record<RequestKind, number>>>;
    /** API requests that carried tus headers (`Tus-Resumable`, `Upload-Offset`): a client bug. */
    readonly apiRequestsWithTusHeaders: number;
    /** API requests refused with 429 by the rate limit (not injected 429 faults). */
    readonly rateLimitRefusals: number;
  };
}

/** A running sandbox. */
export interface Sandbox {
  /** Base URL of the API host, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly apiUrl: string;
  /** Base URL of the upload host, e.g. `http://127.0.0.1:41235` (upload links are `${uploadUrl}/files/<32 hex>`). */
  readonly uploadUrl: string;
  readonly token: string;
  readonly dataDir: string;
  /**
   * Same data as `GET /__sandbox/state` (`?hashes=false` there). Hashes are cached per file state;
   * pass `{ hashes: false }` to skip hashing (e.g. polling big uploads).
   */
  state(options?: { readonly hashes?: boolean }): Promise<SandboxState>;
  /**
   * Resolves once the upload host has finished every request it is handling (bytes written,
   * records saved). Call it after a client aborted, before reading `state()`: the server may still
   * be draining bytes the kernel had buffered.
   */
  idle(): Promise<void>;
  /** Replace the faults in force; request numbering for `nth` restarts from here. */
  setFaults(faults: Faults): void;
  /** Change runtime options (delays, rate limit, quota...). */
  setOptions(options: SandboxRuntimeOptions): void;
  /** Stop both servers (open connections are cut). Removes the data dir if the sandbox created it, unless `keepDataDir`. */
  close(options?: { readonly keepDataDir?: boolean }): Promise<void>;
  /** Close and start again on the same data dir and ports, with the same options (and current faults unless given). */
  restart(options?: { readonly faults?: Faults }): Promise<Sandbox>;
}
