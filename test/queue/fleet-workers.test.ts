/**
 * The fleet end to end: the built binary's `queue add` and `queue work` processes on a real
 * redis-server and a real sandbox. Several workers share one queue; one is SIGKILLed in the middle
 * of an upload and its job is taken over and continued on the same video; a source queued twice
 * is one job; SIGTERM puts a running upload back, resumable. Every source ends as exactly one
 * video holding exactly its bytes.
 */
import { describe, expect, it } from 'vitest';
import { parseEvents } from '../cli/helpers/spawn-cli.js';
import { MiB } from '../e2e/helpers/engine-helpers.js';
import { SKIP_REDIS } from '../helpers/redis-server.js';
import {
  cli,
  expectOneVideoPerSource,
  someUploadHalfway,
  totals,
  useFleet,
  waitUntil,
  workerEvents,
} from './fleet-helpers.js';

const FILE_BYTES = 3 * MiB + 777;
// Throttled, so that an upload is still running when a worker is killed or stopped.
const SLOW = { appendOnly: true, sandbox: { faults: { throttleBytesPerSecond: 2 * MiB } } } as const;
const startFleet = useFleet();

describe.skipIf(SKIP_REDIS)('queue add / work on redis-server', () => {
  it('a source queued twice is one job; a SIGKILLed worker’s upload is continued by another on the same video', async () => {
    const fleet = await startFleet(SLOW);
    const { env, dir, sandbox } = fleet;
    const files = await fleet.files(4, FILE_BYTES);
    const first = await cli(['queue', 'add', dir, '--json'], env, dir);
    expect(first.code, first.stderr).toBe(0);
    expect(parseEvents(first.stdout).at(-1)).toEqual({
      type: 'summary',
      added: 4,
      alreadyQueued: 0,
      skipped: 0,
    });
    const again = await cli(['queue', 'add', files[0]?.path ?? '', dir, '--json'], env, dir);
    expect(again.code, again.stderr).toBe(0);
    expect(parseEvents(again.stdout).at(-1)).toEqual({
      type: 'summary',
      added: 0,
      alreadyQueued: 4,
      skipped: 0,
    });
    expect(await totals(env, dir)).toMatchObject({ total: 4, waiting: 4, verified: 0, failed: 0 });

    // One worker alone, killed while an upload is half-way.
    const doomed = await fleet.worker(['--concurrency', '2']);
    await waitUntil(() => someUploadHalfway(sandbox), 30_000, 'an upload half-way');
    const killedStarts = workerEvents(await fleet.kill(doomed)).filter((e) => e.type === 'started');
    expect(killedStarts.length).toBeGreaterThan(0);

    // Two others take everything over, the killed worker's jobs included.
    await fleet.worker(['--concurrency', '2']);
    await fleet.worker(['--concurrency', '1']);
    await waitUntil(async () => (await totals(env, dir)).verified === 4, 90_000, 'every job verified');
    expect(await totals(env, dir)).toMatchObject({ total: 4, verified: 4, failed: 0, active: 0, waiting: 0 });
    await expectOneVideoPerSource(sandbox, files);

    const verified = (await fleet.stopAll()).flat().filter((e) => e.type === 'verified');
    // Each job verified once, each on its own video; the killed worker's uploads were continued.
    expect(verified).toHaveLength(4);
    expect(new Set(verified.map((e) => e.jobId)).size).toBe(4);
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
    const fleet = await startFleet(SLOW);
    const { env, dir, sandbox } = fleet;
    const files = await fleet.files(1, FILE_BYTES);
    expect((await cli(['queue', 'add', dir], env, dir)).code).toBe(0);
    const first = await fleet.worker();
    await waitUntil(() => someUploadHalfway(sandbox), 30_000, 'the upload half-way');
    const signalledMs = Date.now();
    const events = workerEvents(await fleet.stop(first));
    // The bound (a requirement, not a speed measurement): gone within ten seconds of SIGTERM.
    expect(Date.now() - signalledMs).toBeLessThan(10_000);
    expect(events.map((e) => e.type)).toEqual(['ready', 'started', 'requeued', 'stopped']);
    expect(events.at(-1)).toMatchObject({ graceful: true });
    expect(await totals(env, dir)).toMatchObject({ total: 1, waiting: 1, active: 0, failed: 0 });
    await sandbox.idle();
    const keptBytes = (await sandbox.state({ hashes: false })).videos[0]?.storedBytes ?? 0;
    expect(keptBytes).toBeGreaterThan(0);
    expect(keptBytes).toBeLessThan(FILE_BYTES);

    // The next worker continues from the server's offset: it sends only the bytes the server lacks.
    const second = await fleet.worker();
    await waitUntil(async () => (await totals(env, dir)).verified === 1, 60_000, 'the job verified');
    const verified = workerEvents(await fleet.stop(second)).find((e) => e.type === 'verified');
    expect(verified).toMatchObject({ resumed: true, bytesSent: FILE_BYTES - keptBytes });
    await expectOneVideoPerSource(sandbox, files);
  }, 120_000);

  it('SIGTERM while Redis is down: the worker still exits within ten seconds; its job is taken over once Redis is back', async () => {
    const fleet = await startFleet(SLOW);
    const { env, dir, sandbox, redis } = fleet;
    const files = await fleet.files(1, FILE_BYTES, 'cut');
    expect((await cli(['queue', 'add', dir], env, dir)).code).toBe(0);
    const first = await fleet.worker();
    await waitUntil(() => someUploadHalfway(sandbox), 30_000, 'the upload half-way');
    await redis.kill();
    const signalledMs = Date.now();
    const events = workerEvents(await fleet.stop(first));
    expect(Date.now() - signalledMs).toBeLessThan(10_000);
    // It could not put the job back: it says so, and leaves it to the others.
    expect(events.at(-1)).toMatchObject({ type: 'stopped', graceful: false });
    expect(events.filter((e) => e.type === 'requeued')).toEqual([]);

    await redis.start();
    const second = await fleet.worker();
    await waitUntil(async () => (await totals(env, dir)).verified === 1, 90_000, 'the job verified');
    const verified = workerEvents(await fleet.stop(second)).find((e) => e.type === 'verified');
    expect(verified).toMatchObject({ resumed: true });
    await expectOneVideoPerSource(sandbox, files);
  }, 150_000);
});
