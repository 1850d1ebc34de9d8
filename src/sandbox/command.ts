/**
 * `vimeo-tus sandbox`: run the local Vimeo-compatible sandbox in the foreground until SIGINT or
 * SIGTERM (or the given AbortSignal), then close it cleanly. Never calls `process.exit`.
 */
import type { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import {
  collectForeignLinkFault,
  collectLyingHeadFault,
  collectResetFault,
  collectStallFault,
  collectStatusFault,
  parseDelayMsOrNever,
  parseNonNegativeInt,
  parsePort,
  parsePositiveInt,
  parseScopes,
} from './cli-parsers.js';
import type {
  Faults,
  ForeignLinkFault,
  LyingHeadFault,
  ResetFault,
  Sandbox,
  SandboxOptions,
  StallFault,
  StatusFault,
  VideoOutcome,
  VimeoScope,
} from './types.js';

const VIDEO_OUTCOMES: readonly VideoOutcome[] = [
  'available',
  'uploading_error',
  'transcoding_error',
  'quota_exceeded',
  'total_cap_exceeded',
];

interface SandboxFlags {
  port?: number;
  uploadPort?: number;
  dataDir?: string;
  token?: string;
  scopes?: VimeoScope[];
  json?: boolean;
  throttle?: number;
  linkTtlMs?: number;
  expiredLinkStatus?: number;
  dropPartial?: boolean;
  linkDiesOnCompletion?: boolean;
  fail?: StatusFault[];
  resetPatch?: ResetFault[];
  stallPatch?: StallFault[];
  foreignLink?: ForeignLinkFault[];
  lyingHead?: LyingHeadFault[];
  quoteUploadId?: boolean;
  processingDelayMs?: number;
  uploadCompleteDelayMs?: number;
  transcodeDelayMs?: number;
  transcodeError?: boolean;
  videoOutcome?: VideoOutcome;
  rateLimit?: number;
  rateLimitWindowMs?: number;
  rateLimitResetFormat?: 'iso' | 'unix';
  quotaBytes?: number;
  quotaVideos?: number;
  createStatus?: number;
  requireVersionHeader?: boolean;
}

/** Where the command writes and what stops it (tests pass their own). */
export interface SandboxCommandIo {
  readonly stdout?: Writable;
  /** Stops the sandbox like SIGINT would. */
  readonly signal?: AbortSignal;
  /** Called once the sandbox listens. */
  readonly onStarted?: (sandbox: Sandbox) => void;
  /**
   * Parses `--throttle` (bytes per second). The CLI passes its size parser, so `10MiB` means here
   * what it means for `demo --rate`. @default whole bytes only
   */
  readonly parseRate?: (value: string) => number;
}

/** A port the sandbox cannot listen on: a condition the user caused, told in one line. */
export class SandboxPortError extends Error {
  readonly code: string;
  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SandboxPortError';
    this.code = code;
  }
}

