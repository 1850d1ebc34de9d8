/**
 * What a command may touch of the outside world: streams, environment, clock, signal, files, the
 * uploads it starts and the sandbox it embeds. bin.ts builds it from the process and the library;
 * tests build it from strings, fake streams and a scripted upload. Commands never reach for
 * `process` themselves.
 */
import type { Upload, UploadOptions } from '../entry/types.js';
import type { UploadEvents } from '../upload/types.js';

/** Starts one upload: the library's `createUpload` (tests pass a scripted one). */
export type StartUpload = (filePath: string, options: UploadOptions) => BatchUpload;

/** What the CLI uses of an upload handle. */
export interface BatchUpload {
  readonly done: Upload['done'];
  on<E extends keyof UploadEvents>(event: E, listener: (...args: UploadEvents[E]) => void): unknown;
}

/** An embedded sandbox started by the CLI (`--sandbox`, `demo`). */
export interface EmbeddedSandbox {
  readonly apiUrl: string;
  readonly token: string;
  close(): Promise<void>;
}

/** Options of an embedded sandbox. */
export interface EmbeddedSandboxOptions {
  /** Throttle the upload host to this many bytes per second (the demo). */
  readonly throttleBytesPerSecond?: number;
}

/** A writable text stream, with the terminal size when it is a terminal. */
export interface CliOutput {
  write(chunk: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/**
 * The terminal's size, or the classic 80×24 when it does not say: not a terminal, or a terminal of
 * size 0 (a pseudo-terminal nobody sized, as under `script` or `docker run -t`), where a frame cut
 * to zero columns or rows would show nothing.
 */
export function terminalSize(output: {
  readonly columns?: number | undefined;
  readonly rows?: number | undefined;
}): { columns: number; rows: number } {
  const known = (value: number | undefined): value is number => value !== undefined && value > 0;
  return {
    columns: known(output.columns) ? output.columns : 80,
    rows: known(output.rows) ? output.rows : 24,
  };
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
  /** Reads a text file (the token file). */
  readonly readTextFile: (path: string) => Promise<string>;
  /** Starts one upload. */
  readonly startUpload: StartUpload;
  /** Starts an embedded sandbox (loaded on demand: @tus/server is start-up cost). */
  readonly startSandbox: (options: EmbeddedSandboxOptions) => Promise<EmbeddedSandbox>;
}

/** True when colour codes may be written: a terminal, and `NO_COLOR` unset or empty. */
export function colorEnabled(io: Pick<CliIo, 'isTTY' | 'env'>): boolean {
  const noColor = io.env.NO_COLOR;
  return io.isTTY && (noColor === undefined || noColor === '');
}
