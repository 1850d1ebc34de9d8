/**
 * The fleet end to end: the built binary's `queue add` and `queue work` processes on a real
 * redis-server and a real sandbox. Several workers share one queue; one is SIGKILLed in the middle
 * of an upload and its job is taken over and continued on the same video; a source queued twice
 * is one job; SIGTERM puts a running upload back, resumable. Every source ends as exactly one
 * video holding exactly its bytes.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { buildDist, type CliRun, parseEvents } from '../cli/helpers/spawn-cli.js';
import { MiB, randomFile, sandboxFor, scratchDir, type TestFile } from '../e2e/helpers/engine-helpers.js';
import { type RedisServer, SKIP_REDIS, startRedis } from '../helpers/redis-server.js';
import {
  cli,
  expectOneVideoPerSource,
  fleetEnv,
  startWorker,
  totals,
  waitUntil,
  workerEvents,
} from './fleet-helpers.js';

const FILE_BYTES = 3 * MiB + 777;

let redis: RedisServer | undefined;
let sandbox: Sandbox | undefined;
let scratch: Awaited<ReturnType<typeof scratchDir>> | undefined;
const workers = new Set<CliRun>();

beforeAll(async () => {
  await buildDist();
}, 180_000);

afterEach(async () => {
  for (const worker of workers) worker.child.kill('SIGKILL');
  await Promise.all([...workers].map((worker) => worker.done));
  workers.clear();
  await sandbox?.close();
  await redis?.close();
  await scratch?.cleanup();
  sandbox = undefined;
  redis = undefined;
  scratch = undefined;
});

async function setUp(
  count: number,
): Promise<{ env: Record<string, string>; dir: string; files: TestFile[] }> {
  scratch = await scratchDir();
  redis = await startRedis({ appendOnly: true });
  // Throttled, so that an upload is still running when a worker is killed.
  sandbox = await sandboxFor({ faults: { throttleBytesPerSecond: 2 * MiB } });
  const files: TestFile[] = [];
  for (let i = 0; i < count; i++) files.push(await randomFile(scratch.dir, `clip-${i}.mp4`, FILE_BYTES + i));
  return { env: fleetEnv(sandbox, redis.url, scratch.dir), dir: scratch.dir, files };
}

async function worker(
  env: Record<string, string>,
  dir: string,
  args: readonly string[] = [],
): Promise<CliRun> {
  const run = await startWorker(env, dir, args);
  workers.add(run);
  return run;
}

/** True once some video holds part (not all) of its bytes. */
async function someUploadHalfway(): Promise<boolean> {
  const state = await sandbox?.state({ hashes: false });
  return (state?.videos ?? []).some((video) => video.storedBytes > 0 && video.storedBytes < video.sizeBytes);
}

describe.skipIf(SKIP_REDIS)('queue add / work on redis-server', () => {
  it('a source queued twice is one job; a SIGKILLed worker’s upload is continued by another on the same video', async () => {
    const { env, dir, files } = await setUp(4);
    const first = await cli(['queue', 'add', dir, '--json'], env, dir);
    expect(first.code, first.stderr).toBe(0);
    expect(parseEvents(first.stdout).at(-1)).toEqual({ type: 'summary', added: 4, alreadyQueued: 0 });
    const again = await cli(['queue', 'add', files[0]?.path ?? '', dir, '--json'], env, dir);
    expect(again.code, again.stderr).toBe(0);
    expect(parseEvents(again.stdout).at(-1)).toEqual({ type: 'summary', added: 0, alreadyQueued: 4 });
    expect(await totals(env, dir)).toMatchObject({ total: 4, waiting: 4, verified: 0, failed: 0 });

    // One worker alone, killed while an upload is half-way.
    const doomed = await worker(env, dir, ['--concurrency', '2']);
    await waitUntil(someUploadHalfway, 30_000, 'an upload half-way');
    doomed.child.kill('SIGKILL');
    await doomed.done;
    workers.delete(doomed);
    const killedStarts = workerEvents((await doomed.done).stdout).filter((e) => e.type === 'started');
    expect(killedStarts.length).toBeGreaterThan(0);

    // Two others take everything over, the killed worker's jobs included.
    const a = await worker(env, dir, ['--concurrency', '2']);
    const b = await worker(env, dir, ['--concurrency', '1']);
    await waitUntil(async () => (await totals(env, dir)).verified === 4, 90_000, 'every job verified');
    expect(await totals(env, dir)).toMatchObject({ total: 4, verified: 4, failed: 0, active: 0, waiting: 0 });
    await expectOneVideoPerSource(sandbox as Sandbox, files);

    const outputs = await Promise.all([a, b].map((run) => stopWorker(run)));
    const verified = outputs.flatMap((out) => workerEvents(out).filter((e) => e.type === 'verified'));
    // Each job verified once, each on its own video; the killed worker's uploads were continued.
    expect(new Set(verified.map((e) => e.jobId)).size).toBe(4);
    expect(verified).toHaveLength(4);
    expect(new Set(verified.map((e) => e.videoUri)).size).toBe(4);
    const killedJobs = new Set(killedStarts.map((e) => e.jobId));
    const continued = verified.filter((e) => killedJobs.has(e.jobId));
    expect(continued.length).toBe(killedJobs.size);
    expect(continued.some((e) => e.resumed === true)).toBe(true);

    const status = await cli(['queue', 'status', '--files', '--json'], env, dir);
    const jobs = parseEvents(status.stdout).filter((e) => e.type === 'job');
    expect(jobs).toHaveLength(4);
    for (const job of jobs) expect(job).toMatchObject({ state: 'verified', errorCode: null });
  }, 150_000);

  it('SIGTERM stops a running upload at a resumable point and requeues it; the next worker continues it', async () => {
    const { env, dir, files } = await setUp(1);
    expect((await cli(['queue', 'add', dir], env, dir)).code).toBe(0);
    const first = await worker(env, dir);
    await waitUntil(someUploadHalfway, 30_000, 'the upload half-way');
    first.child.kill('SIGTERM');
    const ended = await first.done;
    workers.delete(first);
    expect(ended.code, ended.stderr).toBe(0);
    const events = workerEvents(ended.stdout);
    expect(events.map((e) => e.type)).toEqual(['ready', 'started', 'requeued', 'stopped']);
    expect(await totals(env, dir)).toMatchObject({ total: 1, waiting: 1, active: 0, failed: 0 });

    const second = await worker(env, dir);
    await waitUntil(async () => (await totals(env, dir)).verified === 1, 60_000, 'the job verified');
    const verified = workerEvents(await stopWorker(second)).find((e) => e.type === 'verified');
    expect(verified).toMatchObject({ resumed: true });
    await expectOneVideoPerSource(sandbox as Sandbox, files);
  }, 120_000);
});

/** Stops a worker with SIGTERM and returns what it printed. */
async function stopWorker(run: CliRun): Promise<string> {
  run.child.kill('SIGTERM');
  const ended = await run.done;
  workers.delete(run);
  expect(ended.code, ended.stderr).toBe(0);
  return ended.stdout;
}
