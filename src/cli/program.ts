/**
 * The commander program: every command, its flags, help with examples, and `--version`. Actions
 * only translate flags into typed options and call the command functions (plain async functions
 * of src/cli/commands); the exit code they return is stored on the context for run.ts. The ledger
 * commands' modules (and SQLite with them) are imported only when their command runs: start-up
 * cost for every other command otherwise.
 */

import type { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import { resolveCliConfig } from '../config/cli-config.js';
import { sandboxCommand } from '../sandbox/command.js';
import { DEFAULT_CHUNK_SIZE_BYTES, SMALL_CHUNK_SIZE_BYTES } from '../tus/constants.js';
import { DEFAULT_CONCURRENCY } from './commands/batch-command.js';
import { demoCommand } from './commands/demo.js';
import { replaceCommand } from './commands/replace.js';
import { PRIVACY_VIEWS, uploadCommand } from './commands/upload.js';
import type { ExitCodeValue } from './exit-codes.js';
import { type CliIo, terminalSize } from './io.js';
import { chunkSizeArg, intArg, sizeArg } from './option-parsers.js';
import { usageErrorText } from './usage-errors.js';

/** What the program's actions share with the caller. */
export interface ProgramContext {
  readonly io: CliIo;
  readonly version: string;
  /** Where the package's documentation is (bin.ts: the installed package's docs folder). */
  readonly docsDir?: string;
  /** The built browser module the web demo serves (bin.ts: dist/browser.js of the package). */
  readonly browserModulePath?: string;
  /** Set by the action that ran. */
  exitCode: ExitCodeValue | undefined;
}

/** The widest help line. */
const HELP_WIDTH = 80;

/** The library's default, the only one (commander gets none: an absent flag leaves it to the library). */
const CHUNK_DEFAULT = `(default: ${DEFAULT_CHUNK_SIZE_BYTES / 1e6}MB; ${SMALL_CHUNK_SIZE_BYTES / 2 ** 20}MiB after a failure or on a slow link)`;
const PASSWORD_HELP =
  'video password viewers must type (sets --privacy password; or VIMEO_VIDEO_PASSWORD with --privacy password); never printed or stored';
const VERIFY_TIMEOUT_HELP =
  'how long Vimeo may take to confirm every byte (upload.size, upload.status) before the upload ends unconfirmed (exit 8); default 120';
const STATE_DIR_HELP = 'ledger directory (default: the platform state dir, or VIMEO_TUS_STATE_DIR)';
const CONCURRENCY_HELP =
  'files sending bytes at the same time; a file waiting for Vimeo to confirm it leaves its place';

/** The docs folder as the help names it. */
function docs(docsDir: string | undefined): string {
  return docsDir ?? 'the docs folder of the vimeo-tus package';
}

/** Builds the program. */
export function buildProgram(context: ProgramContext): Command {
  const { io } = context;
  const program = new Command('vimeo-tus')
    .description(
      'Upload videos to Vimeo over tus: resumable across crashes, honest progress, verified completion.',
    )
    .version(context.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(usageErrorText(text, io.env)),
      // Help fits 80 columns (and a narrower terminal): wider lines are hard to read and to quote.
      getOutHelpWidth: () => Math.min(HELP_WIDTH, terminalSize(io.stdout).columns),
      getErrHelpWidth: () => Math.min(HELP_WIDTH, terminalSize(io.stderr).columns),
    })
    .addHelpText(
      'after',
      `
Credentials: VIMEO_TOKEN=... or --token-file FILE (a token with the "upload"
scope, and "edit" for metadata: https://developer.vimeo.com/apps).
API base: VIMEO_API_URL (default https://api.vimeo.com).
Try it without an account: vimeo-tus demo, or vimeo-tus upload --sandbox FILE.

Examples:
  $ vimeo-tus demo
  $ VIMEO_TOKEN=... vimeo-tus upload talk.mp4 --privacy unlisted --wait
  $ vimeo-tus upload ./videos --concurrency 3 --json > results.ndjson
  $ vimeo-tus replace /videos/123456 talk-v2.mp4
  $ vimeo-tus resume                 # continue every unfinished upload
  $ vimeo-tus list                   # what the ledger remembers
  $ vimeo-tus status talk.mp4        # ask the server how much of it arrived

Exit codes: 0 all verified, 1 unexpected, 2 bad input, 3 auth, 4 quota,
5 some files failed, 6 upload failed, 7 already being uploaded by another
process, 8 Vimeo did not confirm the bytes (run again later to check),
130 interrupted.

Documentation (shipped with the package):
  ${docs(context.docsDir)}
  cli.md (commands, exit codes, --json events), errors.md (every error code and
  what to do), api.md (the library), resume.md (the ledger), sandbox.md.`,
    );

  program
    .command('upload')
    .description(
      'upload files (directories are walked for video files); exits 0 only when every file is verified',
    )
    .argument('<paths...>', 'files, directories or http(s) URLs')
    .option('--name <name>', 'video title (one file only; default: the file name without extension)')
    .option('--description <text>', 'video description')
    .addOption(new Option('--privacy <view>', 'who can watch').choices(PRIVACY_VIEWS))
    .option('--password <value>', PASSWORD_HELP)
    .option('--folder <uri>', 'put the video in this folder, e.g. /users/123/folders/456')
    .option(
      '--chunk-size <size>',
      `bytes per PATCH request: e.g. 64MiB, 128MB, 1GiB, unlimited ${CHUNK_DEFAULT}`,
      chunkSizeArg,
    )
    .option('--concurrency <n>', CONCURRENCY_HELP, intArg, DEFAULT_CONCURRENCY)
    .option(
      '--include <list>',
      'for directories: extensions or globs, comma-separated (default: common video types)',
    )
    .option('--wait', 'wait until Vimeo has processed each video', false)
    .option('--verify-timeout <seconds>', VERIFY_TIMEOUT_HELP, intArg)
    .option('--new', 'start a new video even if an unfinished upload of the file is known', false)
    .option('--json', 'NDJSON events on stdout (schema in docs/cli.md)', false)
    .option('--sandbox', 'upload to an embedded local sandbox (no account needed)', false)
    .option('--token-file <file>', 'read the token from this file instead of VIMEO_TOKEN')
    .option('--state-dir <dir>', STATE_DIR_HELP)
    .option('--no-ledger', 'do not record or resume uploads in the ledger')
    .addHelpText(
      'after',
      `
Examples:
  $ vimeo-tus upload talk.mp4 --name "My talk" --privacy unlisted
  $ vimeo-tus upload talk.mp4 --new   # a second video of a known file
  $ vimeo-tus upload ./footage --include mp4,mov --concurrency 4 --wait
  $ vimeo-tus upload big.mov --chunk-size 1GiB --token-file ~/.vimeo-token
  $ vimeo-tus upload --sandbox sample.mp4 --json`,
    )
    .action(async (paths: string[], flags: UploadFlags) => {
      context.exitCode = await uploadCommand(
        paths,
        {
          name: flags.name,
          description: flags.description,
          privacy: flags.privacy,
          password: flags.password,
          folder: flags.folder,
          chunkSizeBytes: flags.chunkSize,
          concurrency: flags.concurrency,
          wait: flags.wait,
          verifyTimeoutSeconds: flags.verifyTimeout,
          forceNew: flags.new,
          json: flags.json,
          sandbox: flags.sandbox,
          tokenFile: flags.tokenFile,
          stateDir: flags.stateDir,
          ledger: flags.ledger,
          include: flags.include,
        },
        io,
      );
    });

  program
    .command('replace')
    .description('upload a new file for an existing video (a new version of the same video)')
    .argument('<video-uri>', 'the video: /videos/123, 123 or https://vimeo.com/123')
    .argument('<file>', 'the new file')
    .addOption(new Option('--privacy <view>', 'change who can watch the video').choices(PRIVACY_VIEWS))
    .option('--password <value>', PASSWORD_HELP)
    .option('--chunk-size <size>', `bytes per PATCH request ${CHUNK_DEFAULT}`, chunkSizeArg)
    .option('--wait', 'wait until Vimeo has processed the new file', false)
    .option('--verify-timeout <seconds>', VERIFY_TIMEOUT_HELP, intArg)
    .option('--json', 'NDJSON events on stdout', false)
    .option('--sandbox', 'use an embedded local sandbox', false)
    .option('--token-file <file>', 'read the token from this file instead of VIMEO_TOKEN')
    .option('--state-dir <dir>', 'ledger directory')
    .option('--no-ledger', 'do not record or resume uploads in the ledger')
    .addHelpText(
      'after',
      `
Examples:
  $ vimeo-tus replace /videos/123456 talk-v2.mp4 --wait
  $ vimeo-tus replace https://vimeo.com/123456 talk-v2.mp4 --json`,
    )
    .action(async (videoUri: string, file: string, flags: ReplaceFlags) => {
      context.exitCode = await replaceCommand(
        videoUri,
        file,
        {
          chunkSizeBytes: flags.chunkSize,
          privacy: flags.privacy,
          password: flags.password,
          wait: flags.wait,
          verifyTimeoutSeconds: flags.verifyTimeout,
          json: flags.json,
          sandbox: flags.sandbox,
          tokenFile: flags.tokenFile,
          stateDir: flags.stateDir,
          ledger: flags.ledger,
        },
        io,
      );
    });

  program
    .command('demo')
    .description('upload a generated sample file to an embedded, throttled sandbox and show the result')
    .addOption(
      new Option('--size <size>', 'size of the sample file')
        .argParser(sizeArg)
        .default(24 * 1024 ** 2, '24MiB'),
    )
    .addOption(
      new Option('--rate <size>', 'bandwidth of the sandbox upload host per second')
        .argParser(sizeArg)
        .default(Math.round(2.4 * 1024 ** 2), '2.4MiB'),
    )
    .option('--json', 'NDJSON events on stdout', false)
    .option(
      '--web',
      'serve a page that uploads from your browser (sandbox + ticket server); prints its URL',
      false,
    )
    .option('--port <port>', 'port of the --web page (default: a free one)', intArg)
    .addHelpText(
      'after',
      `
Examples:
  $ vimeo-tus demo
  $ vimeo-tus demo --size 100MiB --rate 10MiB
  $ vimeo-tus demo --web --port 8080`,
    )
    .action(async (flags: { size: number; rate: number; json: boolean; web: boolean; port?: number }) => {
      if (flags.web) {
        const { browserModulePath } = context;
        if (browserModulePath === undefined) throw new Error('demo --web needs the path of dist/browser.js');
        const { webDemoCommand } = await import('./commands/demo-web.js');
        context.exitCode = await webDemoCommand(
          { port: flags.port, bytesPerSecond: flags.rate, browserModulePath },
          io,
        );
        return;
      }
      context.exitCode = await demoCommand(
        { sizeBytes: flags.size, bytesPerSecond: flags.rate, json: flags.json },
        io,
      );
    });

  const sandbox = sandboxCommand({
    stdout: io.stdout as unknown as Writable,
    signal: io.signal,
    parseRate: sizeArg,
  });
  sandbox.copyInheritedSettings(program);
  sandbox.addHelpText(
    'after',
    `
Examples:
  $ vimeo-tus sandbox                  # prints the API URL and token to use
  $ vimeo-tus sandbox --port 8080 --throttle 1MiB --json
  $ export VIMEO_API_URL=http://127.0.0.1:8080 VIMEO_TOKEN=sandbox-token
  $ vimeo-tus upload clip.mp4`,
  );
  program.addCommand(sandbox);

  addLedgerCommands(program, context);
  addQueueCommands(program, context);
  return program;
}

