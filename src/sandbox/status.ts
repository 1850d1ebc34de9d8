/**
 * Upload and transcode status of an upload, derived from timestamps at read time (so they survive
 * restarts without timers): bytes complete → after `uploadCompleteDelayMs` upload complete → after
 * `transcodeDelayMs` more, transcode final.
 */
import type { ResolvedRuntimeOptions } from './context.js';
import type { UploadRecord } from './state-store.js';
import type { SandboxStatus } from './types.js';

/** Statuses of one upload at `nowMs`. */
export interface UploadStatuses {
  readonly upload: SandboxStatus;
  readonly transcode: SandboxStatus;
  /** The deprecated top-level `status` of the video. */
  readonly video: 'uploading' | 'transcoding' | 'available' | 'transcoding_error';
}

/** Compute the statuses of `upload` at `nowMs`. */
export function uploadStatuses(
  upload: UploadRecord,
  options: ResolvedRuntimeOptions,
  nowMs: number,
): UploadStatuses {
  const done = upload.bytesCompleteAtMs;
  if (done === null || nowMs < done + options.uploadCompleteDelayMs) {
    return { upload: 'in_progress', transcode: 'in_progress', video: 'uploading' };
  }
  if (nowMs < done + options.uploadCompleteDelayMs + options.transcodeDelayMs) {
    return { upload: 'complete', transcode: 'in_progress', video: 'transcoding' };
  }
  return options.transcodeOutcome === 'complete'
    ? { upload: 'complete', transcode: 'complete', video: 'available' }
    : { upload: 'complete', transcode: 'error', video: 'transcoding_error' };
}

/** Whether the upload link of `upload` is past its TTL at `nowMs`. */
export function linkExpired(upload: UploadRecord, linkTtlMs: number | undefined, nowMs: number): boolean {
  return linkTtlMs !== undefined && nowMs >= upload.issuedAtMs + linkTtlMs;
}
