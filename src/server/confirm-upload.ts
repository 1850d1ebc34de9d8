/**
 * The server's check that a browser's upload is complete, so the app records success without
 * trusting the page: the project's one verification (`verifyUpload`: HEAD on the upload link and
 * what Vimeo says of the video), with the size the server itself issued the ticket for.
 */
import { ConfigError, VerificationError } from '../errors.js';
import { DEFAULT_VERIFY_TIMEOUT_MS } from '../upload/confirm.js';
import type { VerifyReport } from '../upload/types.js';
import { verifyUpload } from '../upload/verify.js';

/** Options of {@link confirmUpload}. */
export interface ConfirmUploadOptions {
  readonly token: string;
  /** The video the ticket was issued for (`/videos/123`). */
  readonly videoUri: string;
  /** The size the ticket was issued for: the upload must hold exactly this many bytes. */
  readonly size: number;
  /** @default 'https://api.vimeo.com' */
  readonly apiUrl?: string;
  /**
   * When the upload host holds every byte, how long Vimeo may take to agree (`upload.size`,
   * `upload.status` complete: it flips a moment after the last byte). @default 120_000
   */
  readonly verifyTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Confirm that the video's upload holds every byte of a file of `size` bytes.
 * @returns the verification report (`complete` is true).
 * @throws VerificationError E_VERIFY_FAILED when the upload is not complete (bytes missing, another
 *   size, or Vimeo reports an error), E_VERIFY_UNCONFIRMED when the upload host holds every byte but
 *   Vimeo does not agree within `verifyTimeoutMs`; the errors of the API calls (VimeoApiError...).
 * @example
 * const report = await confirmUpload({ token, videoUri: ticket.videoUri, size: ticket.size });
 * await db.markUploaded(report.videoUri, report.link);
 */
export async function confirmUpload(options: ConfirmUploadOptions): Promise<VerifyReport> {
  if (!Number.isSafeInteger(options.size) || options.size <= 0) {
    throw new ConfigError(`size must be a whole number of bytes above 0 (got ${options.size})`);
  }
  const report = await verifyUpload({
    token: options.token,
    videoUri: options.videoUri,
    expectedSizeBytes: options.size,
    verifyTimeoutMs: options.verifyTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
    ...(options.apiUrl === undefined ? {} : { apiUrl: options.apiUrl }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (!report.complete && report.checks.headOffsets) {
    throw new VerificationError(
      'E_VERIFY_UNCONFIRMED',
      `The upload host holds every byte of ${report.videoUri}, but Vimeo does not confirm them: ` +
        `upload.size ${report.uploadSize ?? 'missing'} (the file has ${options.size}), upload.status ` +
        `"${report.uploadStatus}", status "${report.videoStatus ?? 'missing'}". Not verified.`,
      { videoUri: report.videoUri },
    );
  }
  if (!report.complete) {
    const held =
      report.uploadOffset === null
        ? `Vimeo reports upload.status "${report.uploadStatus}"`
        : `the upload host holds ${report.uploadOffset} of ${report.uploadLength} bytes`;
    throw new VerificationError(
      'E_VERIFY_FAILED',
      `The upload of ${report.videoUri} is not complete for a file of ${options.size} bytes: ${held}`,
      { videoUri: report.videoUri },
    );
  }
  return report;
}
