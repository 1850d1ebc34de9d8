/**
 * The `quoteUploadIdInErrors` fault: error answers that quote the upload id, bare and inside the
 * URL-encoded upload link, as a server's diagnostics may. A client must redact both forms (not only
 * the literal link) before it shows or logs an error; this fault lets a test prove it does.
 */
import type { SandboxContext } from './context.js';
import { ApiError } from './errors-body.js';
import { currentUpload } from './state-store.js';
import { uploadLinkOf } from './video-view.js';

/** The words appended to an error text that quote `uploadId`. */
function quote(ctx: SandboxContext, uploadId: string): string {
  const link = uploadLinkOf(ctx, { uploadId });
  return `(upload ${uploadId}, ${encodeURIComponent(link)})`;
}

/** `text` of an upload host answer, quoting `uploadId` when the fault is on. */
export function quoteUploadId(ctx: SandboxContext, text: string, uploadId: string | undefined): string {
  if (ctx.faults.faults.quoteUploadIdInErrors !== true || uploadId === undefined) return text;
  return `${text.trimEnd()} ${quote(ctx, uploadId)}\n`;
}

/** An API error about video `videoId`, quoting its current upload id when the fault is on. */
export function quoteVideoUpload(
  ctx: SandboxContext,
  error: ApiError,
  videoId: string | undefined,
): ApiError {
  const video = videoId === undefined ? undefined : ctx.store.findVideo(videoId);
  if (ctx.faults.faults.quoteUploadIdInErrors !== true || video === undefined) return error;
  const words = quote(ctx, currentUpload(video).uploadId);
  const body =
    'developer_message' in error.body
      ? { ...error.body, developer_message: `${error.body.developer_message} ${words}` }
      : { error: `${error.body.error} ${words}` };
  return new ApiError(error.status, body, error.headers, error.contentType);
}
