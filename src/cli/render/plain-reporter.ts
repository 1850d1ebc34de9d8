/**
 * Output for pipes and CI logs: whole lines only, no control characters, no colour. A file's
 * progress is printed at each phase change and otherwise at most every `intervalMs`.
 */

import type { CreatedEvent } from '../../upload/types.js';
import { formatBytes, formatDuration } from '../size.js';
import { BatchView, type FileView } from './batch-view.js';
import { percent, stripControl } from './format.js';
import { isAdopted } from './notice-text.js';
import type { BatchReporter } from './reporter.js';
import { renderSummary } from './summary-table.js';

/** Options of the plain reporter. */
export interface PlainReporterOptions {
  readonly write: (text: string) => void;
  readonly now: () => number;
  /** @default 5000 */
  readonly intervalMs?: number;
  /** `replace`: the video whose file is replaced. */
  readonly replacing?: string;
}

/** Creates the plain-lines reporter. */
export function createPlainReporter(options: PlainReporterOptions): BatchReporter {
  const intervalMs = options.intervalMs ?? 5000;
  let view: BatchView | undefined;
  const lastPrinted = new Map<string, { atMs: number; phase: string }>();
  const line = (file: FileView, text: string): void => {
    options.write(`${stripControl(`[${file.file.display}] ${text}`)}\n`);
  };
  const progressText = (file: FileView): string => {
    const sent = Math.max(file.bytesAcked, file.sentPosition);
    const eta = file.etaSeconds === null ? '' : `, ETA ${formatDuration(file.etaSeconds)}`;
    return (
      `${file.phase} ${percent(file.bytesAcked, file.bytesTotal)}: ` +
      `acknowledged ${formatBytes(file.bytesAcked)} of ${formatBytes(file.bytesTotal)}, ` +
      `${formatBytes(sent - file.bytesAcked)} in flight, ${formatBytes(file.bytesPerSecond)}/s${eta}`
    );
  };
  return {
    start(files, info) {
      view = new BatchView(files, options.now);
      const bytes = files.reduce((sum, f) => sum + (f.sizeBytes ?? 0), 0);
      // One file: how many may send at once says nothing.
      const what =
        files.length === 1
          ? `1 file (${formatBytes(bytes)})`
          : `${files.length} files (${formatBytes(bytes)}), up to ${Math.min(info.concurrency, files.length)} sending at a time`;
      options.write(`Uploading ${what}.\n`);
    },
    began(file) {
      if (!view) return;
      const entry = view.began(file);
      lastPrinted.set(file.absolutePath, { atMs: options.now(), phase: entry.phase });
      // What happens is said as soon as it is known: here for a replace; otherwise by the ledger's
      // notice (resumed, already verified...) and the created line.
      if (options.replacing !== undefined) line(entry, `replacing the file of ${options.replacing}`);
    },
    created(file, event) {
      if (!view) return;
      const entry = view.created(file, event);
      line(entry, `${createdVerb(event, entry.action, options.replacing)} ${event.videoUri} ${event.link}`);
    },
    notice(file, event) {
      if (!view) return;
      line(view.noticed(file, event.kind), `${event.kind}: ${event.message}`);
    },
    progress(file, progress) {
      if (!view) return;
      const entry = view.progress(file, progress);
      // 'done' is followed by the 'verified' line, 'retrying' by the retry line with its reason,
      // 'creating' by the notice or the created line that say what happens.
      if (progress.phase === 'done' || progress.phase === 'retrying' || progress.phase === 'creating') return;
      const last = lastPrinted.get(file.absolutePath);
      const nowMs = options.now();
      if (!last || last.phase !== entry.phase || nowMs - last.atMs >= intervalMs) {
        lastPrinted.set(file.absolutePath, { atMs: nowMs, phase: entry.phase });
        line(entry, progressText(entry));
      }
    },
    retry(file, event) {
      if (!view) return;
      const entry = view.retry(file, event);
      lastPrinted.set(file.absolutePath, { atMs: options.now(), phase: 'retrying' });
      line(
        entry,
        `retrying in ${(event.delayMs / 1000).toFixed(1)}s (attempt ${event.attempt}): ${event.reason} [${event.code}]`,
      );
    },
    verified(file, result) {
      if (!view) return;
      const entry = view.verified(file, result);
      const how = result.headUnavailable
        ? ` (the upload link was gone at verify time: Vimeo's upload.status ${result.uploadStatus} was trusted)`
        : '';
      line(
        entry,
        `verified: offset ${result.uploadOffset} of ${result.uploadLength}, upload ${result.uploadStatus}, ` +
          `transcode ${result.transcodeStatus}, ${result.link}${how}`,
      );
    },
    failed(file, error, status) {
      if (!view) return;
      const entry = view.failed(file, error, status);
      line(entry, `${status === 'interrupted' ? 'interrupted' : 'failed'}: ${error.code}: ${error.message}`);
    },
    finish(summary) {
      options.write(`\n${stripControlLines(renderSummary(summary, { width: null, color: false }))}\n`);
    },
  };
}

/** The created line's verb: what was done to get an upload target. */
function createdVerb(event: CreatedEvent, action: string | null, replacing: string | undefined): string {
  if (isAdopted(event)) return 'adopted';
  if (action === 'already verified') return 'already verified:';
  if (event.created) return replacing !== undefined ? 'new version of' : 'created video';
  return 'continuing';
}

function stripControlLines(text: string): string {
  return text
    .split('\n')
    .map((l) => stripControl(l))
    .join('\n');
}
