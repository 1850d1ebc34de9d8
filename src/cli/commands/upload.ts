/**
 * `vimeo-tus upload <file|dir>...`: plan the files, resolve the configuration (or start an embedded
 * sandbox), run the batch with the chosen reporter, and return the exit code.
 */
import { type CliConfig, resolveCliConfig } from '../../config/cli-config.js';
import { ConfigError } from '../../errors.js';
import type { Ledger } from '../../ledger/types.js';
import { checkChunkSizeBytes } from '../../tus/chunk-sizer.js';
import type { VideoFields } from '../../upload/types.js';
import { loadAgreementTimes, saveAgreementTimes } from '../agreement-file.js';
import { runBatch } from '../batch.js';
import type { ExitCodeValue } from '../exit-codes.js';
import { compileInclude, type PlannedFile, planFiles } from '../files.js';
import type { CliIo, EmbeddedSandbox } from '../io.js';
import { createReporter } from '../render/create-reporter.js';
import { stripControl } from '../render/format.js';
import type { FileOutcome } from '../render/reporter.js';
import { type BatchCommandState, batchBasics, batchConcurrency, runBatchCommand } from './batch-command.js';

/** Vimeo's `privacy.view` values. */
export const PRIVACY_VIEWS = [
  'anybody',
  'contacts',
  'disable',
  'nobody',
  'password',
  'unlisted',
  'users',
] as const;

/** Options of the upload command (already parsed from flags). */
export interface UploadCommandOptions {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly privacy?: string | undefined;
  /**
   * `--password`: the video password viewers type (sets privacy "password"). Never printed, logged
   * or stored in the ledger. With `--privacy password` alone, `VIMEO_VIDEO_PASSWORD` gives it.
   */
  readonly password?: string | undefined;
  readonly folder?: string | undefined;
  readonly chunkSizeBytes?: number | undefined;
  /** @default 2 */
  readonly concurrency?: number | undefined;
  readonly wait?: boolean | undefined;
  /** `--verify-timeout`: how long Vimeo may take to confirm the bytes. @default 120 */
  readonly verifyTimeoutSeconds?: number | undefined;
  /** `--new`: never continue a known unfinished upload of the same file. */
  readonly forceNew?: boolean | undefined;
  readonly json?: boolean | undefined;
  readonly sandbox?: boolean | undefined;
  readonly stateDir?: string | undefined;
  /** `--no-ledger` sets false. @default true */
  readonly ledger?: boolean | undefined;
  readonly tokenFile?: string | undefined;
  readonly include?: string | undefined;
  /** Replace this video's file instead of creating a video (the `replace` command). */
  readonly replace?: string | undefined;
  /** Throttle of an embedded sandbox (the `demo` command). */
  readonly sandboxThrottleBytesPerSecond?: number | undefined;
}

/**
 * Runs `upload`. Returns the exit code (0 only when every file was verified).
 * @throws ConfigError / AuthError for bad input or a missing token, before anything is sent.
 */
export async function uploadCommand(
  inputs: readonly string[],
  options: UploadCommandOptions,
  io: CliIo,
): Promise<ExitCodeValue> {
  return runBatchCommand(options.json ?? false, io, (state) => runUpload(inputs, options, io, state));
}

async function runUpload(
  inputs: readonly string[],
  options: UploadCommandOptions,
  io: CliIo,
  state: BatchCommandState,
): Promise<ExitCodeValue> {
  if (inputs.length === 0) throw new ConfigError('Nothing to upload: give at least one file or directory.');
  const concurrency = batchConcurrency(options.concurrency);
  checkChunkSizeBytes(options.chunkSizeBytes, '--chunk-size');
  const baseFields = videoFields(options, io.env);
  if (typeof baseFields.password === 'string') state.secrets.push(baseFields.password);
  const files = await planFiles(inputs, {
    cwd: io.cwd,
    include: compileInclude(options.include),
    // An empty folder or a broken link is told, and the other inputs still go.
    onNotice: (message) => io.stderr.write(`vimeo-tus: ${stripControl(message, '?')}\n`),
  });
  if (files.length === 0) {
    throw new ConfigError('Nothing to upload: no video file in the given folders (see above).');
  }
  if (options.name !== undefined && files.length > 1) {
    throw new ConfigError(
      '--name applies to one file; this command has several (drop --name to use file names).',
    );
  }
  let sandbox: EmbeddedSandbox | undefined;
  let ledger: Ledger | undefined;
  let stateDir: string | undefined;
  try {
    if (options.sandbox) {
      sandbox = await io.startSandbox(
        options.sandboxThrottleBytesPerSecond === undefined
          ? {}
          : { throttleBytesPerSecond: options.sandboxThrottleBytesPerSecond },
      );
      if (!options.json) io.stderr.write(`Embedded sandbox at ${sandbox.apiUrl} (no Vimeo account used).\n`);
    }
    const config: CliConfig = await resolveCliConfig({
      env: io.env,
      flags: {
        tokenFile: options.tokenFile,
        stateDir: options.stateDir,
        sandbox: sandbox ? { apiUrl: sandbox.apiUrl, token: sandbox.token } : undefined,
      },
      readTextFile: io.readTextFile,
    });
    state.secrets.push(config.token);
    const basics = batchBasics(config, options);
    // An embedded sandbox dies with this command: its uploads cannot be continued, so they are not recorded.
    if ((options.ledger ?? true) && !sandbox) {
      ledger = await openStateLedger(config.stateDir);
      stateDir = config.stateDir;
      await loadAgreementTimes(stateDir);
    }
    const reporter = await createReporter(io, {
      json: options.json ?? false,
      ...(options.replace !== undefined ? { replacing: options.replace } : {}),
    });
    const summary = await runBatch({
      ...basics,
      files,
      start: io.startUpload,
      options: {
        ...basics.options,
        ...(ledger ? { ledger, newUpload: options.forceNew ?? false } : {}),
        ...(options.replace === undefined ? {} : { replace: options.replace }),
      },
      videoFor: (file: PlannedFile): VideoFields => ({
        name: options.name ?? defaultName(file),
        ...baseFields,
      }),
      concurrency,
      signal: io.signal,
      reporter,
      now: io.now,
      resumeHint: options.sandbox
        ? 'The embedded sandbox stops with this command, so its uploads cannot be continued; run it again.'
        : !ledger
          ? noLedgerHint
          : options.forceNew
            ? // Again with --new, each file would start one more video.
              'To continue: run the same command again without --new, or `vimeo-tus resume`.'
            : 'To continue: run the same command again, or `vimeo-tus resume`.',
    });
    state.summaryWritten = true;
    return summary.exitCode;
  } finally {
    if (stateDir !== undefined) await saveAgreementTimes(stateDir);
    await ledger?.close();
    await sandbox?.close();
  }
}

