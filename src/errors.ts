/**
 * One error hierarchy for the whole library, every class in this file. Every error has a stable
 * string `code` (documented in docs/errors.md), a `retryable` flag, the ES2022 `cause`, and, where
 * an HTTP exchange was involved, a redacted request summary. Messages never contain the API token
 * or an upload link.
 *
 * The classes say where an error comes from (your options, your listener, your file, the API host,
 * the upload host, the network, your signal, the end check, the ledger); the code says which
 * condition it is, and is what scripts should match on.
 */

/** Stable error codes. Never rename one: scripts match on them. */
export type ErrorCode =
  | ConfigErrorCode
  | 'E_LISTENER'
  | FileErrorCode
  | VimeoApiErrorCode
  | 'E_CREATE_OUTCOME_UNKNOWN'
  | TusErrorCode
  | NetworkErrorCode
  | 'E_ABORTED'
  | VerificationErrorCode
  | LedgerErrorCode;

/** The code of a {@link ConfigError}. */
export type ConfigErrorCode = 'E_CONFIG';
/** The codes of a {@link FileError}. */
export type FileErrorCode =
  | 'E_FILE_NOT_FOUND'
  | 'E_FILE_NOT_REGULAR'
  | 'E_FILE_EMPTY'
  | 'E_FILE_UNREADABLE'
  | 'E_FILE_CHANGED';
/** The codes of a {@link VimeoApiError}. */
export type VimeoApiErrorCode = 'E_AUTH' | 'E_QUOTA' | 'E_RATE_LIMITED' | 'E_VIMEO_API';
/** The codes of a {@link TusError}. */
export type TusErrorCode =
  | 'E_NOT_TUS'
  | 'E_TUS_PROTOCOL'
  | 'E_OFFSET_MISMATCH'
  | 'E_UPLOAD_LINK_GONE'
  | 'E_UPLOAD_LINK_REFUSED'
  | 'E_SERVER'
  | 'E_RATE_LIMITED';
/** The codes of a {@link NetworkError}. */
export type NetworkErrorCode = 'E_NETWORK' | 'E_STALLED' | 'E_RETRIES_EXHAUSTED';
/** The codes of a {@link VerificationError}. */
export type VerificationErrorCode =
  | 'E_VERIFY_FAILED'
  | 'E_VERIFY_UNCONFIRMED'
  | 'E_PROCESSING_FAILED'
  | 'E_PROCESSING_TIMEOUT';
/** The codes of a {@link LedgerError}. */
export type LedgerErrorCode = 'E_LEDGER' | 'E_UPLOAD_LOCKED' | 'E_FILE_MODIFIED_SINCE_LEDGER';

/** What an error may say about the HTTP exchange behind it: no path, no query, no headers. */
export interface RequestSummary {
  readonly method: string;
  /** Host only (`api.vimeo.com`, `files.tus.vimeo.com`): the upload link's path is a capability. */
  readonly host: string;
  readonly status?: number;
}

/** Vimeo's JSON error body, as far as it was present. */
export interface VimeoErrorDetails {
  readonly vimeoErrorCode?: number;
  readonly developerMessage?: string;
  readonly invalidParameters?: readonly InvalidParameter[];
}

export interface InvalidParameter {
  readonly field: string;
  readonly error?: string;
  readonly errorCode?: number;
  readonly developerMessage?: string;
}

export interface VimeoTusErrorOptions extends VimeoErrorDetails {
  readonly cause?: unknown;
  readonly retryable?: boolean;
  readonly request?: RequestSummary;
  /** Delay the server asked for (Retry-After, X-RateLimit-Reset), in milliseconds. */
  readonly retryAfterMs?: number;
  /** The video the error concerns, when it exists already. */
  readonly videoUri?: string;
}

/** What is known of the upload an error ended: set once by the code that knows it. */
interface UploadContext {
  videoUri?: string;
  uploadLink?: string;
}

const uploadContexts = new WeakMap<VimeoTusError, UploadContext>();

/**
 * Base class of every error vimeo-tus throws.
 * @example
 * try {
 *   await uploadVideo('talk.mp4', { token });
 * } catch (error) {
 *   if (error instanceof VimeoTusError && error.code === 'E_UPLOAD_LOCKED') console.log('already running');
 *   else throw error;
 * }
 */