const QUEUE_HELP = 'the Redis of the queue: redis://host:port (default: VIMEO_TUS_QUEUE)';

/** `queue add|work|status|retry|forget` (the fleet, docs/fleet.md); bullmq is loaded only when they run. */
function addQueueCommands(program: Command, context: ProgramContext): void {
  const { io } = context;
  const queue = program
    .command('queue')
    .description('a fleet: many workers on many machines share one upload queue on Redis (docs/fleet.md)');
  queue
    .command('add')
    .description(
      'queue files, directories or http(s) URLs (one job per source; a queued source adds nothing)',
    )
    .argument('<sources...>', 'files, directories (walked for video files) or http(s) URLs')
    .option('--queue <url>', QUEUE_HELP)
    .option('--name <name>', 'video title (one source only; default: the file name without extension)')
    .option('--description <text>', 'video description')
    .addOption(new Option('--privacy <view>', 'who can watch').choices(PRIVACY_VIEWS))
    .option('--password <password>', 'the password of a password-protected video')
    .option('--folder <uri>', 'put the video in this folder, e.g. /users/123/folders/456')
    .option('--include <list>', 'for directories: extensions or globs, comma-separated')
    .option('--json', 'one JSON object per source, then a summary', false)
    .action(async (sources: string[], flags: QueueAddFlags) => {
      const { queueAddCommand } = await import('./commands/queue.js');
      context.exitCode = await queueAddCommand(sources, flags, io);
    });
  queue
    .command('work')
    .description(
      'take jobs and upload them until SIGTERM (uploads stop at a resumable point and are requeued)',
    )
    .option('--queue <url>', QUEUE_HELP)
    .option('--concurrency <n>', 'uploads at the same time in this worker', intArg, DEFAULT_CONCURRENCY)
    .option('--chunk-size <size>', `bytes per PATCH request ${CHUNK_DEFAULT}`, sizeArg)
    .option('--token-file <file>', 'read the token from this file instead of VIMEO_TOKEN')
    .option('--json', 'NDJSON events on stdout', false)
    .action(
      async (flags: {
        queue?: string;
        concurrency: number;
        chunkSize?: number;
        tokenFile?: string;
        json: boolean;
      }) => {
        const { queueWorkCommand } = await import('./commands/queue.js');
        context.exitCode = await queueWorkCommand({ ...flags, chunkSizeBytes: flags.chunkSize }, io);
      },
    );
  queue
    .command('status')
    .description(
      'totals of the queue (total, waiting, active, verified, failed); --files: one line per source',
    )
    .option('--queue <url>', QUEUE_HELP)
    .option('--files', 'one line per source with its state and video link', false)
    .option('--json', 'NDJSON; the last line is the totals object', false)
    .action(async (flags: { queue?: string; files: boolean; json: boolean }) => {
      const { queueStatusCommand } = await import('./commands/queue.js');
      context.exitCode = await queueStatusCommand(flags, io);
    });
  queue
    .command('retry')
    .description('put the failed jobs back in the queue')
    .option('--queue <url>', QUEUE_HELP)
    .option('--json', 'one JSON object', false)
    .action(async (flags: { queue?: string; json: boolean }) => {
      const { queueRetryCommand } = await import('./commands/queue.js');
      context.exitCode = await queueRetryCommand(flags, io);
    });
  queue
    .command('forget')
    .description('drop the verified jobs (with --failed, the failed ones too); the ledger keeps its records')
    .option('--queue <url>', QUEUE_HELP)
    .option('--failed', 'also drop the failed jobs', false)
    .option('--json', 'one JSON object', false)
    .action(async (flags: { queue?: string; failed: boolean; json: boolean }) => {
      const { queueForgetCommand } = await import('./commands/queue.js');
      context.exitCode = await queueForgetCommand(flags, io);
    });
}

