/**
 * Judging the upload host's answers: strict parsing of tus offset headers, one typed error per
 * kind of unwanted status, and what a HEAD or PATCH answer must say. Messages name the host, never
 * the upload link. Platform-free (no Node built-in): the Node engine and the browser module read
 * their answers through the same rules, whatever carried the request.
 */
import { type HeaderSource, headerOf, retryAfterDelayMs, serverDelayMs } from '../core/server-delay.js';
import { summarizeRequest, TusError, type VimeoTusError } from '../errors.js';
import { TUS_HEADERS, TUS_STATUS } from './constants.js';

/** `upload-offset` → `Upload-Offset`, for messages. */
function displayName(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join('-');
}

/**
 * Read a non-negative integer header strictly: ASCII digits only, no sign, no spaces inside, no
 * fraction, within Number.MAX_SAFE_INTEGER.
 * @throws TusError E_TUS_PROTOCOL when missing or malformed.
 */
export function parseOffsetHeader(
  headers: HeaderSource,
  name: string,
  context: { method: string; url: URL; status: number },
): number {
  const raw = headerOf(headers, name.toLowerCase());
  const shownName = displayName(name);
  const request = summarizeRequest(context.method, context.url, context.status);
  if (raw === undefined) {
    throw new TusError(
      'E_TUS_PROTOCOL',
      `${context.method} answer from ${context.url.host} has no ${shownName} header`,
      {
        request,
      },
    );
  }
  const text = raw.trim();
  const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    const shown = JSON.stringify(text.slice(0, 40));
    throw new TusError(
      'E_TUS_PROTOCOL',
      `${context.method} answer from ${context.url.host} has a malformed ${shownName} header: ${shown}`,
      { request },
    );
  }
  return value;
}

/**
 * The typed error for an unwanted answer to `method`:
 * 404/410 → E_UPLOAD_LINK_GONE; 409 → retryable E_OFFSET_MISMATCH; 423 → retryable E_SERVER;
 * 429 → retryable E_RATE_LIMITED (delay from Retry-After, else X-RateLimit-Reset); 5xx → retryable E_SERVER
 * (delay from Retry-After only);
 * anything else (412, other 4xx, 1xx/2xx/3xx not expected) → E_TUS_PROTOCOL.
 */
export function errorForStatus(
  method: string,
  url: URL,
  status: number,
  headers: HeaderSource,
  bodyText: string,
): VimeoTusError {
  const request = summarizeRequest(method, url, status);
  const said = bodyText.trim() ? `: ${bodyText.trim().slice(0, 200)}` : '';
  const where = `${method} to ${url.host} answered ${status}`;
  if (status === TUS_STATUS.notFound || status === TUS_STATUS.gone) {
    return new TusError(
      'E_UPLOAD_LINK_GONE',
      `${where}: the upload link is unknown or expired; a new upload link is needed${said}`,
      { request },
    );
  }
  if (status === TUS_STATUS.conflict) {
    return new TusError('E_OFFSET_MISMATCH', `${where}: the server holds a different offset${said}`, {
      request,
      retryable: true,
    });
  }
  if (status === TUS_STATUS.tooManyRequests) {
    const retryAfterMs = serverDelayMs(headers);
    return new TusError('E_RATE_LIMITED', `${where}: rate limited${said}`, {
      request,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status === TUS_STATUS.locked) {
    return new TusError('E_SERVER', `${where}: the upload is locked by another request${said}`, {
      request,
      retryable: true,
    });
  }
  if (status >= 500 && status <= 599) {
    // The server is up but failing: its Retry-After (503 maintenance) counts; a rate-limit window
    // (X-RateLimit-Reset) says nothing about when it recovers.
    const retryAfterMs = retryAfterDelayMs(headers);
    return new TusError('E_SERVER', `${where}${said}`, {
      request,
      retryable: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status === TUS_STATUS.preconditionFailed) {
    return new TusError('E_TUS_PROTOCOL', `${where}: the tus version is not supported there${said}`, {
      request,
    });
  }
  return new TusError('E_TUS_PROTOCOL', `${where}, which a tus upload host should not${said}`, { request });
}

/** An answer of the upload host, however it was carried: status, headers, the start of the body. */
export interface TusAnswer {
  readonly status: number;
  readonly headers: HeaderSource;
  /** The start of the body (short text on tus hosts), already redacted of the upload link. */
  readonly bodyText: string;
}

/** The server's view of an upload. */
export interface UploadState {
  /** Bytes the server holds (`Upload-Offset`). */
  readonly offset: number;
  /** Bytes the upload will have (`Upload-Length`). */
  readonly length: number;
}

/**
 * What a HEAD answer says: `{ offset, length }`.
 * @throws the typed error of {@link errorForStatus} for a non-2xx answer; TusError E_TUS_PROTOCOL
 *   for a missing or malformed `Upload-Offset` / `Upload-Length`, or an offset beyond the length.
 */
export function readHeadAnswer(url: URL, answer: TusAnswer): UploadState {
  const { status, headers } = answer;
  if (status < 200 || status > 299) throw errorForStatus('HEAD', url, status, headers, answer.bodyText);
  const context = { method: 'HEAD', url, status };
  const offset = parseOffsetHeader(headers, TUS_HEADERS.uploadOffset, context);
  const length = parseOffsetHeader(headers, TUS_HEADERS.uploadLength, context);
  if (offset > length) {
    throw new TusError(
      'E_TUS_PROTOCOL',
      `HEAD answer from ${url.host} says Upload-Offset ${offset} is beyond Upload-Length ${length}`,
      { request: summarizeRequest('HEAD', url, status) },
    );
  }
  return { offset, length };
}

/**
 * The server's new offset from the answer to a PATCH of the bytes [offsetBytes, endBytes); it must
 * lie in (offsetBytes, endBytes]. Some servers answer 200 rather than 204: any 2xx that carries the
 * offset is accepted.
 * @throws the typed error of {@link errorForStatus} for a non-2xx answer; TusError E_TUS_PROTOCOL
 *   for a missing or malformed `Upload-Offset`, or one outside the range sent.
 */
export function readPatchAnswer(url: URL, answer: TusAnswer, offsetBytes: number, endBytes: number): number {
  const { status, headers } = answer;
  if (status < 200 || status > 299) throw errorForStatus('PATCH', url, status, headers, answer.bodyText);
  const offset = parseOffsetHeader(headers, TUS_HEADERS.uploadOffset, { method: 'PATCH', url, status });
  if (offset <= offsetBytes || offset > endBytes) {
    throw new TusError(
      'E_TUS_PROTOCOL',
      `PATCH answer from ${url.host} moved Upload-Offset from ${offsetBytes} to ${offset}, ` +
        `outside the ${endBytes - offsetBytes} bytes sent (${offsetBytes}, ${endBytes}]`,
      { request: summarizeRequest('PATCH', url, status) },
    );
  }
  return offset;
}
