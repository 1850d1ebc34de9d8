/**
 * What an error does to a ledger record. The rule:
 *
 * - A record keeps its resumable state (`creating`, `uploading`, `uploaded`) after any error that
 *   leaves the upload continuable: abort, network, stall, server errors, exhausted retries, a dead
 *   link, a lost lock, auth. The error is noted in `errorCode`/`errorMessage`; the next run of the
 *   same command continues the same video.
 * - A record becomes `failed` only when this upload cannot go on: the create call was refused
 *   (a 4xx answer proves no video was made), Vimeo failed to process the complete
 *   upload (E_PROCESSING_FAILED), the video is gone from Vimeo, or the upload was superseded
 *   (`newUpload` / `--new`, or a changed file). The next run starts a new upload for it.
 * - A processing timeout after verification leaves the record `verified` (the bytes are all there).
 */
import { VimeoTusError } from '../errors.js';
import type { UploadRecord, UploadRecordPatch } from '../ledger/types.js';

/** Record error code: the upload was given up for a newer one of the same file. */
export const SUPERSEDED_CODE = 'E_SUPERSEDED';
/** Record error code: the record's video no longer exists on Vimeo. */
export const VIDEO_GONE_CODE = 'E_VIDEO_GONE';

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
 * The patch to write after `error` ended an upload of `record` (as it is now in the ledger).
 * `createStep` is true when the error came before the create/version call was answered.
 */
export function failurePatch(record: UploadRecord, error: unknown, createStep: boolean): UploadRecordPatch {
  const fields = errorFields(error);
  if (createStep) {
    return createRefused(error) ? { state: 'failed', ...fields } : fields;
  }
  if (fields.errorCode === 'E_PROCESSING_FAILED') return { state: 'failed', ...fields };
  if (fields.errorCode === 'E_PROCESSING_TIMEOUT') {
    return { state: 'verified', ackedBytes: record.fileSize, ...fields };
  }
  return fields;
}
