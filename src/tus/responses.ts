/**
 * Judging the upload host's answers: strict parsing of tus offset headers, and one typed error per
 * kind of unwanted status. Messages name the host, never the upload link.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { retryAfterDelayMs, serverDelayMs } from '../core/server-delay.js';
import { RateLimitError, summarizeRequest, TusError, type VimeoTusError } from '../errors.js';
import { TUS_STATUS } from './constants.js';

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

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
  headers: IncomingHttpHeaders,
  name: string,
  context: { method: string; url: URL; status: number },
): number {
  const raw = headerValue(headers, name.toLowerCase());
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
 * 429 → RateLimitError (delay from Retry-After, else X-RateLimit-Reset); 5xx → retryable E_SERVER
 * (delay from Retry-After only);
 * anything else (412, other 4xx, 1xx/2xx/3xx not expected) → E_TUS_PROTOCOL.
 */
export function errorForStatus(
  method: string,
  url: URL,
  status: number,
  headers: IncomingHttpHeaders,
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
    return new RateLimitError(`${where}: rate limited${said}`, {
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
