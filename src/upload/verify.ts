/**
 * Completeness checks: the server holds every byte (HEAD), and what Vimeo says about the video.
 */

import { TusError, VerificationError } from '../errors.js';
import { probeOffsetWithRetries } from '../tus/probe-offset.js';
import { VimeoClient } from '../vimeo/client.js';
import type { VideoInfo } from '../vimeo/types.js';
import type { RetryEvent, RetryPolicy, VerifyReport, VimeoStatus } from './types.js';

/** The fields the verify and processing steps read. */
export const STATUS_FIELDS = ['uri', 'link', 'upload.status', 'transcode.status'] as const;

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
}

interface StepOptions {
  readonly signal?: AbortSignal | undefined;
  readonly retry?: RetryPolicy | undefined;
  readonly stallTimeoutMs?: number | undefined;
  readonly onRetry?: (e: RetryEvent) => void;
}

/**
 * After the last PATCH: HEAD must report `Upload-Offset == Upload-Length == sizeBytes`
 * (VerificationError E_VERIFY_FAILED otherwise), then Vimeo's statuses are read.
 */
export async function verifyTransfer(
  client: VimeoClient,
  target: { readonly videoUri: string; readonly uploadLink: string; readonly link: string },
  sizeBytes: number,
  options: StepOptions,
  lastReported?: { readonly uploadOffset: number; readonly uploadLength: number },
): Promise<VerifiedTransfer> {
  let head: { offset: number; length: number };
  try {
    head = await probeOffsetWithRetries(target.uploadLink, options);
  } catch (error) {
    const reportedAll =
      lastReported !== undefined &&
      lastReported.uploadOffset === sizeBytes &&
      lastReported.uploadLength === sizeBytes;
    if (!(reportedAll && error instanceof TusError && error.code === 'E_UPLOAD_LINK_GONE')) throw error;
    // Vimeo may drop a link once its upload is complete: then its own status has the last word.
    return verifyWithoutHead(client, target, lastReported, options);
  }
  if (head.offset !== head.length || head.length !== sizeBytes) {
    throw new VerificationError(
      'E_VERIFY_FAILED',
      `The upload host holds ${head.offset} of ${head.length} bytes, but the file has ${sizeBytes}: ` +
        'the upload is not complete',
    );
  }
  const video = await client.getVideo({
    videoUri: target.videoUri,
    fields: STATUS_FIELDS,
    signal: options.signal,
  });
  return {
    uploadOffset: head.offset,
    uploadLength: head.length,
    link: video.link ?? target.link,
    ...statusesOf(video),
    headUnavailable: false,
  };
}

async function verifyWithoutHead(
  client: VimeoClient,
  target: { readonly videoUri: string; readonly link: string },
  lastReported: { readonly uploadOffset: number; readonly uploadLength: number },
  options: StepOptions,
): Promise<VerifiedTransfer> {
  const video = await client.getVideo({
    videoUri: target.videoUri,
    fields: STATUS_FIELDS,
    signal: options.signal,
  });
  const statuses = statusesOf(video);
  if (statuses.uploadStatus === 'error') {
    throw new VerificationError(
      'E_VERIFY_FAILED',
      'The upload link is gone after the last PATCH reported every byte, and Vimeo reports upload.status ' +
        '"error": the upload did not complete',
    );
  }
  return {
    uploadOffset: lastReported.uploadOffset,
    uploadLength: lastReported.uploadLength,
    link: video.link ?? target.link,
    ...statuses,
    headUnavailable: true,
  };
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
  readonly signal?: AbortSignal;
}

/**
 * Checks an upload without sending any byte: HEAD on the upload link, GET on the video.
 * @example
 * const report = await verifyUpload({ token, videoUri: '/videos/123', expectedSizeBytes: size });
 * if (!report.complete) console.log(`${report.bytesMissing} bytes missing`);
 */
export async function verifyUpload(options: VerifyUploadOptions): Promise<VerifyReport> {
  const client = new VimeoClient({
    token: options.token,
    ...(options.apiUrl !== undefined ? { apiUrl: options.apiUrl } : {}),
  });
  const video = await client.getVideo({
    videoUri: options.videoUri,
    fields: ['uri', 'link', 'upload.status', 'upload.upload_link', 'transcode.status'],
    signal: options.signal,
  });
  const statuses = statusesOf(video);
  const uploadLink = options.uploadLink ?? video.upload?.uploadLink;
  let head: { offset: number; length: number } | null = null;
  if (uploadLink) {
    try {
      head = await probeOffsetWithRetries(uploadLink, { signal: options.signal });
    } catch (error) {
      // A dead link after completion is normal on Vimeo; then only the statuses speak.
      if (!(error instanceof TusError && error.code === 'E_UPLOAD_LINK_GONE')) throw error;
    }
  }
  const expected = options.expectedSizeBytes;
  const base = { videoUri: options.videoUri, link: video.link ?? null, ...statuses };
  if (!head) {
    return {
      ...base,
      uploadOffset: null,
      uploadLength: null,
      bytesMissing: null,
      complete: statuses.uploadStatus === 'complete',
    };
  }
  const target = expected ?? head.length;
  return {
    ...base,
    uploadOffset: head.offset,
    uploadLength: head.length,
    bytesMissing: Math.max(0, target - head.offset),
    complete: head.offset === head.length && (expected === undefined || head.length === expected),
  };
}
