/**
 * Runs the CLI for one argument list and maps every way it can end to an exit code and a short
 * message on stderr. bin.ts calls this and then `process.exit` with the result.
 */
import { CommanderError } from 'commander';
import { TOKEN_HELP } from '../config/cli-config.js';
import { ConfigError, VimeoTusError } from '../errors.js';
import { SandboxPortError } from '../sandbox/command.js';
import { ExitCode, type ExitCodeValue, exitCodeForError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { buildProgram, type ProgramContext } from './program.js';
import { stripControl } from './render/format.js';
import { writeJsonFatal } from './render/json-reporter.js';
import { promisesJsonSummary, usageErrorText } from './usage-errors.js';

/** Runs `argv` (without `node` and the script) and returns the exit code. Never throws. */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  options: { readonly version: string; readonly docsDir?: string; readonly browserModulePath?: string },
): Promise<ExitCodeValue> {
  const context: ProgramContext = {
    io,
    version: options.version,
    ...(options.docsDir !== undefined ? { docsDir: options.docsDir } : {}),
    ...(options.browserModulePath !== undefined ? { browserModulePath: options.browserModulePath } : {}),
    exitCode: undefined,
  };
  const startedAtMs = io.now();
  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return context.exitCode ?? ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode !== 0 && promisesJsonSummary(argv)) {
      // Bad flags stop the command before its batch: its --json still ends with error + summary.
      const message = usageErrorText(error.message.replace(/^error: /, ''), io.env).trim();
      const write = (text: string): void => {
        io.stdout.write(text);
      };
      writeJsonFatal({ write, now: io.now }, new ConfigError(message), [], startedAtMs);
    }
    return reportFatal(error, io);
  }
}

/** Prints a fatal error (never the token: messages are redacted at the source) and returns its code. */
export function reportFatal(error: unknown, io: CliIo): ExitCodeValue {
  if (error instanceof CommanderError) {
    // commander already printed its message (help and version end here too, with code 0).
    return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  }
  const code = exitCodeForError(error);
  if (error instanceof VimeoTusError) {
    let message = `vimeo-tus: ${error.message} [${error.code}]`;
    if (error.code === 'E_AUTH' && !error.message.includes('developer.vimeo.com')) {
      message += `\n${TOKEN_HELP}`;
    }
    if (code === ExitCode.Interrupted) message = 'vimeo-tus: interrupted.';
    io.stderr.write(
      `${message
        .split('\n')
        .map((line) => stripControl(line))
        .join('\n')}\n`,
    );
  } else if (error instanceof SandboxPortError || isUserCausedSystemError(error)) {
    // A condition the user caused (a port in use, a folder that may not be written): one line.
    const { message, code: systemCode } = error as Error & { code: string };
    io.stderr.write(`vimeo-tus: ${stripControl(message)} [${systemCode}]\n`);
    return ExitCode.Usage;
  } else {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`vimeo-tus: unexpected error (please report it):\n${text}\n`);
  }
  return code;
}

/** System errors a user causes with paths and permissions: told in one line, never as a stack. */
const USER_SYSTEM_CODES = new Set(['EACCES', 'EPERM', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EROFS', 'EEXIST']);

function isUserCausedSystemError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && USER_SYSTEM_CODES.has(code);
}
