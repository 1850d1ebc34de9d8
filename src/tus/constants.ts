/**
 * The tus 1.0.0 vocabulary the client side speaks (HEAD + PATCH on an existing upload, no creation),
 * and the engine's defaults. One place, so no header name is spelled twice.
 */

/** The only tus protocol version spoken. */
export const TUS_VERSION = '1.0.0';

/** Content type every PATCH body must carry. */
export const TUS_CONTENT_TYPE = 'application/offset+octet-stream';

/** Header names (lower case, as Node exposes incoming headers). */
export const TUS_HEADERS = {
  uploadOffset: 'upload-offset',
  uploadLength: 'upload-length',
} as const;

/** HTTP statuses the client side treats specially. */
export const TUS_STATUS = {
  notFound: 404,
  conflict: 409,
  gone: 410,
  preconditionFailed: 412,
  locked: 423,
  tooManyRequests: 429,
} as const;

/**
 * The default chunk policy's first and largest PATCH: 512 MB, the top of Vimeo's advice of 128 to
 * 512 MB per PATCH for chunked tus clients.
 */
export const DEFAULT_CHUNK_SIZE_BYTES = 512_000_000;

/**
 * The default policy's PATCH after a failed one, and its least on a slow link: 128 MiB, the bottom
 * of Vimeo's advice. Also the PATCH of a stream source, which keeps one PATCH in memory.
 */
export const SMALL_CHUNK_SIZE_BYTES = 128 * 1024 * 1024;

/**
 * The default policy keeps a PATCH to about this long at the pace of the last one (but never below
 * {@link SMALL_CHUNK_SIZE_BYTES}), so that on a slow link the server acknowledges bytes often.
 */
export const TARGET_PATCH_MS = 30_000;

/** Smallest accepted PATCH size (Vimeo is very slow below ~10 MB; below 1 MiB is refused). */
export const MIN_CHUNK_SIZE_BYTES = 1024 * 1024;

/** Default idle timeout: no byte accepted by the socket and no response for this long is a stall. */
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/** At most this much of an error answer's body is kept (redacted) for messages. */
export const MAX_ERROR_BODY_BYTES = 1024;
