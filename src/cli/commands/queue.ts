/**
 * `vimeo-tus queue add|work|status|retry|forget`: the fleet's commands on a BullMQ queue in Redis
 * (src/queue). This module is imported on demand (bullmq and ioredis are start-up cost for every
 * other command). Machine output (`--json`) is NDJSON; the token comes from VIMEO_TOKEN or
 * --token-file and is never queued.
 */
import { realpath } from 'node:fs/promises';
import { resolveCliConfig } from '../../config/cli-config.js';
import { ConfigError, FileError, type FileErrorCode, VimeoTusError } from '../../errors.js';
import {
  type AddOutcome,
  addToQueue,
  forgetFinished,
  type QueueEntry,
  queueJobs,
  queueTotals,
  retryFailed,
} from '../../queue/admin.js';
import { checkRedisUrl } from '../../queue/connection.js';
import { type FleetWorkerEvent, startFleetWorker } from '../../queue/worker.js';
import { isUrlSource, probeUrl } from '../../sources/url-source.js';
import type { VideoFields } from '../../upload/types.js';
import { VimeoClient } from '../../vimeo/client.js';
import { missingFileError } from '../batch.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { compileInclude, planFiles } from '../files.js';
import type { CliIo } from '../io.js';
import { stripControl } from '../render/format.js';
import { formatBytes } from '../size.js';
import { type UploadCommandOptions, videoFields } from './upload.js';

/** `--queue`, else `VIMEO_TUS_QUEUE`. */
export function queueUrlOf(flag: string | undefined, io: Pick<CliIo, 'env'>): string {
  return checkRedisUrl(flag ?? io.env.VIMEO_TUS_QUEUE);
}

/** Options of `queue add`. */
export interface QueueAddOptions
  extends Pick<UploadCommandOptions, 'name' | 'description' | 'privacy' | 'folder' | 'include'> {
  readonly queue?: string | undefined;
  readonly password?: string | undefined;
  readonly json?: boolean | undefined;
}

/** `queue add <files|dirs|urls...>`: one job per source; a source already queued adds nothing. */
export async function queueAddCommand(
  inputs: readonly string[],
  options: QueueAddOptions,
  io: CliIo,
): Promise<ExitCodeValue> {
  const redisUrl = queueUrlOf(options.queue, io);
  if (inputs.length === 0) throw new ConfigError('Nothing to queue: give files, directories or URLs.');
  const base: VideoFields = {
    ...videoFields(options),
    ...(options.password !== undefined ? { password: options.password } : {}),
  };
  const urls = inputs.filter(isUrlSource);
  const paths = inputs.filter((input) => !isUrlSource(input));
  const entries: QueueEntry[] = [];
  const planned =
    paths.length > 0 ? await planFiles(paths, { cwd: io.cwd, include: compileInclude(options.include) }) : [];
  // As for `upload`: a file that cannot be read, or an empty file named on its own, refuses the
  // whole add (a worker could only fail it); an empty file found in a folder is skipped.
  const missing = planned.find((file) => file.sizeBytes === null);
  if (missing) {
    const error = await missingFileError(missing);
    throw new FileError(error.code as FileErrorCode, error.path, `Nothing was queued: ${error.message}.`);
  }
  const empty = planned.find((file) => file.sizeBytes === 0 && file.skip === undefined);
  if (empty) {
    throw new FileError('E_FILE_EMPTY', empty.display, `Nothing was queued: ${empty.display} is empty.`);
  }
  const skipped = planned.filter((file) => file.skip === 'empty').map((file) => file.display);
  for (const file of planned) {
    if (file.skip === 'empty') continue;
    const key = await realpath(file.absolutePath);
    entries.push({
      identityKey: key,
      data: {
        source: key,
        display: key,
        sizeBytes: file.sizeBytes ?? 0,
        video: withName(base, options, file.display),
      },
    });
  }
  for (const url of urls) {
    const probe = await probeUrl(url, io.signal);
    entries.push({
      identityKey: probe.display,
      data: {
        source: url,
        display: probe.display,
        sizeBytes: probe.sizeBytes,
        video: withName(base, options, probe.display),
      },
    });
  }
  if (options.name !== undefined && entries.length > 1) {
    throw new ConfigError(
      '--name applies to one source; this command has several (drop --name to use file names).',
    );
  }
  const outcomes = await addToQueue(redisUrl, entries);
  printAdded(outcomes, skipped, options.json ?? false, io);
  return ExitCode.Ok;
}

function withName(base: VideoFields, options: QueueAddOptions, display: string): VideoFields {
  const last = display.split(/[\\/]/).pop() ?? display;
  const name = options.name ?? (last.replace(/\.[^.]+$/, '') || last);
  return { name, ...base };
}