export class VimeoTusError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly request: RequestSummary | undefined;
  readonly status: number | undefined;
  readonly vimeoErrorCode: number | undefined;
  readonly developerMessage: string | undefined;
  readonly invalidParameters: readonly InvalidParameter[] | undefined;
  readonly retryAfterMs: number | undefined;

  /**
   * The video the error concerns (`/videos/123`), once it exists: errors raised after the create
   * answer carry it, so that the video can be continued, inspected or deleted.
   */
  get videoUri(): string | undefined {
    return uploadContexts.get(this)?.videoUri;
  }

  /**
   * The tus upload link of the interrupted upload, once known: with `videoUri`, what
   * `createUpload(source, { resume: { videoUri, uploadLink } })` continues. A capability: it is never
   * in `message` or `toJSON()`, and not an own property (so logging the error does not print it).
   */
  get uploadLink(): string | undefined {
    return uploadContexts.get(this)?.uploadLink;
  }

  constructor(code: ErrorCode, message: string, options: VimeoTusErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.request = options.request;
    this.status = options.request?.status;
    this.vimeoErrorCode = options.vimeoErrorCode;
    this.developerMessage = options.developerMessage;
    this.invalidParameters = options.invalidParameters;
    this.retryAfterMs = options.retryAfterMs;
    if (options.videoUri !== undefined) uploadContexts.set(this, { videoUri: options.videoUri });
  }

  /** A plain object for logs and NDJSON: code, message, status, Vimeo's details. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.request ? { request: this.request } : {}),
      ...(this.videoUri !== undefined ? { videoUri: this.videoUri } : {}),
      ...(this.vimeoErrorCode !== undefined ? { vimeoErrorCode: this.vimeoErrorCode } : {}),
      ...(this.developerMessage !== undefined ? { developerMessage: this.developerMessage } : {}),
      ...(this.invalidParameters !== undefined ? { invalidParameters: this.invalidParameters } : {}),
    };
  }
}

/** Bad configuration or option values (caught before any request is made). */
export class ConfigError extends VimeoTusError {
  constructor(message: string, options: VimeoTusErrorOptions = {}) {
    super('E_CONFIG', message, options);
  }
}

/**
 * An event listener of an upload threw (`E_LISTENER`); the upload was stopped. The caller's code
 * is at fault, not the network or Vimeo; never retryable; `cause` is what the listener threw. What
 * the server acknowledged stays resumable.
 */
export class ListenerError extends VimeoTusError {
  /** The event whose listener threw (`progress`, `created`, `retry`, `notice`, `verified`). */
  readonly event: string;

  constructor(event: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'E_LISTENER',
      `A '${event}' listener threw (${reason}); the upload was stopped. What the server acknowledged stays resumable.`,
      { cause },
    );
    this.event = event;
  }
}

/** The local file cannot be uploaded: missing, empty, a directory, unreadable, or changed mid-upload. */
export class FileError extends VimeoTusError {
  readonly path: string;
  constructor(code: FileErrorCode, path: string, message: string, options: VimeoTusErrorOptions = {}) {
    super(code, message, options);
    this.path = path;
  }
}

/**
 * An error answer of the API host (api.vimeo.com), with Vimeo's `error_code` where present:
 * `E_AUTH` (401: a missing, invalid or revoked token, or one without the scope), `E_QUOTA` (403
 * with a quota error code), `E_RATE_LIMITED` (429, retryable, `retryAfterMs` when the server said),
 * `E_VIMEO_API` (any other; a 5xx is retryable).
 */
export class VimeoApiError extends VimeoTusError {
  constructor(message: string, options: VimeoTusErrorOptions & { readonly code?: VimeoApiErrorCode } = {}) {
    const code = options.code ?? 'E_VIMEO_API';
    super(code, message, { retryable: code === 'E_RATE_LIMITED', ...options });
  }
}

/**
 * A create call failed after it may have reached Vimeo (`E_CREATE_OUTCOME_UNKNOWN`: a 5xx, a
 * timeout, a reset), and no video it made could be found and adopted. Not retried: a retry could
 * make a second video. Look for a video created around `requestStartedAt`.
 */
export class CreateOutcomeUnknownError extends VimeoTusError {
  /** Always true: the reason this error exists. */
  readonly mayHaveCreatedVideo = true;
  /** When the create call was sent (ISO-8601): a video created then may be an orphan. */
  readonly requestStartedAt: string;

  constructor(message: string, options: VimeoTusErrorOptions & { readonly requestStartedAt: string }) {
    const { requestStartedAt, ...rest } = options;
    super('E_CREATE_OUTCOME_UNKNOWN', message, rest);
    this.requestStartedAt = requestStartedAt;
  }
}

/**
 * The upload host broke the tus exchange or refused it: `E_NOT_TUS` (the create answer has no tus
 * upload link), `E_UPLOAD_LINK_REFUSED` (the link is not https, or not on a Vimeo host while the API
 * is Vimeo's), `E_TUS_PROTOCOL`, `E_OFFSET_MISMATCH` (409), `E_UPLOAD_LINK_GONE` (404/410),
 * `E_SERVER` (423, 5xx), `E_RATE_LIMITED` (429). `retryable` says which a retry may cure.
 */
