/**
 * Upload and transcode status of an upload, derived from timestamps at read time (so they survive
 * restarts without timers): bytes complete → after `uploadCompleteDelayMs` upload complete (or the
 * outcome's error) → after `transcodeDelayMs` more, transcode final.
 */
import type { ResolvedRuntimeOptions } from './context.js';
import type { UploadRecord } from './state-store.js';
import type { SandboxStatus, VideoOutcome, VideoStatus } from './types.js';

/** Statuses of one upload at `nowMs`. */
export interface UploadStatuses {
  readonly upload: SandboxStatus;
  readonly transcode: SandboxStatus;
  /** The deprecated top-level `status` of the video. */
  readonly video: VideoStatus;
}

/**
 * Compute the statuses of `upload` at `nowMs`. Until every byte has arrived and
 * `uploadCompleteDelayMs` passed (`Infinity`: never), all is in progress. Then the video's outcome
 * decides: `available` / `transcoding_error` go through `transcoding` for `transcodeDelayMs`;
 * `uploading_error` sets `upload.status: error`; `quota_exceeded` and `total_cap_exceeded` keep
 * `upload.status: complete` and never transcode.
 */
export function uploadStatuses(
  upload: UploadRecord,
  options: ResolvedRuntimeOptions,
  nowMs: number,
): UploadStatuses {
  const done = upload.bytesCompleteAtMs;
  if (done === null || !(nowMs >= done + options.uploadCompleteDelayMs)) {
    return { upload: 'in_progress', transcode: 'in_progress', video: 'uploading' };
  }
  const outcome = videoOutcomeOf(options);
  if (outcome === 'uploading_error') {
    return { upload: 'error', transcode: 'in_progress', video: outcome };
  }
  if (outcome === 'quota_exceeded' || outcome === 'total_cap_exceeded') {
    return { upload: 'complete', transcode: 'in_progress', video: outcome };
  }
  if (nowMs < done + options.uploadCompleteDelayMs + options.transcodeDelayMs) {
    return { upload: 'complete', transcode: 'in_progress', video: 'transcoding' };
  }
  return outcome === 'available'
    ? { upload: 'complete', transcode: 'complete', video: 'available' }
    : { upload: 'complete', transcode: 'error', video: 'transcoding_error' };
}

/** The outcome in force: `videoOutcome`, else `transcodeOutcome: 'error'` as `transcoding_error`. */
function videoOutcomeOf(options: ResolvedRuntimeOptions): VideoOutcome {
  if (options.videoOutcome !== 'available') return options.videoOutcome;
  return options.transcodeOutcome === 'error' ? 'transcoding_error' : 'available';
}

/** Whether the upload link of `upload` is past its TTL at `nowMs`. */
export function linkExpired(upload: UploadRecord, linkTtlMs: number | undefined, nowMs: number): boolean {
  return linkTtlMs !== undefined && nowMs >= upload.issuedAtMs + linkTtlMs;
}
