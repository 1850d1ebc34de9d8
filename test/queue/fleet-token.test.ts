/**
 * A worker whose token Vimeo refuses must not empty the queue into failed jobs: with a wrong token
 * it stops before taking any (exit 3); with a token that passes `GET /me` but lacks the `upload`
 * scope, the job it took goes back to the waiting list and the worker stops (exit 3).
 */
import { describe, expect, it } from 'vitest';
import { runBin } from '../cli/helpers/spawn-cli.js';
import { MiB } from '../e2e/helpers/engine-helpers.js';
import { SKIP_REDIS } from '../helpers/redis-server.js';
import { cli, totals, useFleet, workerEvents } from './fleet-helpers.js';

const startFleet = useFleet();

describe.skipIf(SKIP_REDIS)('queue work with a token Vimeo refuses', () => {
  it('a wrong token: the worker stops before taking a job (exit 3), and the queue keeps every job', async () => {
    const { env, dir, sandbox } = await startFleet();
    await fleetFiles(dir);
    expect((await cli(['queue', 'add', dir], env, dir)).code).toBe(0);
    const wrong = 'wrong-token-1234';
    const run = runBin(['queue', 'work', '--json'], { cwd: dir, env: { ...env, VIMEO_TOKEN: wrong } });
    const { code, stdout, stderr } = await run.done;
    expect(code, stderr).toBe(3);
    expect(workerEvents(stdout).map((e) => e.type)).not.toContain('ready');
    expect(stderr).toContain('[E_AUTH]');
    // How to make a token that works.
    expect(stderr).toContain('developer.vimeo.com');
    expect(stdout + stderr).not.toContain(wrong);
    expect(await totals(env, dir)).toMatchObject({ total: 2, waiting: 2, active: 0, failed: 0 });
    expect((await sandbox.state({ hashes: false })).counters.videosCreated).toBe(0);
  }, 60_000);

  it('a token without the upload scope: its job goes back to the queue and the worker stops (exit 3)', async () => {
    const fleet = await startFleet({ sandbox: { scopes: ['public', 'private'] } });
    const { env, dir } = fleet;
    await fleetFiles(dir);
    expect((await cli(['queue', 'add', dir], env, dir)).code).toBe(0);
    const run = runBin(['queue', 'work', '--json', '--concurrency', '1'], { cwd: dir, env });
    const { code, stdout, stderr } = await run.done;
    expect(code, stderr).toBe(3);
    const types = workerEvents(stdout).map((e) => e.type);
    expect(types).toEqual(['ready', 'started', 'token-refused', 'stopped']);
    expect(types).not.toContain('failed');
    expect(stderr).toContain('[E_AUTH]');
    // Nothing failed: both jobs wait for a worker whose token works.
    expect(await totals(env, dir)).toMatchObject({ total: 2, waiting: 2, active: 0, failed: 0 });
  }, 60_000);
});

async function fleetFiles(dir: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  const { randomBytes } = await import('node:crypto');
  const path = await import('node:path');
  await writeFile(path.join(dir, 'a.mp4'), randomBytes(MiB));
  await writeFile(path.join(dir, 'b.mp4'), randomBytes(MiB + 1));
}
