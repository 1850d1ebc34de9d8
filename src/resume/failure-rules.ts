/**
 * What an error does to a ledger record. The rule:
 *
 * - A record keeps its resumable state (`creating`, `uploading`, `uploaded`) after any error that
 *   leaves the upload continuable: abort, network, stall, server errors, exhausted retries, a dead
 *   link, a lost lock, auth. The error is noted in `errorCode`/`errorMessage`; the next run of the
 *   same command continues the same video.
 * - A record becomes `failed` only when this upload cannot go on: the create call
 *   (`POST /me/videos`) was refused (a 4xx answer proves no video was made), Vimeo failed to
 *   process the complete upload (E_PROCESSING_FAILED), the video is gone from Vimeo, or the upload
 *   was superseded (`newUpload` / `--new`, or a changed file).
 * - A refused version call (`POST /videos/{id}/versions`, a replace or a fresh link) does NOT
 *   fail the record: the video exists and stays this file's; the next run asks for a version of
 *   the same video again. Failing it would make the next run create a second video.
 * - The next run starts a new video only for a failed record without a live video (see
 *   session.ts); a failed record whose video still exists gets a new version of that video.
 * - A processing timeout after verification leaves the record `verified` (the bytes are all there).
 */
import { VimeoTusError } from '../errors.js';
import type { UploadRecord, UploadRecordPatch } from '../ledger/types.js';

/** Record error code: the upload was given up for a newer one of the same file. */
export const SUPERSEDED_CODE = 'E_SUPERSEDED';
/** Record error code: the record's video no longer exists on Vimeo. */
export const VIDEO_GONE_CODE = 'E_VIDEO_GONE';
/**
 * Record error code: a crashed create's placeholder could not be deleted (e.g. the token lacks the
 * `delete` scope). The record names it (so no search takes it for a placeholder again) and the
 * upload went on with a new record and video; the user was told to delete it by hand.
 */
export const PLACEHOLDER_KEPT_CODE = 'E_PLACEHOLDER_KEPT';

/** The error's code and message for the record (never a token or link: errors never carry them). */
export function errorFields(error: unknown): { errorCode: string; errorMessage: string } {
  if (error instanceof VimeoTusError) return { errorCode: error.code, errorMessage: error.message };
  return { errorCode: 'E_UNEXPECTED', errorMessage: error instanceof Error ? error.message : String(error) };
}

/**
 * True when the create (or version) call's answer proves that nothing was created: a 4xx is
 * Vimeo's own refusal. A 5xx (even 503, which may come from an edge in front of Vimeo), a timeout
 * or a reset proves nothing: the record stays `creating` and the next run looks for the video.
 */
export function createRefused(error: unknown): boolean {
  if (!(error instanceof VimeoTusError) || error.status === undefined) return false;
  return error.status >= 400 && error.status < 500;
}

/**
 * Where an upload was when it ended: before the answer of its create call (`create`, a new
 * video), before the answer of its version call (`version`), or after either (`transfer`:
 * sending, verifying, processing).
 */
export type FailureStage = 'create' | 'version' | 'transfer';

/** The patch to write after `error` ended an upload of `record` (as it is now in the ledger) at `stage`. */
export function failurePatch(record: UploadRecord, error: unknown, stage: FailureStage): UploadRecordPatch {
  const fields = errorFields(error);
  if (stage === 'create') return createRefused(error) ? { state: 'failed', ...fields } : fields;
  // A refused version leaves the video as it was: the record stays resumable (never `failed`).
  if (stage === 'version') return fields;
  if (fields.errorCode === 'E_PROCESSING_FAILED') return { state: 'failed', ...fields };
  if (fields.errorCode === 'E_PROCESSING_TIMEOUT') {
    return { state: 'verified', ackedBytes: record.fileSize, ...fields };
  }
  return fields;
}