/** Starts the sandbox; a port in use or not allowed becomes a {@link SandboxPortError}. */
async function startOn(options: SandboxOptions): Promise<Sandbox> {
  const { startSandbox } = await import('./index.js');
  try {
    return await startSandbox(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
    const which =
      options.port !== undefined && options.uploadPort !== undefined
        ? `port ${options.port} (--port) or ${options.uploadPort} (--upload-port)`
        : options.uploadPort !== undefined
          ? `port ${options.uploadPort} (--upload-port)`
          : `port ${options.port ?? 0} (--port)`;
    const reason = code === 'EADDRINUSE' ? 'is already in use' : 'may not be opened by this user';
    throw new SandboxPortError(
      `The sandbox cannot listen: ${which} ${reason}. Choose another, or 0 for a free port.`,
      code,
      { cause: error },
    );
  }
}

/** Turn parsed flags into startSandbox options. */
export function sandboxOptionsFromFlags(flags: SandboxFlags): SandboxOptions {
  const faults: Faults = {
    ...(flags.fail ? { status: flags.fail } : {}),
    ...(flags.resetPatch ? { resets: flags.resetPatch } : {}),
    ...(flags.stallPatch ? { stalls: flags.stallPatch } : {}),
    ...(flags.foreignLink ? { foreignUploadLinks: flags.foreignLink } : {}),
    ...(flags.lyingHead ? { lyingHeads: flags.lyingHead } : {}),
    ...(flags.quoteUploadId ? { quoteUploadIdInErrors: true } : {}),
    ...(flags.throttle === undefined ? {} : { throttleBytesPerSecond: flags.throttle }),
    ...(flags.linkTtlMs === undefined ? {} : { linkTtlMs: flags.linkTtlMs }),
    ...(flags.expiredLinkStatus === undefined ? {} : { expiredLinkStatus: flags.expiredLinkStatus }),
    ...(flags.dropPartial ? { dropPartial: true } : {}),
    ...(flags.linkDiesOnCompletion ? { linkDiesOnCompletion: true } : {}),
  };
  const uploadCompleteDelayMs = flags.uploadCompleteDelayMs ?? flags.processingDelayMs;
  const transcodeDelayMs = flags.transcodeDelayMs ?? flags.processingDelayMs;
  return {
    ...(flags.port === undefined ? {} : { port: flags.port }),
    ...(flags.uploadPort === undefined ? {} : { uploadPort: flags.uploadPort }),
    ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
    ...(flags.token === undefined ? {} : { token: flags.token }),
    ...(flags.scopes === undefined ? {} : { scopes: flags.scopes }),
    ...(uploadCompleteDelayMs === undefined ? {} : { uploadCompleteDelayMs }),
    ...(transcodeDelayMs === undefined ? {} : { transcodeDelayMs }),
    ...(flags.transcodeError ? { transcodeOutcome: 'error' as const } : {}),
    ...(flags.videoOutcome === undefined ? {} : { videoOutcome: flags.videoOutcome }),
    ...(flags.rateLimit === undefined ? {} : { rateLimit: flags.rateLimit }),
    ...(flags.rateLimitWindowMs === undefined ? {} : { rateLimitWindowMs: flags.rateLimitWindowMs }),
    ...(flags.rateLimitResetFormat === undefined ? {} : { rateLimitResetFormat: flags.rateLimitResetFormat }),
    ...(flags.quotaBytes === undefined ? {} : { quotaBytes: flags.quotaBytes }),
    ...(flags.quotaVideos === undefined ? {} : { quotaVideos: flags.quotaVideos }),
    ...(flags.createStatus === 201 ? { createStatus: 201 as const } : {}),
    ...(flags.requireVersionHeader ? { requireVersionHeader: true } : {}),
    faults,
  };
}

function waitForStop(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}

/**
 * The `sandbox` command for the CLI program (`program.addCommand(sandboxCommand())`).
 * @example vimeo-tus sandbox --json --throttle 1048576
 */
export function sandboxCommand(io: SandboxCommandIo = {}): Command {
  return new Command('sandbox')
    .description('Run a local Vimeo-compatible API and tus upload host (for demos and tests)')
    .option('--port <n>', 'API host port (0 = free port)', parsePort)
    .option('--upload-port <n>', 'upload host port (0 = free port)', parsePort)
    .option('--data-dir <dir>', 'where videos and bytes are kept (default: a fresh temporary folder)')
    .option('--token <token>', "the Bearer token to accept (default: 'sandbox-token')")
    .option(
      '--scopes <list>',
      'scopes of the token, comma-separated (default: public,private,upload,edit,delete)',
      parseScopes,
    )
    .option('--json', 'print one JSON line {"apiUrl","uploadUrl","token"} and nothing else on stdout')
    .option(
      '--throttle <rate>',
      'limit each PATCH body to this many bytes a second, e.g. 1MiB',
      io.parseRate ?? parsePositiveInt,
    )
    .option('--link-ttl-ms <ms>', 'upload links die this long after they are issued', parseNonNegativeInt)
    .option('--expired-link-status <status>', 'what a dead link answers (default 404)', parsePositiveInt)
    .option('--drop-partial', 'drop all bytes of an interrupted PATCH (default: keep them)')
    .option('--link-dies-on-completion', 'upload links answer 404 once their upload is complete')
    .option('--fail <spec>', 'answer a status to a request (SPEC below)', collectStatusFault)
    .option(
      '--reset-patch <n:bytes>',
      'reset PATCH N after BYTES of its body (N, N+COUNT or *)',
      collectResetFault,
    )
    .option('--stall-patch <n:ms[:bytes]>', 'stop reading PATCH N for MS ms', collectStallFault)
    .option(
      '--foreign-link <kind:n>',
      'create or version answer N names a link on a foreign tus host',
      collectForeignLinkFault,
    )
    .option(
      '--lying-head <n[:bytes]>',
      'HEAD N reports every byte once BYTES are stored',
      collectLyingHeadFault,
    )
    .option('--quote-upload-id', 'error answers quote the upload id (bare and URL-encoded)')
    .option('--processing-delay-ms <ms>', 'both delays below at once', parseNonNegativeInt)
    .option(
      '--upload-complete-delay-ms <ms>',
      'last byte → upload.status complete (default 100; never: stays in_progress)',
      parseDelayMsOrNever,
    )
    .option(
      '--transcode-delay-ms <ms>',
      'upload complete → transcode.status final (default 200)',
      parseNonNegativeInt,
    )
    .option('--transcode-error', 'transcoding ends in error instead of complete')
    .addOption(
      new Option('--video-outcome <status>', 'final top-level status of every video').choices(VIDEO_OUTCOMES),
    )
    .option('--rate-limit <n>', 'API requests allowed per window (default 10000)', parsePositiveInt)
    .option('--rate-limit-window-ms <ms>', 'rate-limit window (default 60000)', parsePositiveInt)
    .addOption(
      new Option('--rate-limit-reset-format <f>', 'X-RateLimit-Reset style').choices(['iso', 'unix']),
    )
    .option('--quota-bytes <n>', 'storage quota in bytes (create beyond it → 403/4101)', parseNonNegativeInt)
    .option('--quota-videos <n>', 'video-count quota (create beyond it → 403/4102)', parseNonNegativeInt)
    .addOption(
      new Option('--create-status <status>', 'status of a successful create')
        .choices(['200', '201'])
        .argParser(Number),
    )
    .option('--require-version-header', 'answer 400/3116 to uploads without Accept ...;version=3.4')
    .addHelpText(
      'after',
      `
--fail SPEC: KIND:N:STATUS[:RETRY_AFTER_S|none][:after|cut|after-cut]
  answers STATUS (4xx/5xx) to request N of KIND; N is N, N+COUNT or *; "none"
  sends no Retry-After; after: handle the request first, cut: cut the
  connection. KIND: create, version, get-video, edit-video, delete-video,
  list-videos, me, head, patch, options, upload-other.`,
    )
    .action(async (flags: SandboxFlags) => {
      // startOn loads the sandbox here, not at the top: every CLI command builds this command
      // object, and only this one needs @tus/server (start-up CPU and memory count in every upload).
      const stdout = io.stdout ?? process.stdout;
      const sandbox = await startOn(sandboxOptionsFromFlags(flags));
      if (flags.json) {
        stdout.write(
          `${JSON.stringify({ apiUrl: sandbox.apiUrl, uploadUrl: sandbox.uploadUrl, token: sandbox.token })}\n`,
        );
      } else {
        stdout.write(
          [
            'Vimeo sandbox running',
            `  API:     ${sandbox.apiUrl}`,
            `  Upload:  ${sandbox.uploadUrl}`,
            `  Token:   ${sandbox.token}`,
            `  Data:    ${sandbox.dataDir}`,
            `  State:   ${sandbox.apiUrl}/__sandbox/state`,
            'Press Ctrl+C to stop.',
            '',
          ].join('\n'),
        );
      }
      io.onStarted?.(sandbox);
      await waitForStop(io.signal);
      await sandbox.close();
    });
}
