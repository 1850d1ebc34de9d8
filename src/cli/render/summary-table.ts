/**
 * The table printed at the end of a batch (terminal and plain output): file, video link, size,
 * time, and "verified" or the error; then one line of totals and, when needed, how to resume.
 */
import { formatBytes, formatDuration } from '../size.js';
import { displayWidth, fitPath, pad, truncate, wrapIndented, wrapWords } from './columns.js';
import { footer } from './footer.js';
import { type Palette, palette, stripControl } from './format.js';
import { verifiedQualifiers } from './notice-text.js';
import type { BatchSummary, FileOutcome } from './reporter.js';

/** Options of the summary text. */
export interface SummaryOptions {
  /** Terminal width; null for plain output (no cutting except of very long errors). */
  readonly width: number | null;
  readonly color: boolean;
}

/** A row of the table, as text. */
interface Row {
  readonly file: string;
  readonly video: string;
  readonly size: string;
  readonly time: string;
  readonly result: string;
  readonly ok: boolean;
}

/**
 * Renders the summary and its footer: a table when it fits the width with every link whole (a link
 * is what people copy), else one block per file (name, link, size, time, result).
 */
export function renderSummary(summary: BatchSummary, options: SummaryOptions): string {
  const colors = palette(options.color);
  const rows: Row[] = summary.outcomes.map((outcome) => ({
    file: stripControl(outcome.file.display, '?'),
    video: outcome.link ?? outcome.videoUri ?? '-',
    size: outcome.bytesTotal === null ? '-' : formatBytes(outcome.bytesTotal),
    time: outcome.durationMs === null ? '-' : formatDuration(outcome.durationMs / 1000),
    result: resultText(outcome),
    ok: outcome.status === 'verified' || outcome.status === 'skipped',
  }));
  const width = options.width === null ? null : Math.max(20, options.width) - 1;
  const layout = tableLayout(rows, width);
  const out =
    layout === null
      ? renderBlocks(rows, width ?? 80, colors)
      : renderTable(rows, layout, colors, summary.outcomes, width !== null);
  const tail = [footer(summary), ...(summary.resumeHint ? [summary.resumeHint] : [])];
  out.push('', ...tail.map((line) => (width === null ? line : wrapWords(line, width))));
  return out.join('\n');
}

const HEADER: Row = { file: 'FILE', video: 'VIDEO', size: 'SIZE', time: 'TIME', result: 'RESULT', ok: true };

interface Layout {
  readonly fileW: number;
  readonly videoW: number;
  readonly sizeW: number;
  readonly timeW: number;
  readonly resultW: number;
}

/** Column widths; null when no table fits `width` with every link whole. */
function tableLayout(rows: readonly Row[], width: number | null): Layout | null {
  const all = [HEADER, ...rows];
  const widest = (pick: (r: Row) => string): number => Math.max(...all.map((r) => displayWidth(pick(r))));
  const sizeW = widest((r) => r.size);
  const timeW = widest((r) => r.time);
  const videoW = widest((r) => r.video);
  const w = { file: widest((r) => r.file), result: widest((r) => r.result) };
  if (width === null) return { fileW: w.file, videoW, sizeW, timeW, resultW: Math.min(w.result, 200) };
  // Size, time and the link keep their width. Give way in this order: the file column down to its
  // longest file name (at most 24; paths fall back to names), the result to 15, the file to 16 then
  // 12 (names lose their start), the result to 10. Below that: blocks.
  const budget = width - sizeW - timeW - videoW - 8;
  const longestName = Math.max(
    displayWidth(HEADER.file),
    ...rows.map((r) => displayWidth(r.file.split(/[\\/]/).pop() ?? '')),
  );
  const stages: [keyof typeof w, number][] = [
    ['file', Math.min(24, longestName)],
    ['result', 15],
    ['file', 16],
    ['file', 12],
    ['result', 10],
  ];
  for (const [key, minimum] of stages) {
    const excess = w.file + w.result - budget;
    if (excess <= 0) break;
    w[key] = Math.max(Math.min(w[key], minimum), w[key] - excess);
  }
  if (w.file + w.result > budget) return null;
  return { fileW: w.file, videoW, sizeW, timeW, resultW: w.result };
}

function renderTable(
  rows: readonly Row[],
  layout: Layout,
  colors: Palette,
  outcomes: readonly FileOutcome[],
  cutErrorsShownWhole: boolean,
): string[] {
  const line = (r: Row, mark: (text: string) => string = (t) => t): string =>
    [
      fitPath(r.file, layout.fileW),
      pad(r.video, layout.videoW),
      pad(r.size, layout.sizeW, 'right'),
      pad(r.time, layout.timeW, 'right'),
      mark(truncate(r.result, layout.resultW)),
    ]
      .join('  ')
      .trimEnd();
  const out = [colors.bold(line(HEADER))];
  for (const row of rows) out.push(line(row, row.ok ? colors.ok : colors.bad));
  // In a terminal, long errors were cut to the table: print them whole below it.
  if (cutErrorsShownWhole) {
    const cut = outcomes.filter((o) => o.status === 'failed' && displayWidth(resultText(o)) > layout.resultW);
    if (cut.length > 0) out.push('', ...cut.map((o) => colors.bad(`${o.file.display}: ${resultText(o)}`)));
  }
  return out;
}

/** One block per file: the name, then the link on its own line (whole), then size, time, result. */
function renderBlocks(rows: readonly Row[], width: number, colors: Palette): string[] {
  const out: string[] = [];
  for (const row of rows) {
    const mark = row.ok ? colors.ok : colors.bad;
    out.push(colors.bold(row.file));
    if (row.video !== '-') out.push(`  ${row.video}`);
    const facts = [row.size, row.time].filter((fact) => fact !== '-').join(', ');
    const result = facts === '' ? row.result : `${facts}: ${row.result}`;
    out.push(mark(wrapIndented(result, width, '  ')));
  }
  return out;
}

function resultText(outcome: FileOutcome): string {
  switch (outcome.status) {
    case 'verified':
      return ['verified', ...verifiedQualifiers(outcome.result, outcome.notices, outcome.adopted)].join(', ');
    case 'not-started':
      return 'not started';
    case 'skipped':
      return 'skipped (empty)';
    case 'interrupted': {
      const total = outcome.bytesTotal ?? 0;
      const pct = total > 0 ? Math.floor((outcome.bytesAcked / total) * 100) : 0;
      return `stopped at ${pct}%`;
    }
    default:
      return outcome.error ? `${outcome.error.code}: ${stripControl(outcome.error.message)}` : outcome.status;
  }
}
