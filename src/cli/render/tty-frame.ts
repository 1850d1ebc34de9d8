/**
 * One frame of the live terminal display, as a pure function of the batch view, so that its width
 * and content can be tested without a terminal. Every line fits in `width - 1` columns (the last
 * column is left free: some terminals wrap when it is written).
 */
import { formatBytes, formatDuration } from '../size.js';
import { type BatchView, type FileView, isFinished } from './batch-view.js';
import { displayWidth, fitPath, padCell, truncate, wrapWords } from './columns.js';
import { bar, type Palette, palette, percent, stripControl } from './format.js';

/** Layout of a frame. */
export interface FrameOptions {
  readonly width: number;
  /** Terminal rows; the frame keeps to at most this many minus one. */
  readonly height: number;
  readonly color: boolean;
  readonly nowMs: number;
}

/** Renders the live part: one line per file in flight (as many as fit), a counter, the totals. */
export function renderFrame(view: BatchView, options: FrameOptions): string {
  const width = Math.max(40, options.width) - 1;
  const colors = palette(options.color);
  const { nameWidth, barWidth } = columns(width);
  const active = view.active();
  const maxRows = Math.max(1, Math.min(15, options.height - 4));
  const shown = active.slice(0, maxRows);
  const lines = shown.map((file) =>
    fileLine(file, { width, nameWidth, barWidth, colors, nowMs: options.nowMs }),
  );
  const t = view.totals();
  const hidden = active.length - shown.length;
  const counts = [
    `${t.done}/${view.files.length} verified`,
    `${t.active} in flight${hidden > 0 ? ` (${hidden} not shown)` : ''}`,
    t.queued > 0 ? `${t.queued} queued` : '',
    t.failed > 0 ? `${t.failed} failed` : '',
    `elapsed ${formatDuration((options.nowMs - view.startedAtMs) / 1000)}`,
  ].filter((part) => part !== '');
  // Until acknowledgements come, the rate is of bytes sent: the ETA counts from how far they reach.
  const eta = t.bytesPerSecond > 0 ? (t.bytesTotal - t.bytesSent) / t.bytesPerSecond : null;
  const totalMoving = `${rate(t.bytesPerSecond)} ETA ${formatDuration(eta)}`;
  const totalLine =
    `${padCell('Total', nameWidth)} ` +
    `${bar(barWidth, ratio(t.bytesAcked, t.bytesTotal), ratio(t.bytesSent, t.bytesTotal), colors)} ` +
    `${padCell(percent(t.bytesAcked, t.bytesTotal), 4, 'right')} ` +
    fitTail(amounts(t.bytesAcked, t.bytesSent, t.bytesTotal), totalMoving, width - nameWidth - barWidth - 7);
  return [...lines, colors.dim(truncate(counts.join(' · '), width)), totalLine].join('\n');
}

/** The line printed above the live area once a file is finished. */
export function finishedLine(file: FileView, width: number, color: boolean): string {
  const colors = palette(color);
  const w = Math.max(40, width) - 1;
  const { nameWidth } = columns(w);
  const name = fitPath(file.file.display, nameWidth);
  const time =
    file.startedAtMs !== null && file.endedAtMs !== null
      ? formatDuration((file.endedAtMs - file.startedAtMs) / 1000)
      : '';
  if (file.phase === 'verified') {
    // The link is never cut: what follows it goes when it does not fit, and a link that does not
    // fit beside the name goes on its own line.
    const link = file.link ?? file.videoUri ?? '';
    const head = `${colors.ok('✔')} ${name} `;
    const room = w - nameWidth - 3;
    if (displayWidth(link) > room) return `${colors.ok('✔')} ${file.file.display}\n  ${link}`;
    const facts = `  ${formatBytes(file.bytesTotal)}  ${time}`.trimEnd();
    return head + (displayWidth(link + facts) <= room ? link + facts : link);
  }
  if (file.phase === 'interrupted') {
    return `${colors.dim('■')} ${name} stopped at ${percent(file.bytesAcked, file.bytesTotal)} (acknowledged ${formatBytes(file.bytesAcked)})`;
  }
  const error = file.error ? `${file.error.code}: ${stripControl(file.error.message)}` : file.phase;
  return `${colors.bad('✖')} ${name} ${truncate(error, w - nameWidth - 3)}`;
}

/**
 * A notice persisted above the live frame: wrapped at word boundaries to the width (a number or a
 * URI is never split), continuation lines indented.
 */
export function noticeBlock(text: string, width: number, color: boolean): string {
  return wrapWords(`${palette(color).dim('ℹ')} ${text}`, Math.max(20, width) - 1, '  ');
}

