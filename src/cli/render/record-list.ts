/**
 * `vimeo-tus list` for people: aligned columns (measured in terminal columns), or one block per
 * record when the terminal is narrower than the table. Links are never cut.
 */
import { displayWidth, pad } from './columns.js';

/** One ledger record as `list` shows it. */
export interface RecordRow {
  readonly state: string;
  readonly progress: string;
  readonly video: string;
  readonly age: string;
  readonly file: string;
}

const HEADER: RecordRow = { state: 'STATE', progress: 'PROGRESS', video: 'VIDEO', age: 'AGE', file: 'FILE' };
const KEYS = ['state', 'progress', 'video', 'age', 'file'] as const;

/**
 * The table (or the blocks) without a final newline.
 * @param columns the terminal's width; null when the output is not a terminal (always a table).
 */
export function renderRecords(rows: readonly RecordRow[], columns: number | null): string {
  const all = [HEADER, ...rows];
  const widths = KEYS.map((key) => Math.max(...all.map((row) => displayWidth(row[key]))));
  const tableWidth = widths.reduce((sum, w) => sum + w, 0) + 2 * (KEYS.length - 1);
  if (columns === null || tableWidth <= columns - 1) {
    return all
      .map((row) =>
        KEYS.map((key, i) => (i === KEYS.length - 1 ? row[key] : pad(row[key], widths[i] ?? 0))).join('  '),
      )
      .join('\n');
  }
  return rows
    .map((row) =>
      [
        row.file,
        `  ${row.state}, ${row.progress}, ${row.age} ago`,
        ...(row.video === '-' ? [] : [`  ${row.video}`]),
      ].join('\n'),
    )
    .join('\n');
}
