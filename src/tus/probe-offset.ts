/**
 * HEAD on the upload link: where the server stands. The resume primitive after any failure or
 * restart, and the final check after the last PATCH.
 */
import type http from 'node:http';
import { type WithRetriesOptions, withRetries } from '../core/with-retries.js';
import { DEFAULT_STALL_TIMEOUT_MS, TUS_VERSION } from './constants.js';
import { exchange } from './http-exchange.js';
import { readHeadAnswer, type UploadState } from './responses.js';
import { parseUploadUrl } from './upload-url.js';

export type { UploadState } from './responses.js';

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
 *   retryable TusError E_SERVER on 423 and 5xx, E_RATE_LIMITED on 429; retryable NetworkError
 *   E_NETWORK (connection failures) or E_STALLED; AbortError.
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
  return readHeadAnswer(url, response);
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
