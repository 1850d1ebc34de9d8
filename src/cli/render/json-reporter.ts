/**
 * `--json`: NDJSON on stdout, one event object per line (schema in docs/cli.md). Nothing else is
 * written to stdout in this mode. Progress is thinned to one line per file per `intervalMs`, plus
 * every phase change.
 */
import { ExitCode, type ExitCodeValue, exitCodeForError } from '../exit-codes.js';
import { isAdopted } from './notice-text.js';
import { type BatchReporter, showError } from './reporter.js';

/** Options of the NDJSON reporter. */
export interface JsonReporterOptions {
  readonly write: (text: string) => void;
  readonly now: () => number;
  /** @default 1000 */
  readonly intervalMs?: number;
}

/** Creates the NDJSON reporter. */
export function createJsonReporter(options: JsonReporterOptions): BatchReporter {
  const intervalMs = options.intervalMs ?? 1000;
  const lastProgress = new Map<string, { atMs: number; phase: string }>();
  /** Files whose video was adopted (a crashed or lost create call's video taken up). */
  const adopted = new Set<string>();
  const emit = (event: Record<string, unknown>): void => {
    options.write(`${JSON.stringify({ ...event, time: new Date(options.now()).toISOString() })}\n`);
  };
  return {
    start(files, info) {
      emit({
        type: 'start',
        concurrency: info.concurrency,
        files: files.map((file) => ({ file: file.display, bytesTotal: file.sizeBytes })),
      });
    },
    began(file) {
      lastProgress.set(file.absolutePath, { atMs: options.now(), phase: 'creating' });
      emit({
        type: 'progress',
        file: file.display,
        phase: 'creating',
        bytesSent: 0,
        bytesAcked: 0,
        bytesTotal: file.sizeBytes,
      });
    },
    created(file, event) {
      const wasAdopted = isAdopted(event);
      if (wasAdopted) adopted.add(file.absolutePath);
      emit({
        type: 'created',
        file: file.display,
        video: event.videoUri,
        link: event.link,
        bytesTotal: event.bytesTotal,
        created: event.created,
        ...(wasAdopted ? { adopted: true } : {}),
      });
    },
    notice(file, event) {
      if (event.kind === 'adopted') adopted.add(file.absolutePath);
      emit({
        type: 'notice',
        file: file.display,
        kind: event.kind,
        message: event.message,
        video: event.videoUri ?? null,
      });
    },
    progress(file, progress) {
      const last = lastProgress.get(file.absolutePath);
      const nowMs = options.now();
      if (last && last.phase === progress.phase && nowMs - last.atMs < intervalMs) return;
      lastProgress.set(file.absolutePath, { atMs: nowMs, phase: progress.phase });
      emit({
        type: 'progress',
        file: file.display,
        phase: progress.phase,
        bytesSent: progress.bytesSent,
        bytesAcked: progress.bytesAcked,
        bytesTotal: progress.bytesTotal,
        bytesPerSecond: Math.round(progress.bytesPerSecond),
        rateBasis: progress.rateBasis ?? 'acked',
        sentBytesPerSecond: Math.round(progress.sentBytesPerSecond ?? 0),
        ackedBytesPerSecond: Math.round(progress.ackedBytesPerSecond ?? progress.bytesPerSecond),
        etaSeconds: progress.etaSeconds,
      });
    },
    retry(file, event) {
      emit({
        type: 'retry',
        file: file.display,
        attempt: event.attempt,
        reason: event.reason,
        code: event.code,
        delayMs: event.delayMs,
      });
    },
    verified(file, result) {
      emit({
        type: 'verified',
        file: file.display,
        video: result.videoUri,
        link: result.link,
        uploadOffset: result.uploadOffset,
        uploadLength: result.uploadLength,
        uploadStatus: result.uploadStatus,
        transcodeStatus: result.transcodeStatus,
        bytesSent: result.bytesSent,
        retries: result.retries,
        resumed: result.resumed,
        ...(adopted.has(file.absolutePath) ? { adopted: true } : {}),
        ...(result.headUnavailable ? { headUnavailable: true } : {}),
        checks: result.checks,
        durationMs: result.durationMs,
      });
    },
    failed(file, error, status) {
      emit({
        type: 'error',
        file: file.display,
        code: error.code,
        message: error.message,
        interrupted: status === 'interrupted',
      });
    },
    finish(summary) {
      const count = (status: string): number => summary.outcomes.filter((o) => o.status === status).length;
      emit({
        type: 'summary',
        ok: summary.exitCode === 0,
        exitCode: summary.exitCode,
        interrupted: summary.interrupted,
        total: summary.outcomes.length,
        verified: count('verified'),
        failed: count('failed'),
        notFinished: count('interrupted') + count('not-started'),
        skipped: count('skipped'),
        durationMs: summary.durationMs,
        resumeHint: summary.resumeHint,
        files: summary.outcomes.map((o) => ({
          file: o.file.display,
          status: o.status,
          video: o.videoUri,
          link: o.link,
          bytesTotal: o.bytesTotal,
          bytesAcked: o.bytesAcked,
          durationMs: o.durationMs,
          error: o.error,
          notices: o.notices,
          ...(o.result?.headUnavailable ? { headUnavailable: true } : {}),
        })),
      });
    },
  };
}

/**
 * The end of a `--json` run that has no batch to report: a `start` with no files and the `summary`
 * (`exitCode` 0: nothing to do). Keeps the promise that the summary is always the last line.
 */
export function writeJsonNothingToDo(options: JsonReporterOptions, concurrency: number): void {
  const reporter = createJsonReporter(options);
  reporter.start([], { concurrency });
  reporter.finish({ outcomes: [], interrupted: false, durationMs: 0, exitCode: 0, resumeHint: null });
}

/**
 * The end of a `--json` run stopped by an error before its batch could report (bad input, no
 * token, an unusable ledger, Ctrl-C while starting): an `error` event with `file: null`, then a
 * `summary` with no files whose `exitCode` is the process's. Returns that exit code.
 */
export function writeJsonFatal(
  options: JsonReporterOptions,
  error: unknown,
  secrets: readonly string[],
  startedAtMs: number,
): ExitCodeValue {
  const shown = showError(error, secrets);
  const exitCode = exitCodeForError(error);
  const interrupted = exitCode === ExitCode.Interrupted;
  const time = new Date(options.now()).toISOString();
  options.write(
    `${JSON.stringify({ type: 'error', file: null, code: shown.code, message: shown.message, interrupted, time })}\n`,
  );
  createJsonReporter(options).finish({
    outcomes: [],
    interrupted,
    durationMs: Math.max(0, options.now() - startedAtMs),
    exitCode,
    resumeHint: null,
  });
  return exitCode;
}
