/**
 * Commands implemented outside src/cli/commands' upload/replace/demo are registered here: the
 * ledger's `list`, `status`, `resume` and `forget` (issue 4). Actions only translate flags into
 * typed options and call the command functions; their exit code goes on the context. The
 * command modules (and SQLite with them) are imported only when their command runs: start-up
 * cost for every other command otherwise.
 */
import { resolveCliConfig } from '../config/cli-config.js';
import { intArg, sizeArg } from './option-parsers.js';
import type { CommandRegistrar } from './program.js';

const STATE_DIR_HELP = 'ledger directory (default: the platform state dir, or VIMEO_TUS_STATE_DIR)';

/** `list`, `status`, `resume`, `forget`. */
export const ledgerCommands: CommandRegistrar = (program, context) => {
  const { io, deps } = context;

  program
    .command('list')
    .description('every upload in the ledger: state, progress, video link, age')
    .option('--json', 'one JSON object per line', false)
    .option('--state-dir <dir>', STATE_DIR_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ vimeo-tus list
  $ vimeo-tus list --json | jq -r 'select(.state != "verified") | .file'
  $ vimeo-tus list --state-dir ~/ci-state`,
    )
    .action(async (flags: { json: boolean; stateDir?: string }) => {
      const { listCommand } = await import('./commands/list.js');
      context.exitCode = await listCommand({ json: flags.json, stateDir: flags.stateDir }, io);
    });

  program
    .command('status')
    .description('ask the server now whether an upload is complete, and if not how much is missing')
    .argument('<target>', 'a file, or a video: /videos/123, 123 or https://vimeo.com/123')
    .option('--json', 'one JSON object', false)
    .option('--token-file <file>', 'read the token from this file instead of VIMEO_TOKEN')
    .option('--state-dir <dir>', STATE_DIR_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ vimeo-tus status talk.mp4
  $ vimeo-tus status /videos/123456 --json
  $ vimeo-tus status https://vimeo.com/123456 --token-file ~/.vimeo-token

Exit code: 0 when the upload is complete, 6 when bytes are missing or Vimeo reports an error.`,
    )
    .action(async (target: string, flags: { json: boolean; tokenFile?: string; stateDir?: string }) => {
      const config = await resolveCliConfig({
        env: io.env,
        flags: { tokenFile: flags.tokenFile, stateDir: flags.stateDir },
        readTextFile: deps.readTextFile,
      });
      const { statusCommand } = await import('./commands/status.js');
      context.exitCode = await statusCommand(
        { target, json: flags.json, token: config.token, apiUrl: config.apiUrl, stateDir: config.stateDir },
        io,
      );
    });

  program
    .command('resume')
    .description('continue every unfinished upload in the ledger (same video, from the server offset)')
    .option('--json', 'NDJSON events on stdout (as upload --json)', false)
    .option('--chunk-size <size>', 'bytes per PATCH request: e.g. 64MiB, 1GiB', sizeArg, 256 * 1024 ** 2)
    .option('--concurrency <n>', 'files uploaded at the same time', intArg, 2)
    .option('--wait', 'wait until Vimeo has processed each video', false)
    .option('--token-file <file>', 'read the token from this file instead of VIMEO_TOKEN')
    .option('--state-dir <dir>', STATE_DIR_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ vimeo-tus resume
  $ vimeo-tus resume --concurrency 4 --wait
  $ vimeo-tus resume --json > resumed.ndjson

Same exit codes as upload (7: a file is already being uploaded by another process).`,
    )
    .action(
      async (flags: {
        json: boolean;
        chunkSize: number;
        concurrency: number;
        wait: boolean;
        tokenFile?: string;
        stateDir?: string;
      }) => {
        const { resumeCommand } = await import('./commands/resume.js');
        context.exitCode = await resumeCommand(
          {
            json: flags.json,
            chunkSizeBytes: flags.chunkSize,
            concurrency: flags.concurrency,
            wait: flags.wait,
            tokenFile: flags.tokenFile,
            stateDir: flags.stateDir,
          },
          io,
          deps,
        );
      },
    );

  program
    .command('forget')
    .description('remove the ledger records of a file or video (the video on Vimeo stays)')
    .argument('<target>', 'a file, or a video: /videos/123, 123 or https://vimeo.com/123')
    .option('--json', 'one JSON object per removed record', false)
    .option('--force', 'also forget an upload whose create call never got its answer recorded', false)
    .option('--state-dir <dir>', STATE_DIR_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ vimeo-tus forget old-cut.mp4
  $ vimeo-tus forget /videos/123456 --json

Exit code 7 when the upload it would remove is running in another process (nothing is removed).
Exit code 2 for an upload still "creating" (a video may exist that only \`vimeo-tus resume\` can
find and adopt): run resume, or add --force to forget it anyway.`,
    )
    .action(async (target: string, flags: { json: boolean; force: boolean; stateDir?: string }) => {
      const { forgetCommand } = await import('./commands/forget.js');
      context.exitCode = await forgetCommand(
        { target, json: flags.json, force: flags.force, stateDir: flags.stateDir },
        io,
      );
    });
};

/** Extra commands added to the program after upload, replace, demo and sandbox. */
export const EXTRA_COMMANDS: readonly CommandRegistrar[] = [ledgerCommands];
