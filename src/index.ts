/**
 * vimeo-tus: upload videos to Vimeo over tus, resumable across crashes, with progress that
 * separates bytes sent from bytes acknowledged, and a verified end.
 *
 * @example
 * import { uploadVideo } from 'vimeo-tus';
 * const result = await uploadVideo('talk.mp4', { token, video: { name: 'Talk' }, onProgress: console.log });
 * console.log(result.link, result.uploadStatus, result.transcodeStatus);
 */

/** Where vimeo-tus keeps its state (the ledger): `--state-dir`, `VIMEO_TUS_STATE_DIR`, or the platform's. */
export { type ResolveStateDirOptions, resolveStateDir, STATE_DIR_ENV } from './config/state-dir.js';
/** Upload a file as a new video, with events ({@link createUpload}) or as a promise ({@link uploadVideo}). */
export { createUpload, replaceVideo, uploadVideo } from './entry/create-upload.js';
export type { Upload, UploadOptions, UploadVideo } from './entry/types.js';
export * from './errors.js';
/** The ledger: open the SQLite one (or use the in-memory one), for `createUpload`'s `ledger` option. */
export {
  LEDGER_FILE_NAME,
  ledgerPath,
  MemoryLedger,
  type OpenLedgerOptions,
  openLedger,
} from './ledger/index.js';
export type * from './ledger/types.js';
/** An event listener of an upload threw; the upload was stopped (code E_CONFIG, `cause` = the throw). */
export { ListenerError } from './upload/listener-guard.js';
/** Poll Vimeo until a video's upload and transcode statuses are final. */
export {
  type ProcessingStatuses,
  type WaitForProcessingOptions,
  waitForProcessing,
} from './upload/processing.js';
/** Defaults of the upload options. */
export {
  DEFAULT_CHUNK_SIZE_BYTES,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_PROCESSING_TIMEOUT_MS,
  DEFAULT_PROGRESS_INTERVAL_MS,
  DEFAULT_STALL_TIMEOUT_MS,
  MIN_CHUNK_SIZE_BYTES,
} from './upload/resolve-options.js';
export type * from './upload/types.js';
/** Check an upload without sending bytes: HEAD on the upload link, GET on the video. */
export { type VerifyUploadOptions, verifyUpload } from './upload/verify.js';
/** The REST client for api.vimeo.com (create, versions, statuses, list, delete, account). */
export { DEFAULT_API_URL, VIMEO_ACCEPT, VimeoClient, type VimeoClientOptions } from './vimeo/client.js';
/**
 * A create call failed after it may have reached Vimeo and no video it made could be adopted; the
 * HEAD that an adoption checks a candidate with (`VimeoClientOptions.probeUpload`).
 */
export { CreateOutcomeUnknownError, type UploadProbe } from './vimeo/create-recovery.js';
export type { AccountInfo, CreatedVideo, RateLimitInfo, VideoInfo } from './vimeo/types.js';
