/**
 * The fleet when the shared pieces misbehave, with worker processes of the built binary, a real
 * redis-server and a real sandbox: Redis is killed and restarted on its append-only file in the
 * middle of the uploads; the account's rate limit answers 429 to several workers. Either way no job
 * is lost or failed, and every source ends as exactly one video holding exactly its bytes.
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
} from './fleet-helpers.js';

const startFleet = useFleet();

describe.skipIf(SKIP_REDIS)('fleet faults', () => {
  it('Redis killed and restarted on its append-only file mid-upload: nothing lost, no second video', async () => {
    const fleet = await startFleet({
      appendOnly: true,
      sandbox: { faults: { throttleBytesPerSecond: 2 * MiB } },
    });
    const { env, dir, sandbox, redis } = fleet;
    const sources = await fleet.files(3, 3 * MiB, 'take');
    expect((await cli(['queue', 'add', dir], env, dir)).code).toBe(0);
    await fleet.worker();
    await fleet.worker();
    await waitUntil(() => someUploadHalfway(sandbox), 30_000, 'an upload half-way');
    await redis.restart();
    await waitUntil(async () => (await totals(env, dir)).verified === 3, 90_000, 'every job verified');
    expect(await totals(env, dir)).toMatchObject({ total: 3, verified: 3, failed: 0 });
    await expectOneVideoPerSource(sandbox, sources);
    const verified = (await fleet.stopAll()).flat().filter((e) => e.type === 'verified');
    expect(new Set(verified.map((e) => e.jobId)).size).toBe(3);
    expect(new Set(verified.map((e) => e.videoUri)).size).toBe(3);
  }, 150_000);

  it('a 429 pauses the whole queue until the reset: every worker waits, no attempt is spent, nothing fails', async () => {
    // Few API calls per window: several workers meet the limit.
    const fleet = await startFleet({
      sandbox: { rateLimit: 6, rateLimitWindowMs: 3000, rateLimitResetFormat: 'unix' },
    });
    const { env, dir, sandbox } = fleet;
    const sources = await fleet.files(6, 1 * MiB, 'take');
    expect((await cli(['queue', 'add', dir], env, dir)).code).toBe(0);
    await fleet.worker(['--concurrency', '2']);
    await fleet.worker(['--concurrency', '2']);
    await waitUntil(async () => (await totals(env, dir)).verified === 6, 90_000, 'every job verified');
    expect(await totals(env, dir)).toMatchObject({ total: 6, verified: 6, failed: 0, delayed: 0 });
    await expectOneVideoPerSource(sandbox, sources);
    // A job put back by a rate limit keeps its attempts: each finished on its first.
    const status = await cli(['queue', 'status', '--files', '--json'], env, dir);
    const jobs = parseEvents(status.stdout).filter((e) => e.type === 'job');
    expect(jobs.map((job) => job.attempts)).toEqual([1, 1, 1, 1, 1, 1]);

    const events = (await fleet.stopAll()).flat();
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
