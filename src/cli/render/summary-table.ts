/**
 * The table printed at the end of a batch (terminal and plain output): file, video link, size,
 * time, and "verified" or the error; then one line of totals and, when needed, how to resume.
 */
import { formatBytes, formatDuration } from '../size.js';
import { fitPath, padCell, palette, stripControl, truncate } from './format.js';
import { verifiedQualifiers } from './notice-text.js';
import type { BatchSummary, FileOutcome } from './reporter.js';

/** Options of the summary text. */
export interface SummaryOptions {
  /** Terminal width; null for plain output (no cutting except of very long errors). */
  readonly width: number | null;
  readonly color: boolean;
}

/** Renders the summary table and its footer. */
export function renderSummary(summary: BatchSummary, options: SummaryOptions): string {
  const colors = palette(options.color);
  const rows = summary.outcomes.map((outcome) => ({
    file: outcome.file.display,
    video: outcome.link ?? outcome.videoUri ?? '-',
    size: outcome.bytesTotal === null ? '-' : formatBytes(outcome.bytesTotal),
    time: outcome.durationMs === null ? '-' : formatDuration(outcome.durationMs / 1000),
    result: resultText(outcome),
    ok: outcome.status === 'verified',
  }));
  const header = { file: 'FILE', video: 'VIDEO', size: 'SIZE', time: 'TIME', result: 'RESULT' };
  const width = options.width === null ? null : Math.max(40, options.width) - 1;
  const sizeW = Math.max(header.size.length, ...rows.map((r) => r.size.length));
  const timeW = Math.max(header.time.length, ...rows.map((r) => r.time.length));
  let fileW = Math.max(header.file.length, ...rows.map((r) => [...r.file].length));
  let videoW = Math.max(header.video.length, ...rows.map((r) => r.video.length));
  let resultW = Math.max(header.result.length, ...rows.map((r) => [...r.result].length));
  if (width !== null) {
    // Size and time keep their width. Give way in this order: the file column down to its longest
    // file name (at most 24; paths fall back to names), the result to 15, the file to 16 then 8 (names
    // lose their start), the result to 10, and last the video link (the thing people copy).
    const budget = width - sizeW - timeW - 8;
    const w = { file: fileW, video: videoW, result: resultW };
    const longestName = Math.max(
      header.file.length,
      ...rows.map((r) => [...(r.file.split(/[\\/]/).pop() ?? '')].length),
    );
    const stages: [keyof typeof w, number][] = [
      ['file', Math.min(24, longestName)],
      ['result', 15],
      ['file', 16],
      ['file', 8],
      ['result', 10],
      ['video', 8],
    ];
    for (const [key, minimum] of stages) {
      const excess = w.file + w.video + w.result - budget;
      if (excess <= 0) break;
      w[key] = Math.max(Math.min(w[key], minimum), w[key] - excess);
    }
    ({ file: fileW, video: videoW, result: resultW } = w);
  } else {
    resultW = Math.min(resultW, 200);
  }
  const line = (r: typeof header, mark: (text: string) => string = (t) => t): string =>
    [
      fitPath(r.file, fileW),
      padCell(r.video, videoW),
      padCell(r.size, sizeW, 'right'),
      padCell(r.time, timeW, 'right'),
      mark(truncate(r.result, resultW)),
    ]
      .join('  ')
      .trimEnd();
  const out = [colors.bold(line(header))];
  for (const row of rows) out.push(line(row, row.ok ? colors.ok : colors.bad));
  // In a terminal, long errors were cut to the table: print them whole below it.
  const cut =
    width === null
      ? []
      : summary.outcomes.filter((o) => o.status === 'failed' && [...resultText(o)].length > resultW);
  if (cut.length > 0) out.push('', ...cut.map((o) => colors.bad(`${o.file.display}: ${resultText(o)}`)));
  out.push('', footer(summary));
  if (summary.resumeHint) out.push(summary.resumeHint);
  return out.join('\n');
}

function resultText(outcome: FileOutcome): string {
  switch (outcome.status) {
    case 'verified':
      return ['verified', ...verifiedQualifiers(outcome.result, outcome.notices, outcome.adopted)].join(', ');
    case 'not-started':
      return 'not started';
    case 'interrupted': {
      const total = outcome.bytesTotal ?? 0;
      const pct = total > 0 ? Math.floor((outcome.bytesAcked / total) * 100) : 0;
      return `stopped at ${pct}%`;
    }
    default:
      return outcome.error ? `${outcome.error.code}: ${stripControl(outcome.error.message)}` : outcome.status;
  }
}

function footer(summary: BatchSummary): string {
  const verified = summary.outcomes.filter((o) => o.status === 'verified').length;
  const failed = summary.outcomes.filter((o) => o.status === 'failed').length;
  const stopped = summary.outcomes.length - verified - failed;
  const bytes = summary.outcomes
    .filter((o) => o.status === 'verified')
    .reduce((sum, o) => sum + (o.bytesTotal ?? 0), 0);
  const parts = [`${verified} of ${summary.outcomes.length} verified (${formatBytes(bytes)})`];
  if (failed > 0) parts.push(`${failed} failed`);
  if (stopped > 0) parts.push(`${stopped} unfinished`);
  parts.push(`in ${formatDuration(summary.durationMs / 1000)}`);
  const head = summary.interrupted ? 'Interrupted: ' : '';
  return `${head}${parts.join(', ')}. Exit code ${summary.exitCode}.`;
}
