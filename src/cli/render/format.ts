/**
 * Small text helpers shared by every command: bars, colours, percentages, control-free text. (Text
 * measured in terminal columns is in columns.ts, loaded only by the renderers.)
 */

/** ANSI colour helpers; identity functions when colour is off. */
export interface Palette {
  readonly acked: (text: string) => string;
  readonly sent: (text: string) => string;
  readonly ok: (text: string) => string;
  readonly bad: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const wrap =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001B[${open}m${text}\u001B[${close}m`;

/** The palette for `color` on or off. */
export function palette(color: boolean): Palette {
  if (!color) {
    const id = (text: string): string => text;
    return { acked: id, sent: id, ok: id, bad: id, dim: id, bold: id };
  }
  return {
    acked: wrap(32, 39),
    sent: wrap(33, 39),
    ok: wrap(32, 39),
    bad: wrap(31, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** Characters of the bar: acknowledged, sent but not yet acknowledged, not sent. */
export const BAR_ACKED = '█';
export const BAR_SENT = '▒';
export const BAR_TODO = '░';

/**
 * A bar `width` cells wide: acknowledged part `█`, sent-not-acknowledged `▒`, rest `░`.
 * The shapes differ, so the distinction survives without colour.
 */
export function bar(
  width: number,
  ackedFraction: number,
  sentFraction: number,
  colors: Palette = palette(false),
): string {
  const clamp = (value: number): number => Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0));
  const ackedCells = Math.floor(clamp(ackedFraction) * width);
  const sentCells = Math.max(
    0,
    Math.floor(clamp(Math.max(sentFraction, ackedFraction)) * width) - ackedCells,
  );
  const todoCells = width - ackedCells - sentCells;
  return (
    colors.acked(BAR_ACKED.repeat(ackedCells)) +
    colors.sent(BAR_SENT.repeat(sentCells)) +
    colors.dim(BAR_TODO.repeat(todoCells))
  );
}

/**
 * Replaces control characters (C0, DEL, C1) so that a server's words or a file name cannot move the
 * cursor: with a space by default, or with e.g. `?` where the text names a file (as `ls` does).
 */
export function stripControl(text: string, replacement = ' '): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u001F\u007F-\u009F]/g, replacement);
}

/**
 * Percent of `done` in `total`, floored to `decimals` places: never 100 before it is complete.
 * @example percentValue(999, 1000, 1) // 99.9
 */
export function percentValue(done: number, total: number, decimals = 0): number {
  if (total <= 0) return 0;
  if (done >= total) return 100;
  const scale = 10 ** decimals;
  return Math.min(100 - 1 / scale, Math.floor((done / total) * 100 * scale) / scale);
}

/** A percentage `0%`..`100%` in whole percent; 100% only when complete. */
export function percent(done: number, total: number): string {
  return `${percentValue(done, total)}%`;
}
