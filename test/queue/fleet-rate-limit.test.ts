/**
 * The account's rate limit seen coming, with worker processes of the built binary, a real
 * redis-server and a real sandbox whose limit is small: every API answer says how many calls are
 * left (`X-RateLimit-Remaining`), and once a worker sees them down to the reserve the whole queue
 * waits for the reset. The sandbox never has to answer 429, and every source still ends as exactly
 * one video holding exactly its bytes.
 */
import { describe, expect, it } from 'vitest';
import { parseEvents } from '../cli/helpers/spawn-cli.js';
import { MiB } from '../e2e/helpers/engine-helpers.js';
import { SKIP_REDIS } from '../helpers/redis-server.js';
import { cli, expectOneVideoPerSource, totals, useFleet, waitUntil } from './fleet-helpers.js';

const startFleet = useFleet();
const FILES = 8;
// 14 calls per window, 8 of them kept for the uploads already running: a window takes about three
// uploads (a create and a read each, and one GET /me per worker), so the eight need three windows.
const LIMIT = 14;
const RESERVE = '8';

describe.skipIf(SKIP_REDIS)('fleet rate limit ahead of a 429', () => {
  it('X-RateLimit-Remaining down to the reserve pauses the whole queue: no 429, nothing fails, one video each', async () => {
    const fleet = await startFleet({
      sandbox: {
        rateLimit: LIMIT,
        rateLimitWindowMs: 4000,
        // Whole seconds, cut down: the worker must not take the named second for the end of the window.
        rateLimitResetFormat: 'iso',
        uploadCompleteDelayMs: 0,
        transcodeDelayMs: 0,
      },
    });
    const { env, dir, sandbox } = fleet;
    const sources = await fleet.files(FILES, 1 * MiB, 'limit');
    expect((await cli(['queue', 'add', dir], env, dir)).code).toBe(0);
    const reserve = { VIMEO_TUS_QUEUE_RATE_LIMIT_RESERVE: RESERVE };
    await fleet.worker(['--concurrency', '1'], reserve);
    await fleet.worker(['--concurrency', '1'], reserve);
    await waitUntil(async () => (await totals(env, dir)).verified === FILES, 120_000, 'every job verified');
    expect(await totals(env, dir)).toMatchObject({ total: FILES, verified: FILES, failed: 0, delayed: 0 });
    await expectOneVideoPerSource(sandbox, sources);

    const state = await sandbox.state({ hashes: false });
    // More calls were made than one window allows: the limit was met, and never exceeded.
    const uploadHost = new Set(['head', 'patch', 'options', 'upload-other']);
    const apiCalls = Object.entries(state.counters.requests)
      .filter(([kind]) => !uploadHost.has(kind))
      .reduce((sum, [, count]) => sum + (count ?? 0), 0);
    expect(apiCalls).toBeGreaterThan(LIMIT);
    expect(state.counters.rateLimitRefusals).toBe(0);

    const events = (await fleet.stopAll()).flat();
    const low = events.filter((e) => e.type === 'rate-limit-low');
    expect(low.length).toBeGreaterThan(0);
    for (const pause of low) {
      expect(Number(pause.remaining)).toBeLessThanOrEqual(Number(RESERVE));
      expect(pause.limit).toBe(LIMIT);
    }
    expect(events.filter((e) => e.type === 'rate-limited')).toEqual([]);
    expect(events.filter((e) => e.type === 'failed')).toEqual([]);
    // Each job finished on its first attempt.
    const status = await cli(['queue', 'status', '--files', '--json'], env, dir);
    const jobs = parseEvents(status.stdout).filter((e) => e.type === 'job');
    expect(jobs.map((job) => job.attempts)).toEqual(Array.from({ length: FILES }, () => 1));
  }, 180_000);
});