/**
 * The ledger of the state folder, created when missing (imported on demand: SQLite is start-up
 * cost for the commands that do not record uploads). An unusable file is refused before anything
 * is sent.
 */
async function openStateLedger(stateDir: string): Promise<Ledger> {
  const { ledgerPath, openLedger } = await import('../../ledger/open-ledger.js');
  return openLedger({ path: ledgerPath(stateDir) });
}

/** The variable that gives the video password with `--privacy password`. */
export const VIDEO_PASSWORD_ENV = 'VIMEO_VIDEO_PASSWORD';

/**
 * The create-body fields from the flags (without the name). `--password` (or, with `--privacy
 * password`, VIMEO_VIDEO_PASSWORD) becomes `password` with `privacy.view` "password";
 * `--privacy password` without one is refused (exit 2) before anything is sent.
 */
export function videoFields(
  options: UploadCommandOptions,
  env: Readonly<Record<string, string | undefined>> = {},
): VideoFields {
  const fields: Record<string, unknown> = {};
  const fromEnv = env[VIDEO_PASSWORD_ENV] === '' ? undefined : env[VIDEO_PASSWORD_ENV];
  if (options.password !== undefined && options.password === '') {
    throw new ConfigError('--password needs a value (the password viewers will type).');
  }
  if (options.password !== undefined && options.privacy !== undefined && options.privacy !== 'password') {
    throw new ConfigError(
      `--password applies only to --privacy password (got --privacy ${options.privacy}): drop one of them.`,
    );
  }
  const password = options.password ?? (options.privacy === 'password' ? fromEnv : undefined);
  if (options.privacy === 'password' && password === undefined) {
    throw new ConfigError(
      `--privacy password needs the password viewers will type: --password VALUE, or ${VIDEO_PASSWORD_ENV}.`,
    );
  }
  if (password !== undefined) {
    fields.privacy = { view: 'password' };
    fields.password = password;
  }
  if (options.description !== undefined) fields.description = options.description;
  if (options.privacy !== undefined) {
    if (!(PRIVACY_VIEWS as readonly string[]).includes(options.privacy)) {
      throw new ConfigError(
        `--privacy must be one of ${PRIVACY_VIEWS.join(', ')} (got "${options.privacy}").`,
      );
    }
    if (password === undefined) fields.privacy = { view: options.privacy };
  }
  if (options.folder !== undefined) {
    if (!/^\/(users\/\d+|me)\/(folders|projects)\/\d+$/.test(options.folder)) {
      throw new ConfigError(
        `--folder must be a folder URI like /users/123/folders/456 (got "${options.folder}").`,
      );
    }
    fields.folder_uri = options.folder;
  }
  return fields;
}

/**
 * After a failed or interrupted `--no-ledger` run: nothing recorded the upload, so a rerun cannot
 * continue it and makes a new video. Names each unfinished video, so that it can be deleted.
 */
export function noLedgerHint(outcomes: readonly FileOutcome[]): string {
  const unfinished = outcomes
    .filter((o) => o.status !== 'verified' && o.videoUri !== null)
    .map((o) => `${o.videoUri}${o.link ? ` (${o.link})` : ''}`);
  const start =
    'This run used --no-ledger, so nothing recorded it: running the same command again starts a NEW ' +
    'video and sends the whole file again (run without --no-ledger to make uploads resumable).';
  if (unfinished.length === 0) return start;
  return (
    `${start} Unfinished video${unfinished.length > 1 ? 's' : ''} left on Vimeo: ${unfinished.join(', ')}; ` +
    'delete it on vimeo.com (or with DELETE /videos/{id}) if you start again.'
  );
}

function defaultName(file: PlannedFile): string {
  const base = file.display.split(/[\\/]/).pop() ?? file.display;
  return base.replace(/\.[^.]+$/, '') || base;
}