export class TusError extends VimeoTusError {
  constructor(code: TusErrorCode, message: string, options: VimeoTusErrorOptions = {}) {
    super(code, message, { retryable: code === 'E_RATE_LIMITED', ...options });
  }
}

/**
 * No usable answer: the connection failed (`E_NETWORK`: reset, refused, DNS, TLS, a timeout) or
 * stalled (`E_STALLED`: no byte accepted and no answer for the stall timeout), both retryable; or
 * the tries ran out without progress (`E_RETRIES_EXHAUSTED`, not retryable; `cause` is the last
 * error).
 */
export class NetworkError extends VimeoTusError {
  constructor(message: string, options: VimeoTusErrorOptions & { readonly code?: NetworkErrorCode } = {}) {
    const code = options.code ?? 'E_NETWORK';
    super(code, message, { retryable: code !== 'E_RETRIES_EXHAUSTED', ...options });
  }
}

/** The caller's AbortSignal fired. What was acknowledged stays resumable. */
export class AbortError extends VimeoTusError {
  constructor(message = 'The upload was aborted', options: VimeoTusErrorOptions = {}) {
    super('E_ABORTED', message, options);
  }
}

/**
 * After the transfer, the server does not hold the whole file or Vimeo reports an error
 * (`E_VERIFY_FAILED`), Vimeo never agreed that it holds the file (`E_VERIFY_UNCONFIRMED`: the
 * upload host reported every byte, but `upload.size`/`upload.status` did not confirm it in time),
 * or processing failed or timed out (`E_PROCESSING_FAILED`, `E_PROCESSING_TIMEOUT`).
 */
export class VerificationError extends VimeoTusError {
  constructor(code: VerificationErrorCode, message: string, options: VimeoTusErrorOptions = {}) {
    super(code, message, options);
  }
}

/** The local ledger cannot be opened, read or written, or refuses an operation. */
export class LedgerError extends VimeoTusError {
  constructor(message: string, options: VimeoTusErrorOptions & { readonly code?: LedgerErrorCode } = {}) {
    super(options.code ?? 'E_LEDGER', message, options);
  }
}

/**
 * Records on `error` the video and upload link it concerns, where it has none yet (the innermost
 * knowledge wins). Errors that are not ours are returned untouched.
 * @internal
 */
export function attachUpload<T>(
  error: T,
  known: { readonly videoUri?: string; readonly uploadLink?: string },
): T {
  if (!(error instanceof VimeoTusError)) return error;
  const context = uploadContexts.get(error) ?? {};
  if (context.videoUri === undefined && known.videoUri !== undefined) context.videoUri = known.videoUri;
  if (context.uploadLink === undefined && known.uploadLink !== undefined)
    context.uploadLink = known.uploadLink;
  uploadContexts.set(error, context);
  return error;
}

/** True for errors a retry loop may try again. */
export function isRetryable(error: unknown): boolean {
  return error instanceof VimeoTusError && error.retryable;
}

/**
 * Replace every occurrence of each secret in `text` (tokens, upload links, their paths) with a
 * placeholder. Used on every message that may echo a server's words or a URL.
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/**
 * The forms in which an upload link (a capability) can be quoted by a server: the whole link, its
 * path, host and path, its last path segment (the upload id) when it is long enough to be one, and
 * each of those URL-encoded (as a diagnostic that embeds the link in a query or a message may
 * write it). Longest first, so that a quoted link is redacted whole before its parts.
 */
export function uploadLinkSecrets(uploadLink: string): string[] {
  let url: URL;
  try {
    url = new URL(uploadLink);
  } catch {
    return [uploadLink];
  }
  const uploadId = url.pathname.split('/').filter(Boolean).at(-1) ?? '';
  const plain = [url.href, uploadLink, `${url.host}${url.pathname}`, url.pathname];
  if (uploadId.length >= 8) plain.push(uploadId);
  const forms = new Set<string>();
  for (const text of plain) {
    forms.add(encodeURIComponent(text));
    forms.add(encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
    forms.add(text);
  }
  return [...forms].filter((text) => text.length >= 4).sort((a, b) => b.length - a.length);
}

/** The method and host of a request, for error summaries (never the path: it can be a capability). */
export function summarizeRequest(method: string, url: string | URL, status?: number): RequestSummary {
  const host = typeof url === 'string' ? safeHost(url) : url.host;
  return status === undefined ? { method, host } : { method, host, status };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}
