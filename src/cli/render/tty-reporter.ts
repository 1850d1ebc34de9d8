/**
 * The live terminal display: log-update redraws a frame (a bar per file in flight, a counter and a
 * total line) a few times a second; a finished file is printed once above it; at the end the
 * frame is replaced by the summary table.
 */
import { createLogUpdate } from 'log-update';
import type {
  CreatedEvent,
  NoticeEvent,
  RetryEvent,
  UploadProgress,
  UploadResult,
} from '../../upload/types.js';
import type { PlannedFile } from '../files.js';
import { type CliOutput, terminalSize } from '../io.js';
import { BatchView } from './batch-view.js';
import { adoptedLine, isAdopted, noticeLine } from './notice-text.js';
import type { BatchReporter, BatchSummary, ShownError } from './reporter.js';
import { renderSummary } from './summary-table.js';
import { finishedLine, noticeBlock, renderFrame } from './tty-frame.js';

/** Options of the terminal reporter. */
export interface TtyReporterOptions {
  readonly output: CliOutput;
  readonly color: boolean;
  readonly now: () => number;
  /** @default 200 */
  readonly refreshIntervalMs?: number;
  /** `replace`: the video whose file is replaced. */
  readonly replacing?: string;
}

/** Creates the terminal reporter. */
export function createTtyReporter(options: TtyReporterOptions): BatchReporter {
  const { output, color, now } = options;
  // log-update cuts frames to the stream's own size: it is given the size the frames are drawn for.
  const sized = {
    isTTY: output.isTTY,
    write: (chunk: string): boolean => output.write(chunk),
    get columns(): number {
      return terminalSize(output).columns;
    },
    get rows(): number {
      return terminalSize(output).rows;
    },
  };
  const log = createLogUpdate(sized as unknown as NodeJS.WritableStream);
  let view: BatchView | undefined;
  let timer: NodeJS.Timeout | undefined;
  const width = (): number => sized.columns;
  const draw = (): void => {
    if (view) log(renderFrame(view, { width: width(), height: sized.rows, color, nowMs: now() }));
  };
  const onResize = (): void => draw();
  const finishedFile = (file: PlannedFile): void => {
    if (!view) return;
    log.persist(finishedLine(view.get(file), width(), color));
    draw();
  };
  return {
    start(files) {
      view = new BatchView(files, now);
      output.on?.('resize', onResize);
      timer = setInterval(draw, options.refreshIntervalMs ?? 200);
      timer.unref();
      draw();
    },
    began(file) {
      const entry = view?.began(file);
      if (entry && options.replacing !== undefined)
        entry.action = `replacing the file of ${options.replacing}`;
      draw();
    },
    created(file: PlannedFile, event: CreatedEvent) {
      view?.created(file, event);
      if (isAdopted(event)) {
        log.persist(noticeBlock(adoptedLine(file.display, event.videoUri), width(), color));
        draw();
      }
    },
    notice(file: PlannedFile, event: NoticeEvent) {
      view?.noticed(file, event.kind);
      // Persisted above the live frame, whole: wrapped at word boundaries, never cut.
      log.persist(noticeBlock(noticeLine(file.display, event), width(), color));
      draw();
    },
    progress(file: PlannedFile, progress: UploadProgress) {
      view?.progress(file, progress);
    },
    retry(file: PlannedFile, event: RetryEvent) {
      view?.retry(file, event);
      draw();
    },
    verified(file: PlannedFile, result: UploadResult) {
      view?.verified(file, result);
      finishedFile(file);
    },
    failed(file: PlannedFile, error: ShownError, status) {
      view?.failed(file, error, status);
      finishedFile(file);
    },
    finish(summary: BatchSummary) {
      if (timer) clearInterval(timer);
      output.off?.('resize', onResize);
      log.clear();
      log.done();
      output.write(`\n${renderSummary(summary, { width: width(), color })}\n`);
    },
  };
}
