/**
 * Chooses the reporter: NDJSON with `--json`, the live display on a terminal, plain lines otherwise.
 * The terminal display (log-update and its width/ANSI helpers) is imported only when it is used:
 * loading it costs every other run start-up CPU and memory for nothing.
 */
import { type CliIo, colorEnabled } from '../io.js';
import { createJsonReporter } from './json-reporter.js';
import { createPlainReporter } from './plain-reporter.js';
import type { BatchReporter } from './reporter.js';

/** The reporter for this run's output. */
export async function createReporter(io: CliIo, options: { readonly json: boolean }): Promise<BatchReporter> {
  const write = (text: string): void => {
    io.stdout.write(text);
  };
  if (options.json) return createJsonReporter({ write, now: io.now });
  if (io.isTTY) {
    const { createTtyReporter } = await import('./tty-reporter.js');
    return createTtyReporter({ output: io.stdout, color: colorEnabled(io), now: io.now });
  }
  return createPlainReporter({ write, now: io.now });
}
