/**
 * Text measured in terminal columns, not string length: `日本.mp4` takes 8 columns, not 6, and a
 * combining accent none. The width of a character comes from string-width (East Asian Width,
 * emoji, zero-width marks, ANSI codes ignored); wrapping at word boundaries from wrap-ansi. Loaded
 * only by the human renderers and `list`, never at start-up.
 */
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Columns `text` takes on a terminal. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** The user-perceived characters of `text` with their widths. */
function cells(text: string): { text: string; width: number }[] {
  return [...graphemes.segment(text)].map(({ segment }) => ({ text: segment, width: stringWidth(segment) }));
}

/** Cuts `text` to at most `width` columns, ending with `…` when cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const cell of cells(text)) {
    if (used + cell.width > width - 1) break;
    out += cell.text;
    used += cell.width;
  }
  return `${out}…`;
}

/** Keeps the end of `text` in at most `width` columns, starting with `…` when cut. */
function truncateStart(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const cell of cells(text).reverse()) {
    if (used + cell.width > width - 1) break;
    out = cell.text + out;
    used += cell.width;
  }
  return `…${out}`;
}

/** Pads `text` with spaces to `width` columns (never cuts). */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? text + fill : fill + text;
}

/** Cuts or pads `text` to exactly `width` columns (cutting with `…`). */
export function padCell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  return pad(truncate(text, width), width, align);
}

/**
 * Fits a path into exactly `width` columns: whole if it fits, else its file name, else the end of
 * the file name (`…ay-01.mp4`): the end is the part that tells files apart.
 */
export function fitPath(text: string, width: number): string {
  if (displayWidth(text) <= width) return pad(text, width);
  const base = text.split(/[\\/]/).pop() ?? text;
  return pad(truncateStart(base, width), width);
}

/**
 * Wraps `text` at word boundaries to `width` columns; a word longer than a line (a URL) is kept
 * whole on its own line, never split. Continuation lines start with `indent`.
 */
export function wrapWords(text: string, width: number, indent = ''): string {
  const first = wrapAnsi(text, Math.max(10, width), { hard: false, trim: true, wordWrap: true }).split('\n');
  const [head = '', ...rest] = first;
  if (rest.length === 0 || indent === '') return first.join('\n');
  // Re-wrap what follows the first line to the narrower width the indent leaves.
  const tail = wrapAnsi(rest.join(' '), Math.max(10, width - displayWidth(indent)), {
    hard: false,
    trim: true,
    wordWrap: true,
  });
  return [head, ...tail.split('\n').map((line) => indent + line)].join('\n');
}

/** Wraps `text` at word boundaries so that every line, `indent` included, fits `width` columns. */
export function wrapIndented(text: string, width: number, indent: string): string {
  return wrapAnsi(text, Math.max(10, width - displayWidth(indent)), {
    hard: false,
    trim: true,
    wordWrap: true,
  })
    .split('\n')
    .map((line) => indent + line)
    .join('\n');
}
