/**
 * The reporter contract: what a batch tells whoever shows it (terminal, plain lines, NDJSON).
 */
import { redact, type VimeoTusError } from '../../errors.js';
import type {
  CreatedEvent,
  NoticeEvent,
  RetryEvent,
  UploadProgress,
  UploadResult,
} from '../../upload/types.js';
import type { ExitCodeValue } from '../exit-codes.js';
import type { PlannedFile } from '../files.js';

/**
 * How one file of a batch ended. `skipped`: nothing to upload (an empty file found in a folder);
 * not a failure, and no video was made.
 */
export type FileStatus = 'verified' | 'failed' | 'interrupted' | 'not-started' | 'skipped';

/** A file's error reduced to what may be shown: a stable code and a redacted message. */
export interface ShownError {
  readonly code: string;
  readonly message: string;
}

/** One file's outcome. */
export interface FileOutcome {
  readonly file: PlannedFile;
  readonly status: FileStatus;
  readonly videoUri: string | null;
  readonly link: string | null;
  readonly bytesTotal: number | null;
  readonly bytesAcked: number;
  readonly durationMs: number | null;
  readonly result: UploadResult | null;
  readonly error: ShownError | null;
  /** The kinds of the ledger's notices for this file, in order (e.g. `resumed`, `adopted`). */
  readonly notices: readonly NoticeEvent['kind'][];
  /** True when the video was adopted (a crashed or lost create call's video, taken up). */
  readonly adopted: boolean;
}

/** The end of a batch. */
export interface BatchSummary {
  readonly outcomes: readonly FileOutcome[];
  readonly interrupted: boolean;
  readonly durationMs: number;
  readonly exitCode: ExitCodeValue;
  /** The command to run again to continue (shown when interrupted or failed). */
  readonly resumeHint: string | null;
}

/** Receives a batch's events in order. */
export interface BatchReporter {
  start(files: readonly PlannedFile[], info: { readonly concurrency: number }): void;
  /** The file's upload was handed to the engine. */
  began(file: PlannedFile): void;
  created(file: PlannedFile, event: CreatedEvent): void;
  /** What the ledger decided for this file (resumed, adopted, new version...): told as it happens. */
  notice(file: PlannedFile, event: NoticeEvent): void;
  progress(file: PlannedFile, progress: UploadProgress): void;
  retry(file: PlannedFile, event: RetryEvent): void;
  verified(file: PlannedFile, result: UploadResult): void;
  failed(file: PlannedFile, error: ShownError, status: 'failed' | 'interrupted'): void;
  /** Prints the summary and releases the output (timers, cursor). */
  finish(summary: BatchSummary): void;
}

/** Reduces any thrown value to a code and a message (engine messages are already redacted). */
export function showError(error: unknown, secrets: readonly string[] = []): ShownError {
  const isTus = typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
  const code = isTus ? String((error as VimeoTusError).code) : 'E_UNEXPECTED';
  const message = redact(error instanceof Error ? error.message : String(error), secrets);
  return { code, message };
}
