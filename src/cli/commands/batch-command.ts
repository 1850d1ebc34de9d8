/**
 * What the batch commands (`upload`, `replace`, `demo` through upload, and `resume`) share around
 * their batch: the engine options every file gets, and the `--json` promise that the `summary`
 * event is the last stdout line even when the command stops with an error before its batch ends.
 */
import { type CliConfig, TOKEN_HELP } from '../../config/cli-config.js';
import { ConfigError } from '../../errors.js';
import type { BatchParams } from '../batch.js';
import type { ExitCodeValue } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { writeJsonFatal } from '../render/json-reporter.js';

/** Files uploaded at the same time when `--concurrency` is not given. */
export const DEFAULT_CONCURRENCY = 2;

/**
 * The checked `--concurrency` of a batch command.
 * @throws ConfigError unless it is a whole number ≥ 1.
 */
export function batchConcurrency(value: number | undefined): number {
  const concurrency = value ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigError('--concurrency must be a whole number ≥ 1.');
  }
  return concurrency;
}

/** Filled in by a batch command as it runs, read if it fails. */
export interface BatchCommandState {
  /** Set once the batch's reporter has written its summary (nothing may follow it). */
  summaryWritten: boolean;
  /** Strings never to show (the token, once it is known). */
  readonly secrets: string[];
}

/**
 * Runs a batch command. With `json`, an error thrown before the batch's summary was written is
 * reported as an `error` event and a `summary` (see {@link writeJsonFatal}); it is rethrown either
 * way, so that run.ts prints it on stderr and maps it to the same exit code.
 */
export async function runBatchCommand(
  json: boolean,
  io: CliIo,
  body: (state: BatchCommandState) => Promise<ExitCodeValue>,
): Promise<ExitCodeValue> {
  const startedAtMs = io.now();
  const state: BatchCommandState = { summaryWritten: false, secrets: [] };
  try {
    return await body(state);
  } catch (error) {
    if (json && !state.summaryWritten) {
      const write = (text: string): void => {
        io.stdout.write(text);
      };
      writeJsonFatal({ write, now: io.now }, error, state.secrets, startedAtMs);
    }
    throw error;
  }
}

/**
 * Fails a batch command with `error` found before it could start (a bad argument, no sample file):
 * with `json`, the `error` and `summary` lines first. Always rejects with `error`.
 */
export function failBatchCommand(json: boolean, io: CliIo, error: unknown): Promise<never> {
  return runBatchCommand(json, io, () => Promise.reject(error)) as Promise<never>;
}

/** The engine options, secrets and auth advice every file of a batch shares. */
export function batchBasics(
  config: CliConfig,
  flags: {
    readonly chunkSizeBytes?: number | undefined;
    readonly wait?: boolean | undefined;
    readonly verifyTimeoutSeconds?: number | undefined;
  },
): Pick<BatchParams, 'options' | 'secrets' | 'authHint'> {
  return {
    options: {
      token: config.token,
      apiUrl: config.apiUrl,
      ...(flags.chunkSizeBytes === undefined ? {} : { chunkSizeBytes: flags.chunkSizeBytes }),
      ...(flags.wait ? { waitForProcessing: true } : {}),
      ...(flags.verifyTimeoutSeconds === undefined
        ? {}
        : { verifyTimeoutMs: flags.verifyTimeoutSeconds * 1000 }),
    },
    secrets: [config.token],
    authHint: `The token was rejected. ${TOKEN_HELP}`,
  };
}
