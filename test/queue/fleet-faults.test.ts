/**
 * The fleet when the shared pieces misbehave, with worker processes of the built binary, a real
 * redis-server and a real sandbox: Redis is killed and restarted on its append-only file in the
 * middle of the uploads; the account's rate limit answers 429 to several workers. Either way no job
 * is lost or failed, and every source ends as exactly one video holding exactly its bytes.
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

async function files(count: number, sizeBytes: number): Promise<TestFile[]> {
  const made: TestFile[] = [];
  for (let i = 0; i < count; i++)
    made.push(await randomFile(scratch?.dir ?? '', `take-${i}.mp4`, sizeBytes + i));
  return made;
}

async function worker(env: Record<string, string>, args: readonly string[] = []): Promise<CliRun> {
  const run = await startWorker(env, scratch?.dir ?? '', args);
  workers.add(run);
  return run;
}

/** Stops every worker with SIGTERM and returns their events. */
async function stopAll(): Promise<Record<string, unknown>[][]> {
  const runs = [...workers];
  for (const run of runs) run.child.kill('SIGTERM');
  const ended = await Promise.all(runs.map((run) => run.done));
  workers.clear();
  for (const result of ended) expect(result.code, result.stderr).toBe(0);
  return ended.map((result) => workerEvents(result.stdout));
}

describe.skipIf(SKIP_REDIS)('fleet faults', () => {
  it('Redis killed and restarted on its append-only file mid-upload: nothing lost, no second video', async () => {
    scratch = await scratchDir();
    redis = await startRedis({ appendOnly: true });
    sandbox = await sandboxFor({ faults: { throttleBytesPerSecond: 2 * MiB } });
    const sources = await files(3, 3 * MiB);
    const env = fleetEnv(sandbox, redis.url, scratch.dir);
    expect((await cli(['queue', 'add', scratch.dir], env, scratch.dir)).code).toBe(0);
    await worker(env);
    await worker(env);
    await waitUntil(
      async () =>
        ((await sandbox?.state({ hashes: false }))?.videos ?? []).some(
          (v) => v.storedBytes > 0 && v.storedBytes < v.sizeBytes,
        ),
      30_000,
      'an upload half-way',
    );
    await redis.restart();
    await waitUntil(
      async () => (await totals(env, scratch?.dir ?? '')).verified === 3,
      90_000,
      'every job verified',
    );
    expect(await totals(env, scratch.dir)).toMatchObject({ total: 3, verified: 3, failed: 0 });
    await expectOneVideoPerSource(sandbox, sources);
    const verified = (await stopAll()).flat().filter((e) => e.type === 'verified');
    expect(new Set(verified.map((e) => e.jobId)).size).toBe(3);
    expect(new Set(verified.map((e) => e.videoUri)).size).toBe(3);
  }, 150_000);

  it('a 429 pauses the whole queue until the reset: every worker waits, no attempt is spent, nothing fails', async () => {
    scratch = await scratchDir();
    redis = await startRedis();
    // Few API calls per window: several workers meet the limit.
    sandbox = await sandboxFor({ rateLimit: 6, rateLimitWindowMs: 3000, rateLimitResetFormat: 'unix' });
    const sources = await files(6, 1 * MiB);
    const env = fleetEnv(sandbox, redis.url, scratch.dir);
    expect((await cli(['queue', 'add', scratch.dir], env, scratch.dir)).code).toBe(0);
    await worker(env, ['--concurrency', '2']);
    await worker(env, ['--concurrency', '2']);
    await waitUntil(
      async () => (await totals(env, scratch?.dir ?? '')).verified === 6,
      90_000,
      'every job verified',
    );
    expect(await totals(env, scratch.dir)).toMatchObject({ total: 6, verified: 6, failed: 0, delayed: 0 });
    await expectOneVideoPerSource(sandbox, sources);
    // A job put back by a rate limit keeps its attempts: each finished on its first.
    const status = await cli(['queue', 'status', '--files', '--json'], env, scratch.dir);
    const jobs = parseEvents(status.stdout).filter((e) => e.type === 'job');
    expect(jobs.map((job) => job.attempts)).toEqual([1, 1, 1, 1, 1, 1]);

    const events = (await stopAll()).flat();
    const limited = events.filter((e) => e.type === 'rate-limited');
    expect(limited.length).toBeGreaterThan(0);
    // A rate limit is never a failure of the job.
    expect(events.filter((e) => e.type === 'failed')).toEqual([]);
    // While the queue is paused, no worker (neither the one that met the 429 nor the other)
    // starts a job: each pause is followed by a start only after it ends (a little slack for a
    // job taken just before the pause was written).
    const starts = events.filter((e) => e.type === 'started').map((e) => Date.parse(String(e.time)));
    for (const pause of limited) {
      const from = Date.parse(String(pause.time)) + 300;
      const until = Date.parse(String(pause.time)) + Number(pause.pauseMs) - 100;
      expect(
        starts.filter((t) => t > from && t < until),
        JSON.stringify(pause),
      ).toEqual([]);
    }
  }, 150_000);
});