interface QueueAddFlags {
  queue?: string;
  name?: string;
  description?: string;
  privacy?: string;
  password?: string;
  folder?: string;
  include?: string;
  json: boolean;
}

/** `list`, `status`, `resume`, `forget`. */
function addLedgerCommands(program: Command, context: ProgramContext): void {
  const { io } = context;

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

Exit code: 0 when the upload is complete, 6 when bytes are missing or Vimeo
reports an error.`,
    )
    .action(async (target: string, flags: { json: boolean; tokenFile?: string; stateDir?: string }) => {
      const config = await resolveCliConfig({
        env: io.env,
        flags: { tokenFile: flags.tokenFile, stateDir: flags.stateDir },
        readTextFile: io.readTextFile,
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
    .option('--chunk-size <size>', `bytes per PATCH request: e.g. 64MiB, 1GiB ${CHUNK_DEFAULT}`, chunkSizeArg)
    .option('--concurrency <n>', CONCURRENCY_HELP, intArg, DEFAULT_CONCURRENCY)
    .option('--wait', 'wait until Vimeo has processed each video', false)
    .option('--verify-timeout <seconds>', VERIFY_TIMEOUT_HELP, intArg)
    .option('--token-file <file>', 'read the token from this file instead of VIMEO_TOKEN')
    .option('--state-dir <dir>', STATE_DIR_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ vimeo-tus resume
  $ vimeo-tus resume --concurrency 4 --wait
  $ vimeo-tus resume --json > resumed.ndjson

Same exit codes as upload (7: a file is already being uploaded by another
process).`,
    )
    .action(
      async (flags: {
        json: boolean;
        chunkSize?: number;
        concurrency: number;
        wait: boolean;
        verifyTimeout?: number;
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
            verifyTimeoutSeconds: flags.verifyTimeout,
            tokenFile: flags.tokenFile,
            stateDir: flags.stateDir,
          },
          io,
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

Exit code 7 when the upload it would remove is running in another process
(nothing is removed). Exit code 2 for an upload still "creating" (a video may
exist that only \`vimeo-tus resume\` can find and adopt): run resume, or add
--force to forget it anyway.`,
    )
    .action(async (target: string, flags: { json: boolean; force: boolean; stateDir?: string }) => {
      const { forgetCommand } = await import('./commands/forget.js');
      context.exitCode = await forgetCommand(
        { target, json: flags.json, force: flags.force, stateDir: flags.stateDir },
        io,
      );
    });
}

interface UploadFlags {
  name?: string;
  description?: string;
  privacy?: string;
  password?: string;
  folder?: string;
  chunkSize?: number;
  concurrency: number;
  include?: string;
  wait: boolean;
  verifyTimeout?: number;
  new: boolean;
  json: boolean;
  sandbox: boolean;
  tokenFile?: string;
  stateDir?: string;
  ledger: boolean;
}

interface ReplaceFlags {
  privacy?: string;
  password?: string;
  chunkSize?: number;
  wait: boolean;
  verifyTimeout?: number;
  json: boolean;
  sandbox: boolean;
  tokenFile?: string;
  stateDir?: string;
  ledger: boolean;
}
