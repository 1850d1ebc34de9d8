/**
 * Chooses the reporter: NDJSON with `--json`, the live display on a terminal, plain lines otherwise.
 * The human reporters (log-update, string-width, wrap-ansi) are imported only when they are used:
 * loading it costs every other run start-up CPU and memory for nothing.
 */
import { type CliIo, colorEnabled } from '../io.js';
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
  if (options.json) return createJsonReporter({ write, now: io.now });
  if (io.isTTY) {
    const { createTtyReporter } = await import('./tty-reporter.js');
    return createTtyReporter({ output: io.stdout, color: colorEnabled(io), now: io.now, ...replacing });
  }
  // Also on demand: the summary table measures text in terminal columns (string-width).
  const { createPlainReporter } = await import('./plain-reporter.js');
  return createPlainReporter({ write, now: io.now, ...replacing });
}
