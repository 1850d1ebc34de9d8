/**
 * vimeo-tus: upload videos to Vimeo over tus, resumable across crashes, with progress that
 * separates bytes sent from bytes acknowledged, and a verified end. docs/api.md describes every
 * name exported here; the list is checked by test/package/exports.test.ts.
 *
 * @example
 * import { uploadVideo } from 'vimeo-tus';
 * const result = await uploadVideo('talk.mp4', { token, video: { name: 'Talk' }, onProgress: console.log });
 * console.log(result.link, result.uploadStatus, result.transcodeStatus);
 */

// 20 runtime names, each with its JSDoc; the rest are types. Adding a runtime name is an API
// change: review it in test/package/exports.test.ts and describe it in docs/api.md.

/**
 * Upload a file as a new video (or a new version of one, or the rest of an earlier upload): with
 * events and a `done` promise ({@link createUpload}), or as a promise ({@link uploadVideo},
 * {@link replaceVideo}). `ledger: true` records the upload so that a rerun continues it.
 */
export { createUpload, replaceVideo, uploadVideo } from './entry/create-upload.js';
export type { Upload, UploadOptions, UploadVideo } from './entry/types.js';
export type {
  ConfigErrorCode,
  CreateOutcomeUnknownError,
  ErrorCode,
  FileErrorCode,
  InvalidParameter,
  LedgerErrorCode,
  ListenerError,
  NetworkErrorCode,
  RequestSummary,
  TusErrorCode,
  VerificationErrorCode,
  VimeoApiErrorCode,
} from './errors.js';
/**
 * The errors, by where they come from. Every one is a {@link VimeoTusError} with a stable `code`
 * (docs/errors.md); match on the code. Two rarer conditions have a class of their own, exported
 * as types below: `ListenerError` (`E_LISTENER`) and `CreateOutcomeUnknownError`
 * (`E_CREATE_OUTCOME_UNKNOWN`).
 */
export {
  AbortError,
  ConfigError,
  FileError,
  LedgerError,
  NetworkError,
  TusError,
  VerificationError,
  VimeoApiError,
  VimeoTusError,
} from './errors.js';
/** A ledger in memory (nothing survives the process): for tests of code that uses a `Ledger`. */
export { MemoryLedger } from './ledger/memory-ledger.js';
/** Opens the SQLite ledger in a file, to share one between many uploads (`createUpload`'s `ledger`). */
export { type OpenLedgerOptions, openLedger } from './ledger/open-ledger.js';
export type {
  Ledger,
  LockInfo,
  LockOwner,
  NewUploadRecord,
  UploadKey,
  UploadRecord,
  UploadRecordPatch,
  UploadState,
} from './ledger/types.js';
export type { ConfirmUploadOptions } from './server/confirm-upload.js';
/**
 * Server side of a browser upload (`vimeo-tus/browser`): confirm on the server that the upload the
 * page reports is complete, with the project's one verification.
 */
export { confirmUpload } from './server/confirm-upload.js';
export type { TicketBody, TicketHandler, TicketHandlerOptions } from './server/ticket-handler.js';
/**
 * The endpoint a page asks for upload links: a web-standard `(Request) => Promise<Response>`
 * handler (with `.node` for node:http and Express) that checks the body and calls your `authorize`.
 */
export { createTicketHandler } from './server/ticket-handler.js';
export type { CreateUploadTicketOptions, UploadTicket } from './server/upload-ticket.js';
/** Create a video (or a new version of one) for a browser to upload to; returns its upload link, no secret. */
export { createUploadTicket } from './server/upload-ticket.js';
export type { UploadInput } from './sources/open-source.js';
export type { StreamInput } from './sources/stream-source.js';
export type { ProcessingStatuses, WaitForProcessingOptions } from './upload/processing.js';
/** Poll Vimeo until a video's upload and transcode statuses are final. */
export { waitForProcessing } from './upload/processing.js';
export type {
  CreatedEvent,
  NoticeEvent,
  NoticeKind,
  ProcessingWaitOptions,
  ResumeTarget,
  RetryEvent,
  RetryPolicy,
  UploadEvents,
  UploadPhase,
  UploadProgress,
  UploadResult,
  UploadSettings,
  VerifyReport,
  VideoFields,
  VimeoStatus,
} from './upload/types.js';
export type { VerifyUploadOptions } from './upload/verify.js';
/** Check an upload without sending bytes: HEAD on the upload link, GET on the video. */
export { verifyUpload } from './upload/verify.js';
export type { VimeoClientOptions } from './vimeo/client.js';
/** The REST client for api.vimeo.com: create, versions, get, edit, list, delete, account, any call. */
export { VimeoClient } from './vimeo/client.js';
export type { UploadProbe } from './vimeo/create-recovery.js';
export type {
  AccountInfo,
  ApiMethod,
  CallOptions,
  CreatedVideo,
  CreateVersionOptions,
  CreateVideoOptions,
  DeleteVideoOptions,
  EditVideoOptions,
  GetVideoOptions,
  ListVideosOptions,
  RateLimitInfo,
  RequestOptions,
  VideoInfo,
} from './vimeo/types.js';
