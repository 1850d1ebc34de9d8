/**
 * One error hierarchy for the whole library. Every error has a stable string `code` (documented in
 * docs/errors.md), a `retryable` flag, the ES2022 `cause`, and, where an HTTP exchange was involved,
 * a redacted request summary. Messages never contain the API token or an upload link.
 */

/** Stable error codes. Never rename one: scripts match on them. */
export type ErrorCode =
  | 'E_CONFIG'
  | 'E_FILE_NOT_FOUND'
  | 'E_FILE_NOT_REGULAR'
  | 'E_FILE_EMPTY'
  | 'E_FILE_UNREADABLE'
  | 'E_FILE_CHANGED'
  | 'E_AUTH'
  | 'E_QUOTA'
  | 'E_RATE_LIMITED'
  | 'E_VIMEO_API'
  | 'E_NOT_TUS'
  | 'E_TUS_PROTOCOL'
  | 'E_OFFSET_MISMATCH'
  | 'E_UPLOAD_LINK_GONE'
  | 'E_NETWORK'
  | 'E_STALLED'
  | 'E_SERVER'
  | 'E_ABORTED'
  | 'E_RETRIES_EXHAUSTED'
  | 'E_VERIFY_FAILED'
  | 'E_PROCESSING_FAILED'
  | 'E_PROCESSING_TIMEOUT'
  | 'E_LEDGER'
  | 'E_UPLOAD_LOCKED'
  | 'E_FILE_MODIFIED_SINCE_LEDGER';

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

/** Base class of every error vimeo-tus throws. */
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

/** The local file cannot be uploaded: missing, empty, a directory, unreadable, or changed mid-upload. */
export class FileError extends VimeoTusError {
  readonly path: string;
  constructor(
    code: Extract<
      ErrorCode,
      'E_FILE_NOT_FOUND' | 'E_FILE_NOT_REGULAR' | 'E_FILE_EMPTY' | 'E_FILE_UNREADABLE' | 'E_FILE_CHANGED'
    >,
    path: string,
    message: string,
    options: VimeoTusErrorOptions = {},
  ) {
    super(code, message, options);
    this.path = path;
  }
}

/** The token is missing, invalid, or lacks the `upload` scope (HTTP 401, Vimeo 8002/8003). */
export class AuthError extends VimeoTusError {
  constructor(message: string, options: VimeoTusErrorOptions = {}) {
    super('E_AUTH', message, options);
  }
}

/** Vimeo refused the upload for quota (HTTP 403, Vimeo 4101/4102/4103/4104/3428). */
export class QuotaError extends VimeoTusError {
  constructor(message: string, options: VimeoTusErrorOptions = {}) {
    super('E_QUOTA', message, options);
  }
}

/** HTTP 429 on the API or the upload host. Retryable, with the server's delay when it gave one. */
export class RateLimitError extends VimeoTusError {
  constructor(message: string, options: VimeoTusErrorOptions = {}) {
    super('E_RATE_LIMITED', message, { retryable: true, ...options });
  }
}

/** Any other error answer from api.vimeo.com, with Vimeo's `error_code` where present. */
export class VimeoApiError extends VimeoTusError {
  constructor(message: string, options: VimeoTusErrorOptions = {}) {
    super('E_VIMEO_API', message, options);
  }
}

/** Errors of the tus exchange with the upload host. */
export class TusError extends VimeoTusError {}

/** The connection failed (reset, refused, DNS) or a transient 5xx: worth another try. */
export class NetworkError extends VimeoTusError {
  constructor(message: string, options: VimeoTusErrorOptions = {}) {
    super('E_NETWORK', message, { retryable: true, ...options });
  }
}

/** No progress (no bytes accepted and no response) for the stall timeout. */
export class StallError extends VimeoTusError {
  constructor(message: string, options: VimeoTusErrorOptions = {}) {
    super('E_STALLED', message, { retryable: true, ...options });
  }
}

/** The caller's AbortSignal fired. What was acknowledged stays resumable. */
export class AbortError extends VimeoTusError {
  constructor(message = 'The upload was aborted', options: VimeoTusErrorOptions = {}) {
    super('E_ABORTED', message, options);
  }
}

/** The retry budget ran out without the server's offset advancing. `cause` is the last error. */
export class RetriesExhaustedError extends VimeoTusError {
  constructor(message: string, options: VimeoTusErrorOptions = {}) {
    super('E_RETRIES_EXHAUSTED', message, options);
  }
}

/** After the transfer, the server does not hold the whole file, or Vimeo reports an error. */
export class VerificationError extends VimeoTusError {
  constructor(
    code: Extract<ErrorCode, 'E_VERIFY_FAILED' | 'E_PROCESSING_FAILED' | 'E_PROCESSING_TIMEOUT'>,
    message: string,
    options: VimeoTusErrorOptions = {},
  ) {
    super(code, message, options);
  }
}

/** The local ledger cannot be opened, read or written, or refuses an operation. */
export class LedgerError extends VimeoTusError {
  constructor(
    message: string,
    options: VimeoTusErrorOptions & {
      code?: Extract<ErrorCode, 'E_LEDGER' | 'E_UPLOAD_LOCKED' | 'E_FILE_MODIFIED_SINCE_LEDGER'>;
    } = {},
  ) {
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
