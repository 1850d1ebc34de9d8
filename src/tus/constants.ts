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
 * The default chunk policy's first PATCH, and the size it returns to after a failed PATCH. Vimeo
 * advises PATCHes of 128 to 512 MB for chunked tus clients.
 */
export const DEFAULT_CHUNK_SIZE_BYTES = 128 * 1024 * 1024;

/**
 * The default policy doubles the PATCH after each one the server acknowledged whole, up to this:
 * 512 MB, the top of Vimeo's advice (128 MiB, 256 MiB, then 512 MB).
 */
export const MAX_GROWN_CHUNK_SIZE_BYTES = 512_000_000;

/** Smallest accepted PATCH size (Vimeo is very slow below ~10 MB; below 1 MiB is refused). */
export const MIN_CHUNK_SIZE_BYTES = 1024 * 1024;

/** Default idle timeout: no byte accepted by the socket and no response for this long is a stall. */
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/** At most this much of an error answer's body is kept (redacted) for messages. */
export const MAX_ERROR_BODY_BYTES = 1024;
