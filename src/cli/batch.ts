/**
 * Runs the uploads of a batch in its places (../upload/places.ts), feeds their events to a
 * reporter, and collects one outcome per file. Never throws for a file's failure: that is an
 * outcome.
 */
import { stat } from 'node:fs/promises';
import type { UploadOptions } from '../entry/types.js';
import { AbortError, FileError, VimeoTusError } from '../errors.js';
import { leavesPlace, runInPlaces } from '../upload/places.js';
import type { NoticeEvent, UploadResult, VideoFields } from '../upload/types.js';
import { ExitCode, exitCodeForBatch } from './exit-codes.js';
import type { PlannedFile } from './files.js';
import type { StartUpload } from './io.js';
import { isAdopted } from './render/notice-text.js';
import {
  type BatchReporter,
  type BatchSummary,
  type FileOutcome,
  type ShownError,
  showError,
} from './render/reporter.js';

/** What a batch needs. */
export interface BatchParams {
  readonly files: readonly PlannedFile[];
  readonly start: StartUpload;
  /** Upload options shared by every file (signal and video are set per file). */
  readonly options: Omit<UploadOptions, 'signal' | 'video'>;
  /** The create-body fields of one file. */
  readonly videoFor: (file: PlannedFile) => VideoFields | undefined;
  readonly concurrency: number;
  /** The user's stop (Ctrl-C). */
  readonly signal: AbortSignal;
  readonly reporter: BatchReporter;
  readonly now: () => number;
  /** Strings that must never be shown (the token). */
  readonly secrets: readonly string[];
  /**
   * What to tell the user to continue after an interruption or failure; a function when it depends
   * on the outcomes (without a ledger: which unfinished videos a rerun would not continue).
   */
  readonly resumeHint: string | ((outcomes: readonly FileOutcome[]) => string);
  /** What to tell the user when the token was rejected (how to create one). */
  readonly authHint: string;
}

/** Runs the batch to the end (or to the interruption) and reports the summary. */
export async function runBatch(params: BatchParams): Promise<BatchSummary> {
  const { files, reporter } = params;
  const startedAtMs = params.now();
  // Our own controller: the user's signal stops everything; an auth failure stops the rest too.
  const controller = new AbortController();
  const onUserAbort = (): void => controller.abort(params.signal.reason);
  if (params.signal.aborted) onUserAbort();
  else params.signal.addEventListener('abort', onUserAbort, { once: true });
  // A file with nothing to upload (an empty file found in a folder) is skipped: no video, no
  // upload, its own line in the summary, and it does not count against exit code 0.
  const outcomes: (FileOutcome | undefined)[] = files.map((file) =>
    file.skip === undefined ? undefined : skippedOutcome(file),
  );
  const toUpload = files.filter((file) => file.skip === undefined);
  reporter.start(toUpload, { concurrency: params.concurrency });

  const indices = files.flatMap((file, index) => (file.skip === undefined ? [index] : []));
  try {
    await runInPlaces(indices, params.concurrency, controller.signal, (index, sent) =>
      uploadOne(files[index] as PlannedFile, params, controller.signal, sent).then(
        (outcome) => {
          outcomes[index] = outcome;
          if (outcome.error?.code === 'E_AUTH')
            controller.abort(new AbortError('stopped: the token was rejected'));
        },
        (error: unknown) => {
          // A bug, not a file's failure: the other uploads stop too, and runInPlaces throws it.
          controller.abort(error);
          throw error;
        },
      ),
    );
  } finally {
    params.signal.removeEventListener('abort', onUserAbort);
  }

  const finalOutcomes = outcomes.map(
    (outcome, index): FileOutcome =>
      outcome ?? {
        file: files[index] as PlannedFile,
        status: 'not-started',
        videoUri: null,
        link: null,
        bytesTotal: files[index]?.sizeBytes ?? null,
        bytesAcked: 0,
        durationMs: null,
        result: null,
        error: null,
        notices: [],
        adopted: false,
      },
  );
  const interrupted = params.signal.aborted;
  const failedErrors = finalOutcomes.filter((o) => o.status === 'failed').map((o) => errorForExit(o));
  const exitCode = exitCodeForBatch({
    total: finalOutcomes.filter((o) => o.status !== 'skipped').length,
    verified: finalOutcomes.filter((o) => o.status === 'verified').length,
    interrupted,
    errors: failedErrors,
  });
  const summary: BatchSummary = {
    outcomes: finalOutcomes,
    interrupted,
    durationMs: params.now() - startedAtMs,
    exitCode,
    resumeHint: hintFor(exitCode, params, finalOutcomes),
  };
  reporter.finish(summary);
  return summary;
}

