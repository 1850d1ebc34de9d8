/**
 * vimeo-tus/browser: upload a `File` from the page straight to Vimeo's upload host, with an upload
 * link from your own server (the token stays there). Built into one self-contained ES module
 * (dist/browser.js, no imports), so it loads with `<script type="module">` from any static
 * server as well as through a bundler. docs/browser.md shows the integration.
 *
 * @example
 * import { uploadFile } from 'vimeo-tus/browser';
 * const upload = uploadFile(file, { ticket: (request) => postJson('/upload-ticket', request) });
 * upload.on('progress', (p) => render(p.bytesSent, p.bytesAcked, p.bytesTotal));
 * const { videoUri } = await upload.done;
 */

export type { RetryEvent, RetryPolicy } from '../core/retry.js';
export type { ErrorCode } from '../errors.js';
/** The errors an upload ends with; match on `code` (docs/errors.md). */
export {
  AbortError,
  ConfigError,
  FileError,
  ListenerError,
  NetworkError,
  TusError,
  VerificationError,
  VimeoTusError,
} from '../errors.js';
export type { ResumeStorage } from './resume-store.js';
export type {
  BrowserProgress,
  BrowserUpload,
  Ticket,
  TicketRequest,
  UploadFileEvents,
  UploadFileOptions,
  UploadFileResult,
} from './types.js';
/** Upload a File or Blob; see {@link UploadFileOptions}. */
export { uploadFile } from './upload-file.js';