function printAdded(
  outcomes: readonly AddOutcome[],
  skipped: readonly string[],
  json: boolean,
  io: CliIo,
): void {
  const added = outcomes.filter((o) => o.added).length;
  if (json) {
    for (const o of outcomes) {
      io.stdout.write(
        `${JSON.stringify({ type: 'queued', source: o.source, jobId: o.jobId, sizeBytes: o.sizeBytes, added: o.added })}\n`,
      );
    }
    for (const source of skipped) {
      io.stdout.write(`${JSON.stringify({ type: 'skipped', source, reason: 'empty' })}\n`);
    }
    io.stdout.write(
      `${JSON.stringify({ type: 'summary', added, alreadyQueued: outcomes.length - added, skipped: skipped.length })}\n`,
    );
    return;
  }
  for (const o of outcomes) {
    io.stdout.write(
      `${o.added ? 'queued        ' : 'already queued'}  ${stripControl(o.source)} (${formatBytes(o.sizeBytes)})\n`,
    );
  }
  for (const source of skipped) io.stdout.write(`skipped         ${stripControl(source)} (empty)\n`);
  const skippedText = skipped.length > 0 ? `, ${skipped.length} skipped (empty)` : '';
  io.stdout.write(`${added} added, ${outcomes.length - added} already in the queue${skippedText}.\n`);
}

/** Options of `queue work`. */
export interface QueueWorkOptions {
  readonly queue?: string | undefined;
  readonly concurrency?: number | undefined;
  readonly chunkSizeBytes?: number | undefined;
  readonly tokenFile?: string | undefined;
  readonly json?: boolean | undefined;
}

/**
 * `queue work`: takes jobs until SIGTERM/SIGINT, then stops the running uploads at a resumable
 * point, puts their jobs back and exits 0. Timings can be tuned through the environment
 * (VIMEO_TUS_QUEUE_LOCK_MS, VIMEO_TUS_QUEUE_STALLED_MS, VIMEO_TUS_QUEUE_LEDGER_STALE_MS), and the
 * API calls kept in reserve before the queue pauses (VIMEO_TUS_QUEUE_RATE_LIMIT_RESERVE).
 */
export async function queueWorkCommand(options: QueueWorkOptions, io: CliIo): Promise<ExitCodeValue> {
  const redisUrl = queueUrlOf(options.queue, io);
  const config = await resolveCliConfig({
    env: io.env,
    flags: { tokenFile: options.tokenFile },
    readTextFile: io.readTextFile,
  });
  const json = options.json ?? false;
  const print = (event: FleetWorkerEvent): void => {
    if (json) io.stdout.write(`${JSON.stringify({ ...event, time: new Date(io.now()).toISOString() })}\n`);
    else io.stdout.write(`${describeEvent(event)}\n`);
  };
  const lockMs = envMs(io, 'VIMEO_TUS_QUEUE_LOCK_MS');
  const stalledMs = envMs(io, 'VIMEO_TUS_QUEUE_STALLED_MS');
  const ledgerStaleMs = envMs(io, 'VIMEO_TUS_QUEUE_LEDGER_STALE_MS');
  const reserve = envCount(io, 'VIMEO_TUS_QUEUE_RATE_LIMIT_RESERVE');
  await assertTokenAccepted(config, io);
  const worker = await startFleetWorker({
    redisUrl,
    token: config.token,
    apiUrl: config.apiUrl,
    concurrency: options.concurrency ?? 2,
    ...(options.chunkSizeBytes !== undefined ? { chunkSizeBytes: options.chunkSizeBytes } : {}),
    ...(lockMs !== undefined ? { jobLockMs: lockMs } : {}),
    ...(stalledMs !== undefined ? { stalledCheckMs: stalledMs } : {}),
    ...(ledgerStaleMs !== undefined ? { ledgerLockStaleMs: ledgerStaleMs } : {}),
    ...(reserve !== undefined ? { rateLimitReserve: reserve } : {}),
    onEvent: print,
  });
  if (json) io.stdout.write(`${JSON.stringify({ type: 'ready', pid: process.pid })}\n`);
  else io.stdout.write(`Worker ready (pid ${process.pid}); stop it with SIGTERM or Ctrl-C.\n`);
  await Promise.race([
    worker.closed,
    new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
    }),
  ]);
  const { graceful } = await worker.stop();
  if (json) io.stdout.write(`${JSON.stringify({ type: 'stopped', graceful })}\n`);
  else if (graceful) io.stdout.write('Worker stopped; its unfinished uploads are back in the queue.\n');
  else {
    io.stdout.write(
      "Worker stopped without putting its uploads back (the queue's Redis did not answer); " +
        'the other workers take them over as stalled jobs once Redis is back.\n',
    );
  }
  const refused = worker.refusedToken();
  if (refused) throw refused;
  return ExitCode.Ok;
}

/**
 * A worker whose token Vimeo refuses would take jobs only to put them back: it stops before it
 * starts (E_AUTH, exit 3). Any other failure of the check (Vimeo unreachable for now) is left to the
 * jobs, which retry; the check gives up after 10 s.
 */
