/**
 * What a command may touch of the outside world. bin.ts builds it from the process; tests build
 * it from strings and fake streams. Commands never reach for `process` themselves.
 */

/** A writable text stream, with the terminal size when it is a terminal. */
export interface CliOutput {
  write(chunk: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/** The environment of one CLI run. */
export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** Whether stdout is a terminal (live progress) or not (plain lines). */
  readonly isTTY: boolean;
  /** A snapshot of the environment variables (only bin.ts reads `process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Fires on Ctrl-C (SIGINT) or SIGTERM. */
  readonly signal: AbortSignal;
  /** Working directory, for resolving relative paths. */
  readonly cwd: string;
  /** Clock in epoch milliseconds (tests may pin it). */
  readonly now: () => number;
}

/** True when colour codes may be written: a terminal, and `NO_COLOR` unset or empty. */
export function colorEnabled(io: Pick<CliIo, 'isTTY' | 'env'>): boolean {
  const noColor = io.env.NO_COLOR;
  return io.isTTY && (noColor === undefined || noColor === '');
}
