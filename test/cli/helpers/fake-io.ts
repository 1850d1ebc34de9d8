/**
 * An in-memory CliIo: captured stdout/stderr, a chosen TTY flag and environment.
 */
import type { CliIo, CliOutput, StartUpload } from '../../../src/cli/io.js';

/** A captured output stream. */
export interface Captured extends CliOutput {
  text(): string;
}

/** A stream that keeps what is written. */
export function captured(options: { isTTY?: boolean; columns?: number; rows?: number } = {}): Captured {
  const chunks: string[] = [];
  return {
    write: (chunk: string) => {
      chunks.push(chunk);
      return true;
    },
    text: () => chunks.join(''),
    ...(options.isTTY === undefined ? {} : { isTTY: options.isTTY }),
    ...(options.columns === undefined ? {} : { columns: options.columns }),
    ...(options.rows === undefined ? {} : { rows: options.rows }),
  };
}

/**
 * An io for tests: captured streams; `start` plays the uploads (by default none may start);
 * `files` are the only readable text files; the embedded sandbox is a stand-in that moves nothing.
 */
export function fakeIo(
  options: {
    env?: Record<string, string>;
    isTTY?: boolean;
    /** stderr is a terminal (someone watches it while stdout goes to a file). @default false */
    stderrIsTTY?: boolean;
    cwd?: string;
    signal?: AbortSignal;
    columns?: number;
    start?: StartUpload;
    files?: Record<string, string>;
  } = {},
): CliIo & { stdout: Captured; stderr: Captured } {
  const isTTY = options.isTTY ?? false;
  return {
    stdout: captured({ isTTY, columns: options.columns ?? 80, rows: 24 }),
    stderr: captured(options.stderrIsTTY === undefined ? {} : { isTTY: options.stderrIsTTY }),
    isTTY,
    env: options.env ?? {},
    signal: options.signal ?? new AbortController().signal,
    cwd: options.cwd ?? process.cwd(),
    now: () => Date.now(),
    startUpload:
      options.start ??
      (() => {
        throw new Error('this test starts no upload');
      }),
    startSandbox: async () => ({
      apiUrl: 'http://127.0.0.1:1',
      token: 'sandbox-token-xyz',
      close: async () => {},
    }),
    readTextFile: async (path) => {
      const text = options.files?.[path];
      if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return text;
    },
  };
}

/** Control sequences and other C0/C1 characters except newline. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the check
export const CONTROL_CHARS = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;
