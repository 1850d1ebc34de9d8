/**
 * What a worker does with an upload that failed: give the job up at once (a permanent failure:
 * retrying cannot help), pause the whole queue (the account's rate limit), or let BullMQ retry it
 * with backoff (anything else: the network, a 5xx, Redis, another worker still holding the file).
 */
import { VimeoTusError } from '../errors.js';

/** Failures no retry can mend: the source is gone or changed, the token or the account refuses. */
const PERMANENT_CODES: ReadonlySet<string> = new Set([
  'E_CONFIG',
  'E_FILE_NOT_FOUND',
  'E_FILE_NOT_REGULAR',
  'E_FILE_EMPTY',
  'E_FILE_CHANGED',
  'E_FILE_MODIFIED_SINCE_LEDGER',
  'E_AUTH',
  'E_QUOTA',
  'E_NOT_TUS',
  'E_PROCESSING_FAILED',
]);

/** How long the queue pauses after a 429 that named no reset time. */
export const DEFAULT_RATE_LIMIT_PAUSE_MS = 60_000;

/** What to do with a failed job. */
export type FailureVerdict =
  | { readonly kind: 'permanent'; readonly code: string; readonly message: string }
  | { readonly kind: 'rate-limited'; readonly pauseMs: number }
  | { readonly kind: 'transient'; readonly code: string; readonly message: string };

/** Classifies the error an upload ended with. */
export function classifyFailure(error: unknown): FailureVerdict {
  if (!(error instanceof VimeoTusError)) {
    return { kind: 'transient', code: 'E_UNEXPECTED', message: messageOf(error) };
  }
  const { code, message } = error;
  if (code === 'E_RATE_LIMITED') {
    return { kind: 'rate-limited', pauseMs: error.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS };
  }
  if (PERMANENT_CODES.has(code)) return { kind: 'permanent', code, message };
  // An API refusal of the request itself (bad parameters, a folder that does not exist) stays one.
  const status = error.status;
  if (code === 'E_VIMEO_API' && status !== undefined && status >= 400 && status < 500 && status !== 408) {
    return { kind: 'permanent', code, message };
  }
  return { kind: 'transient', code, message };
}

/** `[E_CODE] message`: how a failure is stored as the job's reason (never a secret: messages are redacted). */
export function failureReason(code: string, message: string): string {
  return `[${code}] ${message}`;
}

/** The code of a stored failure reason, if it has one. */
export function codeOfReason(reason: string | undefined): string | undefined {
  return /^\[(E_[A-Z_]+)\]/.exec(reason ?? '')?.[1];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
