/**
 * URL sources end to end, with the built binary, a real sandbox and a local object server that
 * logs every Range it is asked for: `vimeo-tus upload <url>` on one machine continues after a
 * connection reset by fetching only from the server's offset, and a URL queued twice is one job
 * that a worker uploads. The query string (a presigned URL's signature) is in no output and in no
 * ledger.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { buildDist, type CliRun, parseEvents } from '../cli/helpers/spawn-cli.js';
import { MiB, sandboxFor, scratchDir, type TestFile } from '../e2e/helpers/engine-helpers.js';
import { type RangeServer, startRangeServer } from '../helpers/range-server.js';
import { type RedisServer, SKIP_REDIS, startRedis } from '../helpers/redis-server.js';
import { cli, expectOneVideoPerSource, fleetEnv, startWorker, totals, waitUntil } from './fleet-helpers.js';

const SECRET = 'X-Amz-Signature=topsecret-4242';
const SIZE = 3 * MiB + 12_345;

let sandbox: Sandbox | undefined;
let objects: RangeServer | undefined;
let redis: RedisServer | undefined;
let scratch: Awaited<ReturnType<typeof scratchDir>> | undefined;
const running = new Set<CliRun>();

beforeAll(async () => {
  await buildDist();
}, 180_000);

afterEach(async () => {
  for (const run of running) run.child.kill('SIGKILL');
  await Promise.all([...running].map((run) => run.done));
  running.clear();
  await sandbox?.close();
  await objects?.close();
  await redis?.close();
  await scratch?.cleanup();
  sandbox = undefined;
  objects = undefined;
  redis = undefined;
  scratch = undefined;
});

async function object(name: string): Promise<TestFile & { url: string }> {
  const bytes = randomBytes(SIZE);
  objects?.put(name, bytes);
  const { createHash } = await import('node:crypto');
  return {
    path: name,
    sizeBytes: SIZE,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    url: `${objects?.url}/${name}?${SECRET}`,
  };
}

/** Every file under `dir`, read as text, concatenated (to look for a secret). */
async function allText(dir: string): Promise<string> {
  let text = '';
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) text += await readFile(join(entry.parentPath, entry.name), 'latin1');
  }
  return text;
}

describe('URL sources', () => {
  it('upload <url> continues after a reset from the server offset, fetching only what is missing', async () => {
    scratch = await scratchDir();
    objects = await startRangeServer();
    // The first PATCH is cut after 700 KiB: the retry must fetch from the offset the server kept.
    sandbox = await sandboxFor({ faults: { resets: [{ nth: 1, afterBytes: 700 * 1024 }] } });
    const source = await object('talk.mp4');
    const env = {
      VIMEO_TOKEN: sandbox.token,
      VIMEO_API_URL: sandbox.apiUrl,
      VIMEO_TUS_STATE_DIR: scratch.dir,
    };
    const run = await cli(['upload', source.url, '--json', '--chunk-size', '2MiB'], env, scratch.dir);
    expect(run.code, run.stderr).toBe(0);
    const events = parseEvents(run.stdout);
    expect(events.find((e) => e.type === 'verified' || e.event === 'verified')).toBeDefined();
    await expectOneVideoPerSource(sandbox, [source]);
    expect((await sandbox.state()).videos[0]?.name).toBe('talk');

    const ranges = objects.requests
      .map((r) => /^bytes=(\d+)-(\d+)$/.exec(r.range ?? ''))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ start: Number(m[1]), end: Number(m[2]) }))
      .filter((r) => r.end > r.start); // not the one-byte probes
    // After the reset, a range starts where the server's offset was: inside the first chunk.
    const resumed = ranges.find((r) => r.start > 0 && r.start < 2 * MiB);
    expect(resumed, JSON.stringify(ranges)).toBeDefined();
    const fetched = ranges.reduce((sum, r) => sum + (r.end - r.start + 1), 0);
    expect(fetched).toBeLessThan(SIZE + 2 * MiB);

    const output = run.stdout + run.stderr;
    expect(output).not.toContain('topsecret');
    expect(await allText(scratch.dir)).not.toContain('topsecret');
  }, 120_000);

  it.skipIf(SKIP_REDIS)(
    'queue add <url> twice is one job; a worker uploads it; no output shows the query',
    async () => {
      scratch = await scratchDir();
      objects = await startRangeServer();
      redis = await startRedis({ appendOnly: true });
      sandbox = await sandboxFor();
      const source = await object('lecture.mp4');
      const env = fleetEnv(sandbox, redis.url, scratch.dir);
      const first = await cli(['queue', 'add', source.url, '--json'], env, scratch.dir);
      const second = await cli(
        ['queue', 'add', source.url.replace('4242', '9999'), '--json'],
        env,
        scratch.dir,
      );
      expect(first.code, first.stderr).toBe(0);
      expect(parseEvents(first.stdout)[0]).toMatchObject({
        type: 'queued',
        source: `${objects.url}/lecture.mp4`,
        sizeBytes: SIZE,
        added: true,
      });
      // A re-signed link of the same object is the same source.
      expect(parseEvents(second.stdout).at(-1)).toEqual({
        type: 'summary',
        added: 0,
        alreadyQueued: 1,
        skipped: 0,
      });

      const worker = await startWorker(env, scratch.dir);
      running.add(worker);
      await waitUntil(
        async () => (await totals(env, scratch?.dir ?? '')).verified === 1,
        60_000,
        'the job verified',
      );
      await expectOneVideoPerSource(sandbox, [source]);
      const status = await cli(['queue', 'status', '--files'], env, scratch.dir);
      expect(status.stdout).toContain(`${objects.url}/lecture.mp4`);
      worker.child.kill('SIGTERM');
      const ended = await worker.done;
      running.delete(worker);
      for (const text of [first.stdout, second.stdout, status.stdout, ended.stdout, ended.stderr]) {
        expect(text).not.toContain('topsecret');
      }
    },
    120_000,
  );
});