function columns(width: number): { nameWidth: number; barWidth: number } {
  const nameWidth = Math.min(40, Math.max(12, Math.floor(width * 0.24)));
  const barWidth = Math.min(40, Math.max(10, Math.floor(width * 0.24)));
  return { nameWidth, barWidth };
}

function fileLine(
  file: FileView,
  layout: { width: number; nameWidth: number; barWidth: number; colors: Palette; nowMs: number },
): string {
  const { width, nameWidth, barWidth, colors } = layout;
  const sent = Math.max(file.bytesAcked, file.sentPosition);
  const head =
    `${fitPath(file.file.display, nameWidth)} ` +
    `${bar(barWidth, ratio(file.bytesAcked, file.bytesTotal), ratio(sent, file.bytesTotal), colors)} ` +
    `${padCell(percent(file.bytesAcked, file.bytesTotal), 4, 'right')} `;
  const room = width - nameWidth - barWidth - 7;
  if (file.phase !== 'uploading') return head + truncate(phaseText(file, layout.nowMs), room);
  const eta = file.etaSeconds === null ? '' : ` ETA ${formatDuration(file.etaSeconds)}`;
  return (
    head +
    fitTail(amounts(file.bytesAcked, sent, file.bytesTotal), `${rate(file.bytesPerSecond)}${eta}`, room)
  );
}

/**
 * Fits `amounts rate ETA` into `room` columns, with the first of the amounts' forms (longest first)
 * that fits; when none does, the amounts go (the percentage and the bar show them), so that the
 * rate and the ETA stay readable when narrow.
 */
function fitTail(forms: readonly string[], moving: string, room: number): string {
  for (const amounts of forms) {
    const whole = `${amounts} ${moving}`;
    if (displayWidth(whole) <= room) return whole;
  }
  return truncate(displayWidth(moving) <= room ? moving : `${forms.at(-1) ?? ''} ${moving}`, room);
}

/** What a file is doing, in a few words. */
export function phaseText(file: FileView, nowMs: number): string {
  switch (file.phase) {
    case 'queued':
      return 'queued';
    case 'creating':
      return `${file.action ?? 'starting'}…`;
    case 'uploading': {
      const eta = file.etaSeconds === null ? '' : ` ETA ${formatDuration(file.etaSeconds)}`;
      const sent = Math.max(file.bytesAcked, file.sentPosition);
      return `${amounts(file.bytesAcked, sent, file.bytesTotal)[0]} ${rate(file.bytesPerSecond)}${eta}`;
    }
    case 'retrying': {
      if (!file.retry) return 'retrying…';
      const seconds = Math.max(0, Math.ceil((file.retry.untilMs - nowMs) / 1000));
      return `retrying in ${seconds}s: ${stripControl(file.retry.reason)}`;
    }
    case 'verifying':
      return 'verifying with the server…';
    case 'processing':
      return 'uploaded; Vimeo is processing…';
    case 'done':
    case 'verified':
      return 'verified';
    case 'failed':
    case 'interrupted':
      return file.error ? `${file.error.code}` : file.phase;
    default:
      return isFinished(file.phase) ? 'done' : String(file.phase);
  }
}

function ratio(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

/**
 * The amounts' forms, longest first, each number in the unit of the total: `acked/total unit`,
 * preceded, while bytes are on their way but not yet acknowledged, by two that say how far they
 * reach: `0.0/24.0 MiB (12.1 sent)` and, beside the percentage of acknowledged bytes,
 * `12.1 MiB sent`. Without them, that percentage stays at 0 % for the whole of a first PATCH while
 * the bar fills with sent bytes: it reads as stalled.
 */
function amounts(acked: number, sent: number, whole: number): string[] {
  const total = formatBytes(whole);
  const match = /^([\d.]+) (\S+)$/.exec(total);
  const unit = match?.[2] ?? 'B';
  const divisor = 1024 ** ['B', 'KiB', 'MiB', 'GiB', 'TiB'].indexOf(unit);
  const inUnit = (part: number): string => (unit === 'B' ? formatBytes(part) : (part / divisor).toFixed(1));
  const pair = `${inUnit(acked)}/${total}`;
  if (!(sent > acked && inUnit(sent) !== inUnit(acked))) return [pair];
  const sentWithUnit = unit === 'B' ? inUnit(sent) : `${inUnit(sent)} ${unit}`;
  return [`${pair} (${inUnit(sent)} sent)`, `${sentWithUnit} sent`, pair];
}

function rate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}
