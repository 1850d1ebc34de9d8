/**
 * Chooses the reporter: NDJSON with `--json`, the live display on a terminal, plain lines otherwise.
 * The human reporters (log-update, string-width, wrap-ansi) are imported only when they are used:
 * loading it costs every other run start-up CPU and memory for nothing.
 */
import { type CliIo, colorEnabled } from '../io.js';
import { footer } from './footer.js';
import { createJsonReporter } from './json-reporter.js';
import type { BatchReporter } from './reporter.js';

/** The reporter for this run's output. */
export async function createReporter(
  io: CliIo,
  options: {
    readonly json: boolean;
    /** `replace`: the video whose file is replaced, so that the words say so. */
    readonly replacing?: string;
  },
): Promise<BatchReporter> {
  const replacing = options.replacing !== undefined ? { replacing: options.replacing } : {};
  const write = (text: string): void => {
    io.stdout.write(text);
  };
  if (io.isTTY && !options.json) {
    const { createTtyReporter } = await import('./tty-reporter.js');
    return createTtyReporter({ output: io.stdout, color: colorEnabled(io), now: io.now, ...replacing });
  }
  if (options.json) return toWatchedStderr(createJsonReporter({ write, now: io.now }), io);
  // Also on demand: the summary table measures text in terminal columns (string-width).
  const { createPlainReporter } = await import('./plain-reporter.js');
  return toWatchedStderr(createPlainReporter({ write, now: io.now, ...replacing }), io);
}

/**
 * stdout goes to a file or a pipe while someone watches stderr on a terminal (`upload … > out`):
 * the batch's last line, and what to do next, go there too, or they would see nothing but the exit
 * code. When stderr is not a terminal either (CI logs, which often merge the two), nothing is added.
 */
function toWatchedStderr(reporter: BatchReporter, io: CliIo): BatchReporter {
  if (io.stderr.isTTY !== true) return reporter;
  return {
    ...reporter,
    finish(summary) {
      reporter.finish(summary);
      const hint = summary.resumeHint ? `\n${summary.resumeHint}` : '';
      io.stderr.write(`vimeo-tus: ${footer(summary)}${hint}\n`);
    },
  };
}
