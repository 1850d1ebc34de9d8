/**
 * Chooses the reporter: NDJSON with `--json`, the live display on a terminal, plain lines otherwise.
 */
import { type CliIo, colorEnabled } from '../io.js';
import { createJsonReporter } from './json-reporter.js';
import { createPlainReporter } from './plain-reporter.js';
import type { BatchReporter } from './reporter.js';
import { createTtyReporter } from './tty-reporter.js';

/** The reporter for this run's output. */
export function createReporter(io: CliIo, options: { readonly json: boolean }): BatchReporter {
  const write = (text: string): void => {
    io.stdout.write(text);
  };
  if (options.json) return createJsonReporter({ write, now: io.now });
  if (io.isTTY) return createTtyReporter({ output: io.stdout, color: colorEnabled(io), now: io.now });
  return createPlainReporter({ write, now: io.now });
}
