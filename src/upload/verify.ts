/**
 * Completeness checks: the upload host holds every byte (HEAD), and Vimeo agrees (the API's
 * `upload.size` and `upload.status`, see confirm.ts). Nothing is called verified before both.
 */

import { TusError, VerificationError, VimeoTusError } from '../errors.js';
import { probeOffsetWithRetries } from '../tus/probe-offset.js';
import { VimeoClient } from '../vimeo/client.js';
import type { VideoInfo } from '../vimeo/types.js';
import { apiChecks, CONFIRM_FIELDS, confirmWithVimeo, type VerifyChecks } from './confirm.js';
import type { RetryEvent, RetryPolicy, VerifyReport, VimeoStatus } from './types.js';

/** What the verify step of an upload established. */
export interface VerifiedTransfer {
  readonly uploadOffset: number;
  readonly uploadLength: number;
  readonly link: string;
  readonly uploadStatus: VimeoStatus;
  readonly transcodeStatus: VimeoStatus;
  /**
   * True when the final HEAD found the link gone (404/410) although the last PATCH had reported
   * every byte: the offset and length above are that PATCH's, confirmed by Vimeo's upload.status.
   */
  readonly headUnavailable: boolean;
  /** The checks that passed. */
  readonly checks: VerifyChecks;
}

interface StepOptions {
  readonly signal?: AbortSignal | undefined;
  readonly retry?: RetryPolicy | undefined;
  readonly stallTimeoutMs?: number | undefined;
  readonly onRetry?: (e: RetryEvent) => void;
  /** How long Vimeo may take to agree. @default 120_000 */
  readonly verifyTimeoutMs?: number | undefined;
  /**
   * When the last PATCH was answered (Date.now), if this call sent bytes: Vimeo's reads are then
   * planned from that moment (confirm.ts), so the HEAD runs inside the wait for Vimeo.
   */
  readonly finishedAtMs?: number | undefined;
  /** True for a video (not a version) this call created: its first read of Vimeo's view may be shared. */
  readonly shareFirstRead?: boolean | undefined;
}

/**
 * After the last PATCH: HEAD must report `Upload-Offset == Upload-Length == sizeBytes`
 * (VerificationError E_VERIFY_FAILED otherwise), then Vimeo must agree (confirm.ts:
 * E_VERIFY_UNCONFIRMED when it never does, typed errors when it marks the video failed).
 */
export async function verifyTransfer(
  client: VimeoClient,
  target: { readonly videoUri: string; readonly uploadLink: string; readonly link: string },
  sizeBytes: number,
  options: StepOptions,
  lastReported?: { readonly uploadOffset: number; readonly uploadLength: number },
): Promise<VerifiedTransfer> {
  let head: { offset: number; length: number };
  let headUnavailable = false;
  try {
    head = await probeOffsetWithRetries(target.uploadLink, options);
  } catch (error) {
    const reportedAll =
      lastReported !== undefined &&
      lastReported.uploadOffset === sizeBytes &&
      lastReported.uploadLength === sizeBytes;
    if (!(reportedAll && error instanceof TusError && error.code === 'E_UPLOAD_LINK_GONE')) throw error;
    // Vimeo may drop a link once its upload is complete: then its own view has the last word.
    head = { offset: lastReported.uploadOffset, length: lastReported.uploadLength };
    headUnavailable = true;
  }
  if (!headUnavailable && (head.offset !== head.length || head.length !== sizeBytes)) {
    throw new VerificationError(
      'E_VERIFY_FAILED',
      `The upload host holds ${head.offset} of ${head.length} bytes, but the file has ${sizeBytes}: ` +
        'the upload is not complete',
    );
  }
  const confirmed = await confirmWithVimeo(client, target.videoUri, sizeBytes, {
    signal: options.signal,
    ...(options.verifyTimeoutMs !== undefined ? { timeoutMs: options.verifyTimeoutMs } : {}),
    ...(options.finishedAtMs !== undefined ? { finishedAtMs: options.finishedAtMs } : {}),
    shareFirstRead: options.shareFirstRead === true,
  });
  return {
    uploadOffset: head.offset,
    uploadLength: head.length,
    link: confirmed.video.link ?? target.link,
    uploadStatus: confirmed.uploadStatus,
    transcodeStatus: confirmed.transcodeStatus,
    headUnavailable,
    checks: { headOffsets: !headUnavailable, apiSize: true, apiUploadStatus: true },
  };
}

/**
 * Waits (confirm.ts) for Vimeo to agree; the video as Vimeo last described it either way, so that
 * the report says what it said (a failed or unconfirmed video is `complete: false`, not an error).
 */
