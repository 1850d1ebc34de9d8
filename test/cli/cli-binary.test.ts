/**
 * End-to-end: the built binary against a sandbox started here, over real HTTP on 127.0.0.1.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { CONTROL_CHARS } from './helpers/fake-io.js';
import { buildDist, parseEvents, runBin } from './helpers/spawn-cli.js';

const MiB = 1024 * 1024;
let dir: string;
let sandbox: Sandbox;

beforeAll(async () => {
  await buildDist();
  dir = await mkdtemp(path.join(tmpdir(), 'vimeo-tus-bin-'));
  await mkdir(path.join(dir, 'batch'));
  const sizes = [1.5 * MiB, 600_000, 2 * MiB + 17, 300_000];
  for (const [i, size] of sizes.entries()) {
    await writeFile(path.join(dir, 'batch', `clip-${i}.mp4`), randomBytes(size));
  }
  await writeFile(path.join(dir, 'batch', 'readme.txt'), 'not a video');
  await writeFile(path.join(dir, 'big.mp4'), randomBytes(6 * MiB));
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  sandbox = await startSandbox({ uploadCompleteDelayMs: 20, transcodeDelayMs: 20 });
});
afterEach(async () => {
  await sandbox.close();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    VIMEO_API_URL: sandbox.apiUrl,
    VIMEO_TOKEN: sandbox.token,
    VIMEO_TUS_STATE_DIR: path.join(dir, 'state'),
    ...extra,
  };
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

describe('vimeo-tus binary against the sandbox', () => {
  it('uploads a directory with --concurrency 2 --json: events in order, byte-identical videos, exit 0', async () => {
    const run = runBin(
      ['upload', 'batch', '--concurrency', '2', '--chunk-size', '1MiB', '--json', '--wait'],
      {
        cwd: dir,
        env: env(),
      },
    );
    const { code, stdout, stderr } = await run.done;
    expect(code, stderr).toBe(0);
    const events = parseEvents(stdout);
    expect(events[0]).toMatchObject({ type: 'start', concurrency: 2 });
    expect(events[0]?.files).toHaveLength(4);
    const files = ['batch/clip-0.mp4', 'batch/clip-1.mp4', 'batch/clip-2.mp4', 'batch/clip-3.mp4'];
    // At most 2 files send at once; one whose bytes are all acknowledged leaves its place while
    // Vimeo confirms it, with at most 2 waiting so.
    const sendingFiles = new Set<unknown>();
    const openFiles = new Set<unknown>();
    let maxSending = 0;
    let maxOpen = 0;
    for (const e of events) {
      if (e.type === 'created') {
        sendingFiles.add(e.file);
        openFiles.add(e.file);
      }
      if (e.type === 'progress' && (e.phase === 'verifying' || e.phase === 'processing'))
        sendingFiles.delete(e.file);
      if (e.type === 'verified' || e.type === 'error') {
        sendingFiles.delete(e.file);
        openFiles.delete(e.file);
      }
      maxSending = Math.max(maxSending, sendingFiles.size);
      maxOpen = Math.max(maxOpen, openFiles.size);
    }
    expect(maxSending).toBeLessThanOrEqual(2);
    expect(maxOpen).toBeLessThanOrEqual(4);
    const state = await sandbox.state();
    expect(state.videos).toHaveLength(4);
    for (const file of files) {
      const ofFile = events.filter((e) => e.file === file);
      const order = ofFile.map((e) => e.type).filter((t, i, all) => t !== all[i - 1]);
      expect(order[0], file).toBe('progress'); // creating
      expect(order).toContain('created');
      expect(order.at(-1), file).toBe('verified');
      const created = ofFile.find((e) => e.type === 'created');
      const verified = ofFile.find((e) => e.type === 'verified');
      expect(verified).toMatchObject({
        video: created?.video,
        link: created?.link,
        uploadStatus: 'complete',
        transcodeStatus: 'complete',
      });
      expect(verified?.uploadOffset).toBe(verified?.uploadLength);
      const acked = ofFile.filter((e) => e.type === 'progress').map((e) => e.bytesAcked as number);
      expect(acked).toEqual([...acked].sort((a, b) => a - b));
      const video = state.videos.find((v) => v.uri === created?.video);
      expect(video?.sha256).toBe(await sha256(path.join(dir, file)));
      expect(video?.uploadHostSawToken).toBe(false);
    }
    expect(events.at(-1)).toMatchObject({ type: 'summary', ok: true, exitCode: 0, verified: 4, failed: 0 });
    expect(stdout + stderr).not.toContain(sandbox.token);
  });

  it('plain output (not a TTY) has no control characters and ends with the summary table', async () => {
    const { code, stdout } = await runBin(['upload', 'batch/clip-1.mp4', 'batch/clip-3.mp4'], {
      cwd: dir,
      env: env({ NO_COLOR: '' }),
    }).done;
    expect(code).toBe(0);
    expect(stdout).not.toMatch(CONTROL_CHARS);
    expect(stdout).toMatch(/\[batch\/clip-1\.mp4\] verified: offset 600000 of 600000/);
    expect(stdout).toMatch(/FILE\s+VIDEO\s+SIZE\s+TIME\s+RESULT/);
    expect(stdout).toContain('2 of 2 verified');
  });

  it('--concurrency 1: while Vimeo has not agreed on one file yet, the next one is already sent', async () => {
    // Vimeo agrees 1.5 s after a file's last byte; with the place held until then, the second
    // file could not start before the first is verified.
    sandbox.setOptions({ uploadCompleteDelayMs: 1500 });
    const { code, stdout } = await runBin(
      ['upload', 'batch/clip-1.mp4', 'batch/clip-3.mp4', '--concurrency', '1', '--json'],
      { cwd: dir, env: env({ VIMEO_TUS_STATE_DIR: path.join(dir, 'state-places') }) },
    ).done;
    expect(code).toBe(0);
    const events = parseEvents(stdout);
    const at = (type: string, file: string): number =>
      events.findIndex((e) => e.type === type && e.file === file);
    expect(at('created', 'batch/clip-3.mp4')).toBeGreaterThan(-1);
    expect(at('created', 'batch/clip-3.mp4')).toBeLessThan(at('verified', 'batch/clip-1.mp4'));
    expect(events.at(-1)).toMatchObject({ type: 'summary', verified: 2, failed: 0 });
  });

  it('partial failure exits 5: a missing file and a quota refusal next to a verified file', async () => {
    sandbox.setOptions({ quotaVideos: 1 });
    const { code, stdout } = await runBin(
      ['upload', 'batch/clip-3.mp4', 'missing.mp4', 'batch/clip-1.mp4', '--concurrency', '1', '--json'],
      { cwd: dir, env: env() },
    ).done;
    expect(code).toBe(5);
    const events = parseEvents(stdout);
    const errors = events.filter((e) => e.type === 'error');
    expect(errors.map((e) => [e.file, e.code])).toEqual([
      ['missing.mp4', 'E_FILE_NOT_FOUND'],
      ['batch/clip-1.mp4', 'E_QUOTA'],
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'summary', exitCode: 5, verified: 1, failed: 2 });
    expect((await sandbox.state()).videos).toHaveLength(1);
  });

  it('bad input exits 2, a missing token 3, a rejected token 3 (with how to create one, never the token)', async () => {
    const bad = await runBin(['upload', 'big.mp4', '--chunk-size', 'huge'], { cwd: dir, env: env() }).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Not a size');
    const missing = await runBin(['upload', 'big.mp4'], { cwd: dir, env: { VIMEO_API_URL: sandbox.apiUrl } })
      .done;
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('developer.vimeo.com/apps');
    const rejected = await runBin(['upload', 'big.mp4', 'batch/clip-3.mp4'], {
      cwd: dir,
      env: env({ VIMEO_TOKEN: 'wrong-token-4242' }),
    }).done;
    expect(rejected.code).toBe(3);
    expect(rejected.stderr + rejected.stdout).toContain('developer.vimeo.com/apps');
    expect(rejected.stderr + rejected.stdout).not.toContain('wrong-token-4242');
    expect((await sandbox.state()).videos).toHaveLength(0);
  });

  it('SIGINT mid-upload exits 130 with a resume hint, keeping its video; `vimeo-tus resume` completes that video, creating none', async () => {
    sandbox.setFaults({ throttleBytesPerSecond: MiB });
    // A state folder of its own: resume continues every unfinished upload it finds there.
    const sigintEnv = env({ VIMEO_TUS_STATE_DIR: path.join(dir, 'state-sigint') });
    const first = runBin(['upload', 'big.mp4', '--chunk-size', '1MiB', '--json'], {
      cwd: dir,
      env: sigintEnv,
    });
    await first.waitForLine((line) => {
      const e = JSON.parse(line) as { type: string; bytesAcked?: number };
      return e.type === 'progress' && (e.bytesAcked ?? 0) >= MiB;
    });
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code).toBe(130);
    const events = parseEvents(stopped.stdout);
    const created = events.find((e) => e.type === 'created');
    expect(created?.video).toMatch(/^\/videos\/\d+$/);
    const summary = events.at(-1);
    expect(summary).toMatchObject({ type: 'summary', interrupted: true, exitCode: 130 });
    expect(String(summary?.resumeHint)).toContain('vimeo-tus resume');
    const [stoppedFile] = (summary?.files ?? []) as { video: string | null; bytesAcked: number }[];
    // The interrupted upload keeps the video it created.
    expect(stoppedFile?.video).toBe(created?.video);
    expect(stoppedFile?.bytesAcked).toBeGreaterThanOrEqual(MiB);
    expect(stoppedFile?.bytesAcked).toBeLessThan(6 * MiB);
    const midway = await sandbox.state({ hashes: false });
    expect(midway.counters.videosCreated).toBe(1);
    expect(midway.videos.map((v) => v.uri)).toEqual([created?.video]);

    sandbox.setFaults({});
    const resumed = await runBin(['resume', '--json'], { cwd: dir, env: sigintEnv }).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    const resumedEvents = parseEvents(resumed.stdout);
    expect(resumedEvents.find((e) => e.type === 'created')).toMatchObject({
      video: created?.video,
      created: false,
    });
    expect(resumedEvents.find((e) => e.type === 'verified')).toMatchObject({
      video: created?.video,
      resumed: true,
      uploadOffset: 6 * MiB,
      uploadLength: 6 * MiB,
    });
    expect(resumedEvents.at(-1)).toMatchObject({ type: 'summary', exitCode: 0, verified: 1, total: 1 });
    const state = await sandbox.state();
    expect(state.counters.videosCreated).toBe(1);
    expect(state.counters.createCalls).toBe(1);
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]?.uri).toBe(created?.video);
    expect(state.videos[0]?.sha256).toBe(await sha256(path.join(dir, 'big.mp4')));
  });

  it('a create whose answer was lost: the video it made is adopted (no second one) and every reporter says so', async () => {
    sandbox.setFaults({ status: [{ kind: 'create', status: 500, afterHandling: true }] });
    const json = await runBin(['upload', 'batch/clip-3.mp4', '--json', '--no-ledger'], {
      cwd: dir,
      env: env(),
    }).done;
    expect(json.code, json.stderr).toBe(0);
    const events = parseEvents(json.stdout);
    const created = events.find((e) => e.type === 'created');
    expect(created).toMatchObject({ adopted: true, created: true });
    expect(events.find((e) => e.type === 'verified')).toMatchObject({ video: created?.video, adopted: true });
    expect((await sandbox.state({ hashes: false })).counters.videosCreated).toBe(1);

    sandbox.setFaults({ status: [{ kind: 'create', status: 500, afterHandling: true }] });
    const plain = await runBin(['upload', 'batch/clip-1.mp4', '--no-ledger'], { cwd: dir, env: env() }).done;
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/\[batch\/clip-1\.mp4\] adopted \/videos\/\d+/);
    expect(plain.stdout).toMatch(/^batch\/clip-1\.mp4 .*verified, .*adopted video/m);
    expect((await sandbox.state({ hashes: false })).counters.videosCreated).toBe(2);
  });

  it('--sandbox and demo run against an embedded sandbox without any credentials', async () => {
    const embedded = await runBin(['upload', '--sandbox', 'batch/clip-3.mp4', '--json'], {
      cwd: dir,
      env: {},
    }).done;
    expect(embedded.code, embedded.stderr).toBe(0);
    expect(parseEvents(embedded.stdout).at(-1)).toMatchObject({ type: 'summary', ok: true, verified: 1 });
    // The default chunk size: the whole file is one PATCH, acknowledged only at its end.
    const demo = await runBin(['demo', '--size', '6MiB', '--rate', '2MiB', '--json'], { cwd: dir, env: {} })
      .done;
    expect(demo.code, demo.stderr).toBe(0);
    const events = parseEvents(demo.stdout);
    const verified = events.find((e) => e.type === 'verified');
    expect(verified).toMatchObject({
      uploadOffset: 6 * MiB,
      uploadLength: 6 * MiB,
      transcodeStatus: 'complete',
    });
    // Before the acknowledgement the rate and ETA follow the bytes sent; both rates are carried.
    const midway = events.filter(
      (e) =>
        e.type === 'progress' && e.phase === 'uploading' && e.bytesAcked === 0 && Number(e.bytesSent) > 0,
    );
    expect(midway.length, demo.stdout).toBeGreaterThan(0);
    for (const event of midway) {
      expect(event).toMatchObject({ rateBasis: 'sent', ackedBytesPerSecond: 0 });
      expect(event.bytesPerSecond).toBe(event.sentBytesPerSecond);
      expect(Number(event.bytesPerSecond)).toBeGreaterThan(0);
      expect(typeof event.etaSeconds).toBe('number');
    }
  });

  it('replace uploads a new version of the same video', async () => {
    const first = await runBin(['upload', 'batch/clip-3.mp4', '--json'], { cwd: dir, env: env() }).done;
    expect(first.code, first.stderr).toBe(0);
    const video = parseEvents(first.stdout).find((e) => e.type === 'verified')?.video as string;
    const replaced = await runBin(['replace', video, 'batch/clip-1.mp4', '--json'], { cwd: dir, env: env() })
      .done;
    expect(replaced.code, replaced.stderr).toBe(0);
    const verified = parseEvents(replaced.stdout).find((e) => e.type === 'verified');
    expect(verified).toMatchObject({ video, uploadOffset: 600_000, uploadLength: 600_000 });
    const state = await sandbox.state();
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]?.versions.at(-1)?.sha256).toBe(await sha256(path.join(dir, 'batch/clip-1.mp4')));
  });
});
