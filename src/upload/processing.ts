/**
 * Waiting for Vimeo to finish with a video: poll `upload.status` and `transcode.status`, with a
 * growing delay, until both are final or the timeout passes. Vimeo has no webhook for this.
 */

import { sleep as abortableSleep } from '../core/sleep.js';
import { VerificationError } from '../errors.js';
import { VimeoClient } from '../vimeo/client.js';
import { CONFIRM_FIELDS, throwIfVideoFailed } from './confirm.js';
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_PROCESSING_TIMEOUT_MS } from './resolve-options.js';
import type { VimeoStatus } from './types.js';
import { statusesOf } from './verify.js';

const MAX_POLL_INTERVAL_MS = 30_000;
const POLL_GROWTH = 1.5;

/** The two statuses Vimeo reports. */
export interface ProcessingStatuses {
  uploadStatus: VimeoStatus;
  transcodeStatus: VimeoStatus;
}

function isFinal(status: VimeoStatus): boolean {
  return status === 'complete' || status === 'error';
}

/**
 * Polls until both statuses are final. Throws VerificationError E_PROCESSING_FAILED when either
 * is `error`, E_PROCESSING_TIMEOUT when `timeoutMs` passes first.
 */
export async function pollProcessing(
  client: VimeoClient,
  videoUri: string,
  options: {
    readonly timeoutMs: number;
    readonly pollIntervalMs: number;
    readonly signal?: AbortSignal | undefined;
    readonly initial?: ProcessingStatuses;
  },
): Promise<ProcessingStatuses> {
  const deadline = Date.now() + options.timeoutMs;
  let delayMs = options.pollIntervalMs;
  const read = async (): Promise<ProcessingStatuses> => {
    const video = await client.getVideo({ videoUri, fields: CONFIRM_FIELDS, signal: options.signal });
    // A video Vimeo marks failed (quota, upload or transcoding error) is a typed error at once.
    throwIfVideoFailed(video, videoUri);
    return statusesOf(video);
  };
  let statuses = options.initial ?? (await read());
  for (;;) {
    if (statuses.uploadStatus === 'error' || statuses.transcodeStatus === 'error') {
      throw new VerificationError(
        'E_PROCESSING_FAILED',
        `Vimeo reports an error for ${videoUri}: upload.status "${statuses.uploadStatus}", ` +
          `transcode.status "${statuses.transcodeStatus}"`,
      );
    }
    if (isFinal(statuses.uploadStatus) && isFinal(statuses.transcodeStatus)) return statuses;
    const leftMs = deadline - Date.now();
    if (leftMs <= 0) {
      throw new VerificationError(
        'E_PROCESSING_TIMEOUT',
        `${videoUri} is still processing after ${options.timeoutMs} ms (upload.status "${statuses.uploadStatus}", ` +
          `transcode.status "${statuses.transcodeStatus}")`,
      );
    }
    await abortableSleep(Math.min(delayMs, leftMs), options.signal);
    delayMs = Math.min(Math.max(options.pollIntervalMs, MAX_POLL_INTERVAL_MS), delayMs * POLL_GROWTH);
    statuses = await read();
  }
}

/** Options of {@link waitForProcessing}. */
export interface WaitForProcessingOptions {
  readonly token: string;
  /** @default 'https://api.vimeo.com' */
  readonly apiUrl?: string;
  /** @default 1_800_000 (30 min) */
  readonly timeoutMs?: number;
  /** First delay between polls; grows by half each time up to 30 s. @default 2000 */
  readonly pollIntervalMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Waits until Vimeo's `upload.status` and `transcode.status` of a video are both final.
 * @example
 * const { transcodeStatus } = await waitForProcessing('/videos/123', { token });
 */
export async function waitForProcessing(
  videoUri: string,
  options: WaitForProcessingOptions,
): Promise<ProcessingStatuses> {
  const client = new VimeoClient({
    token: options.token,
    ...(options.apiUrl !== undefined ? { apiUrl: options.apiUrl } : {}),
  });
  return pollProcessing(client, videoUri, {
    timeoutMs: options.timeoutMs ?? DEFAULT_PROCESSING_TIMEOUT_MS,
    pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    signal: options.signal,
  });
}