async function agreedOrLatest(
  client: VimeoClient,
  videoUri: string,
  sizeBytes: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<VideoInfo> {
  try {
    return (await confirmWithVimeo(client, videoUri, sizeBytes, { timeoutMs, signal })).video;
  } catch (error) {
    // Vimeo's verdicts (not agreeing, or marking the video failed) become the report; a failed call does not.
    const verdict =
      error instanceof VimeoTusError &&
      error.status === undefined &&
      ['E_VERIFY_UNCONFIRMED', 'E_VERIFY_FAILED', 'E_PROCESSING_FAILED', 'E_QUOTA'].includes(error.code);
    if (!verdict) throw error;
    return client.getVideo({ videoUri, fields: [...CONFIRM_FIELDS, 'upload.upload_link'], signal });
  }
}

/** Vimeo's two statuses of a video (`in_progress` when it did not say). */
export function statusesOf(video: VideoInfo): { uploadStatus: VimeoStatus; transcodeStatus: VimeoStatus } {
  return {
    uploadStatus: video.upload?.status ?? 'in_progress',
    transcodeStatus: video.transcode?.status ?? 'in_progress',
  };
}

/** Options of {@link verifyUpload}. */
export interface VerifyUploadOptions {
  readonly token: string;
  /** @default 'https://api.vimeo.com' */
  readonly apiUrl?: string;
  readonly videoUri: string;
  /** The tus upload link; when absent, the one Vimeo reports for the video (if any) is used. */
  readonly uploadLink?: string;
  /** When given, `complete` also requires `Upload-Length` to equal it. */
  readonly expectedSizeBytes?: number;
  /**
   * When the upload host holds every byte but Vimeo does not agree yet, how long to wait for it
   * (polled as after an upload, see `verifyTimeoutMs` of the upload options). `0`: read once.
   * @default 0
   */
  readonly verifyTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Checks an upload without sending any byte: HEAD on the upload link, GET on the video. `complete`
 * only when every check that could be made passed: the HEAD (offset == length == the expected
 * size), Vimeo's `upload.size` (the expected size) and `upload.status` (`complete`); `checks` says
 * which. Reads once (no waiting): call it again later if Vimeo has not caught up yet.
 * @example
 * const report = await verifyUpload({ token, videoUri: '/videos/123', expectedSizeBytes: size });
 * if (!report.complete) console.log(`${report.bytesMissing} bytes missing`);
 */
export async function verifyUpload(options: VerifyUploadOptions): Promise<VerifyReport> {
  const client = new VimeoClient({
    token: options.token,
    ...(options.apiUrl !== undefined ? { apiUrl: options.apiUrl } : {}),
  });
  if (options.uploadLink !== undefined) client.protectUploadLink(options.uploadLink);
  let video = await client.getVideo({
    videoUri: options.videoUri,
    fields: [...CONFIRM_FIELDS, 'upload.upload_link'],
    signal: options.signal,
  });
  const uploadLink = options.uploadLink ?? video.upload?.uploadLink;
  let head: { offset: number; length: number } | null = null;
  if (uploadLink) {
    try {
      head = await probeOffsetWithRetries(uploadLink, { signal: options.signal });
    } catch (error) {
      // A dead link after completion is normal on Vimeo; then only the API speaks.
      if (!(error instanceof TusError && error.code === 'E_UPLOAD_LINK_GONE')) throw error;
    }
  }
  const expected = options.expectedSizeBytes;
  const size = expected ?? head?.length ?? video.upload?.size;
  const hostHoldsAll = head === null || (head.offset === head.length && head.length === size);
  if (options.verifyTimeoutMs && size !== undefined && hostHoldsAll) {
    video = await agreedOrLatest(client, options.videoUri, size, options.verifyTimeoutMs, options.signal);
  }
  const statuses = statusesOf(video);
  const api = size === undefined ? { apiSize: false, apiUploadStatus: false } : apiChecks(video, size);
  const headOffsets =
    head !== null && head.offset === head.length && (expected === undefined || head.length === expected);
  const checks: VerifyChecks = { headOffsets, ...api };
  const base = {
    videoUri: options.videoUri,
    link: video.link ?? null,
    ...statuses,
    videoStatus: video.status ?? null,
    uploadSize: video.upload?.size ?? null,
    checks,
  };
  const apiAgrees = api.apiSize && api.apiUploadStatus;
  if (!head) {
    return { ...base, uploadOffset: null, uploadLength: null, bytesMissing: null, complete: apiAgrees };
  }
  const target = expected ?? head.length;
  return {
    ...base,
    uploadOffset: head.offset,
    uploadLength: head.length,
    bytesMissing: Math.max(0, target - head.offset),
    complete: headOffsets && apiAgrees,
  };
}
