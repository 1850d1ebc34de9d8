/**
 * The queue's failure and housekeeping paths with the built binary: a source that vanished fails
 * its job at once with its code (no retry spent on it); `queue retry` requeues it once it is back;
 * `queue forget` drops the finished jobs, and a source queued again afterwards is only re-checked
 * through the ledger, never sent to a second video.
 */
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
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

const startFleet = useFleet();

describe.skipIf(SKIP_REDIS)('queue status / retry / forget', () => {
  it('a missing source fails at once with its code; retry requeues it; forget drops finished jobs without a second video', async () => {
    const fleet = await startFleet();
    const { env, dir, sandbox } = fleet;
    const files = await fleet.files(2, 1 * MiB);
    const [kept, moved] = files;
    if (!kept || !moved) throw new Error('two files expected');
    expect((await cli(['queue', 'add', dir], env, dir)).code).toBe(0);
    await rename(moved.path, `${moved.path}.away`);

    const worker = await fleet.worker();
    await waitUntil(
      async () => {
        const t = await totals(env, dir);
        return t.verified === 1 && t.failed === 1;
      },
      60_000,
      'one verified, one failed',
    );
    const status = await cli(['queue', 'status', '--files', '--json'], env, dir);
    const failed = parseEvents(status.stdout).find((e) => e.state === 'failed');
    expect(failed).toMatchObject({ source: moved.path, errorCode: 'E_FILE_NOT_FOUND', attempts: 1 });
    const plain = await cli(['queue', 'status', '--files'], env, dir);
    expect(plain.stdout).toContain('E_FILE_NOT_FOUND');
    expect(plain.stdout).toMatch(
      /2 jobs: 1 verified, 0 active, 0 waiting, 0 delayed \(retry later\), 1 failed/,
    );

    await rename(`${moved.path}.away`, moved.path);
    const retried = await cli(['queue', 'retry', '--json'], env, dir);
    expect(parseEvents(retried.stdout)).toEqual([{ type: 'retried', count: 1 }]);
    await waitUntil(async () => (await totals(env, dir)).verified === 2, 60_000, 'both verified');
    await expectOneVideoPerSource(sandbox, files);

    const forgotten = await cli(['queue', 'forget', '--json'], env, dir);
    expect(parseEvents(forgotten.stdout)).toEqual([{ type: 'forgotten', count: 2 }]);
    expect(await totals(env, dir)).toMatchObject({ total: 0 });
    // Queued again: new jobs, but the ledger knows both uploads: re-checked, nothing sent, no new video.
    const again = await cli(['queue', 'add', dir, '--json'], env, dir);
    expect(parseEvents(again.stdout).at(-1)).toEqual({
      type: 'summary',
      added: 2,
      alreadyQueued: 0,
      skipped: 0,
    });
    await waitUntil(async () => (await totals(env, dir)).verified === 2, 60_000, 'both re-checked');
    await expectOneVideoPerSource(sandbox, files);
    const events = workerEvents(await fleet.stop(worker));
    expect(events.filter((e) => e.type === 'verified')).toHaveLength(4);
    expect(events.filter((e) => e.type === 'failed')).toMatchObject([
      { code: 'E_FILE_NOT_FOUND', willRetry: false },
    ]);
  }, 150_000);
  it('queue add refuses what a worker could only fail, as upload does: a missing or an empty file named; an empty file in a folder is skipped', async () => {
    const fleet = await startFleet();
    const { env, dir } = fleet;
    const folder = path.join(dir, 'clips');
    await mkdir(folder);
    await writeFile(path.join(folder, 'a.mp4'), Buffer.alloc(1000, 1));
    await writeFile(path.join(folder, 'empty.mp4'), '');

    const missing = await cli(['queue', 'add', folder, 'nope.mp4'], env, dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Nothing was queued: No such file: nope.mp4');
    expect(missing.stderr).toContain('[E_FILE_NOT_FOUND]');
    const named = await cli(['queue', 'add', path.join(folder, 'empty.mp4')], env, dir);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('[E_FILE_EMPTY]');
    expect(await totals(env, dir)).toMatchObject({ total: 0 });

    const walked = await cli(['queue', 'add', folder, '--json'], env, dir);
    expect(walked.code, walked.stderr).toBe(0);
    const events = parseEvents(walked.stdout);
    expect(events.filter((e) => e.type === 'queued')).toHaveLength(1);
    expect(events).toContainEqual({
      type: 'skipped',
      source: path.join(folder, 'empty.mp4'),
      reason: 'empty',
    });
    expect(events.at(-1)).toEqual({ type: 'summary', added: 1, alreadyQueued: 0, skipped: 1 });
    expect(await totals(env, dir)).toMatchObject({ total: 1, waiting: 1 });
  }, 60_000);
  it('a job that fails after its video was made still names that video in queue status', async () => {
    const fleet = await startFleet({ sandbox: { faults: { throttleBytesPerSecond: 2 * MiB } } });
    const { env, dir, sandbox } = fleet;
    const [file] = await fleet.files(1, 3 * MiB);
    if (!file) throw new Error('one file expected');
    expect((await cli(['queue', 'add', file.path], env, dir)).code).toBe(0);
    const worker = await fleet.worker();
    await waitUntil(() => someUploadHalfway(sandbox), 30_000, 'the upload half-way');
    await appendFile(file.path, 'changed while it was sent');
    await waitUntil(async () => (await totals(env, dir)).failed === 1, 60_000, 'the job failed');
    const status = await cli(['queue', 'status', '--files', '--json'], env, dir);
    const failed = parseEvents(status.stdout).find((e) => e.state === 'failed');
    const video = (await sandbox.state({ hashes: false })).videos[0];
    expect(video?.uri).toMatch(/^\/videos\/\d+$/);
    expect(failed).toMatchObject({ errorCode: expect.stringMatching(/^E_FILE_/), videoUri: video?.uri });
    expect(failed?.link).toMatch(/^https:\/\/vimeo\.com\//);
    await fleet.stop(worker);
  }, 90_000);
});
