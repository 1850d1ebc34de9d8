/**
 * HEAD on the upload link: where the server stands. The resume primitive after any failure or
 * restart, and the final check after the last PATCH.
 */
import type http from 'node:http';
import { type WithRetriesOptions, withRetries } from '../core/with-retries.js';
import { summarizeRequest, TusError } from '../errors.js';
import { DEFAULT_STALL_TIMEOUT_MS, TUS_HEADERS, TUS_VERSION } from './constants.js';
import { exchange } from './http-exchange.js';
import { errorForStatus, parseOffsetHeader } from './responses.js';
import { parseUploadUrl } from './upload-url.js';

/** The server's view of an upload. */
export interface UploadState {
  /** Bytes the server holds (`Upload-Offset`). */
  readonly offset: number;
  /** Bytes the upload will have (`Upload-Length`). */
  readonly length: number;
}

/** Options of {@link probeOffset}. */
export interface ProbeOptions {
  readonly signal?: AbortSignal;
  /** @default 60000 */
  readonly stallTimeoutMs?: number;
  /** @internal keep-alive agent shared with the PATCHes of one transfer. */
  readonly agent?: http.Agent;
}

/**
 * HEAD the upload link and return `{ offset, length }`.
 * @throws TusError E_UPLOAD_LINK_GONE on 404/410; E_TUS_PROTOCOL on 412, other 4xx, or a missing or
 *   malformed `Upload-Offset` / `Upload-Length` (digits only), or an offset beyond the length;
 *   RateLimitError on 429; retryable NetworkError on 5xx and connection failures; StallError;
 *   AbortError.
 */
export async function probeOffset(uploadUrl: string | URL, options: ProbeOptions = {}): Promise<UploadState> {
  const url = typeof uploadUrl === 'string' ? parseUploadUrl(uploadUrl) : uploadUrl;
  const response = await exchange({
    method: 'HEAD',
    url,
    headers: { 'Tus-Resumable': TUS_VERSION, 'Cache-Control': 'no-store' },
    stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
    signal: options.signal,
    agent: options.agent,
  });
  const { status, headers } = response;
  if (status < 200 || status > 299) {
    throw errorForStatus('HEAD', url, status, headers, response.bodyText);
  }
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

/** Options of {@link probeOffsetWithRetries}: the retry loop's, and the HEAD's stall timeout. */
export interface RetriedProbeOptions extends WithRetriesOptions {
  readonly stallTimeoutMs?: number | undefined;
}

/**
 * {@link probeOffset}, tried again after retryable errors (5xx, connection failures, stalls, 429)
 * by the shared retry rule: the one HEAD for a check outside a transfer (verification, adoption).
 */
export function probeOffsetWithRetries(
  uploadLink: string,
  options: RetriedProbeOptions = {},
): Promise<UploadState> {
  return withRetries(
    () =>
      probeOffset(uploadLink, {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.stallTimeoutMs !== undefined ? { stallTimeoutMs: options.stallTimeoutMs } : {}),
      }),
    options,
  );
}