function skippedOutcome(file: PlannedFile): FileOutcome {
  return {
    file,
    status: 'skipped',
    videoUri: null,
    link: null,
    bytesTotal: file.sizeBytes,
    bytesAcked: 0,
    durationMs: null,
    result: null,
    error: { code: 'E_FILE_EMPTY', message: 'empty file: nothing to upload' },
    notices: [],
    adopted: false,
  };
}

async function uploadOne(
  file: PlannedFile,
  params: BatchParams,
  signal: AbortSignal,
  sent: () => void,
): Promise<FileOutcome> {
  const { reporter } = params;
  const startedAtMs = params.now();
  let videoUri: string | null = null;
  let link: string | null = null;
  let bytesTotal = file.sizeBytes;
  let bytesAcked = 0;
  if (file.sizeBytes === null) {
    const shown = showError(await missingFileError(file));
    reporter.failed(file, shown, 'failed');
    return {
      file,
      status: 'failed',
      videoUri: null,
      link: null,
      bytesTotal: null,
      bytesAcked: 0,
      durationMs: null,
      result: null,
      error: shown,
      notices: [],
      adopted: false,
    };
  }
  const notices: NoticeEvent['kind'][] = [];
  let adopted = false;
  reporter.began(file);
  try {
    const video = params.videoFor(file);
    const upload = params.start(file.absolutePath, {
      ...params.options,
      signal,
      ...(video ? { video } : {}),
    });
    upload.on('created', (event) => {
      videoUri = event.videoUri;
      link = event.link;
      bytesTotal = event.bytesTotal;
      adopted ||= isAdopted(event);
      reporter.created(file, event);
    });
    upload.on('progress', (progress) => {
      if (leavesPlace(progress.phase)) sent();
      bytesAcked = Math.max(bytesAcked, progress.bytesAcked);
      reporter.progress(file, progress);
    });
    upload.on('retry', (event) => reporter.retry(file, event));
    upload.on('notice', (event) => {
      notices.push(event.kind);
      adopted ||= event.kind === 'adopted';
      reporter.notice(file, event);
    });
    // The promise carries the failure; a listener keeps an EventEmitter's 'error' from throwing.
    upload.on('error', () => {});
    const result: UploadResult = await upload.done;
    reporter.verified(file, result);
    return {
      file,
      status: 'verified',
      videoUri: result.videoUri,
      link: result.link,
      bytesTotal: result.bytesTotal,
      bytesAcked: result.uploadOffset,
      durationMs: params.now() - startedAtMs,
      result,
      error: null,
      notices,
      adopted,
    };
  } catch (error) {
    const shown = withAdvice(showError(error, params.secrets));
    const interrupted = signal.aborted && (shown.code === 'E_ABORTED' || params.signal.aborted);
    const status = interrupted ? 'interrupted' : 'failed';
    reporter.failed(file, shown, status);
    return {
      file,
      status,
      videoUri,
      link,
      bytesTotal,
      bytesAcked,
      durationMs: params.now() - startedAtMs,
      result: null,
      error: shown,
      notices,
      adopted,
    };
  }
}

function hintFor(exitCode: number, params: BatchParams, outcomes: readonly FileOutcome[]): string | null {
  switch (exitCode) {
    case ExitCode.Ok:
    case ExitCode.Usage:
    case ExitCode.Quota:
      return null;
    case ExitCode.Auth:
      return params.authHint;
    case ExitCode.Locked:
      return LOCKED_HINT;
    default:
      return typeof params.resumeHint === 'string' ? params.resumeHint : params.resumeHint(outcomes);
  }
}

/** Why a planned file could not be read: missing, or not a regular file. */
export async function missingFileError(file: PlannedFile): Promise<FileError> {
  const info = await stat(file.absolutePath).catch(() => undefined);
  if (!info) return new FileError('E_FILE_NOT_FOUND', file.display, `No such file: ${file.display}`);
  return new FileError('E_FILE_NOT_REGULAR', file.display, `Not a regular file: ${file.display}`);
}

/** What to do when another process holds a file's upload lock. */
export const LOCKED_HINT =
  'Another vimeo-tus process is uploading the same file: wait for it to finish (`vimeo-tus list` shows ' +
  'its progress), then run the same command again to check it (nothing is sent twice).';

/** Adds what to do to the errors whose engine message does not say it in CLI terms. */
function withAdvice(shown: ShownError): ShownError {
  if (shown.code !== 'E_UPLOAD_LOCKED') return shown;
  return {
    code: shown.code,
    message: `${shown.message} Wait for the other process to finish, or check \`vimeo-tus list\`.`,
  };
}

/** Rebuilds an error object from an outcome, for the exit-code mapping. */
function errorForExit(outcome: FileOutcome): VimeoTusError | Error {
  const code = outcome.error?.code;
  if (code?.startsWith('E_') && code !== 'E_UNEXPECTED') {
    return new VimeoTusError(code as VimeoTusError['code'], outcome.error?.message ?? '');
  }
  return new Error(outcome.error?.message ?? 'unknown error');
}