async function assertTokenAccepted(config: { token: string; apiUrl: string }, io: CliIo): Promise<void> {
  const signal = AbortSignal.any([io.signal, AbortSignal.timeout(10_000)]);
  const client = new VimeoClient({ token: config.token, apiUrl: config.apiUrl, signal });
  try {
    await client.getMe({ signal });
  } catch (error) {
    if (error instanceof VimeoTusError && error.code === 'E_AUTH') throw error;
  }
}

function envMs(io: Pick<CliIo, 'env'>, name: string): number | undefined {
  return envWhole(io, name, 100, 'ms');
}

function envCount(io: Pick<CliIo, 'env'>, name: string): number | undefined {
  return envWhole(io, name, 0, 'API calls');
}

/** A whole number >= `min` from the environment; undefined when unset. */
function envWhole(io: Pick<CliIo, 'env'>, name: string, min: number, unit: string): number | undefined {
  const text = io.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(`${name} must be a whole number of ${unit} >= ${min}`);
  }
  return value;
}

function describeEvent(event: FleetWorkerEvent): string {
  switch (event.type) {
    case 'started':
      return `started   ${stripControl(event.source)} (attempt ${event.attempt})`;
    case 'verified':
      return `verified  ${stripControl(event.source)} → ${event.link || event.videoUri}${event.resumed ? ' (continued)' : ''}`;
    case 'failed':
      return `failed    ${stripControl(event.source)}: ${stripControl(event.message)} [${event.code}]${event.willRetry ? ' (will retry)' : ''}`;
    case 'rate-limited':
      return `rate limit: the whole queue pauses for ${Math.ceil(event.pauseMs / 1000)} s`;
    case 'rate-limit-low':
      return `rate limit: ${event.remaining} API calls left in this window; the whole queue pauses for ${Math.ceil(event.pauseMs / 1000)} s`;
    case 'requeued':
      return `requeued  ${stripControl(event.source)} (stopped at a resumable point)`;
    case 'token-refused':
      return `requeued  ${stripControl(event.source)}: Vimeo refused this worker's token; the worker stops`;
  }
}

/** Options of `queue status`. */
export interface QueueStatusOptions {
  readonly queue?: string | undefined;
  readonly json?: boolean | undefined;
  readonly files?: boolean | undefined;
}

/** `queue status`: totals, and with `--files` one line per source. JSON ends with the totals object. */
export async function queueStatusCommand(options: QueueStatusOptions, io: CliIo): Promise<ExitCodeValue> {
  const redisUrl = queueUrlOf(options.queue, io);
  const json = options.json ?? false;
  if (!options.files) {
    const totals = await queueTotals(redisUrl);
    io.stdout.write(json ? `${JSON.stringify({ type: 'totals', ...totals })}\n` : `${totalsLine(totals)}\n`);
    return ExitCode.Ok;
  }
  const { totals, jobs } = await queueJobs(redisUrl);
  for (const job of jobs) {
    if (json) io.stdout.write(`${JSON.stringify({ type: 'job', ...job })}\n`);
    else {
      const where = job.link ?? job.videoUri ?? '';
      const progress =
        job.bytesAcked !== null
          ? `${formatBytes(job.bytesAcked)}/${formatBytes(job.sizeBytes)}`
          : formatBytes(job.sizeBytes);
      const error = job.error ? `  ${stripControl(job.error)}` : '';
      io.stdout.write(`${job.state.padEnd(8)}  ${stripControl(job.source)}  ${progress}  ${where}${error}\n`);
    }
  }
  io.stdout.write(json ? `${JSON.stringify({ type: 'totals', ...totals })}\n` : `${totalsLine(totals)}\n`);
  return ExitCode.Ok;
}

function totalsLine(t: {
  total: number;
  waiting: number;
  active: number;
  delayed: number;
  verified: number;
  failed: number;
}): string {
  return `${t.total} jobs: ${t.verified} verified, ${t.active} active, ${t.waiting} waiting, ${t.delayed} delayed (retry later), ${t.failed} failed`;
}

/** `queue retry`: failed jobs go back to the waiting list. */
export async function queueRetryCommand(
  options: { readonly queue?: string | undefined; readonly json?: boolean | undefined },
  io: CliIo,
): Promise<ExitCodeValue> {
  const count = await retryFailed(queueUrlOf(options.queue, io));
  io.stdout.write(
    options.json ? `${JSON.stringify({ type: 'retried', count })}\n` : `${count} failed jobs requeued.\n`,
  );
  return ExitCode.Ok;
}

/** `queue forget`: drops verified jobs (and failed ones with `--failed`); the ledger's records stay. */
export async function queueForgetCommand(
  options: {
    readonly queue?: string | undefined;
    readonly failed?: boolean | undefined;
    readonly json?: boolean | undefined;
  },
  io: CliIo,
): Promise<ExitCodeValue> {
  const count = await forgetFinished(queueUrlOf(options.queue, io), { failed: options.failed ?? false });
  io.stdout.write(
    options.json ? `${JSON.stringify({ type: 'forgotten', count })}\n` : `${count} finished jobs dropped.\n`,
  );
  return ExitCode.Ok;
}
