/**
 * Commands that must never do harm, and answers that must end in the right exit code (issue 11):
 * runCli in this process with the real engine (createUpload) against a sandbox over real HTTP on
 * 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StartUpload } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { createUpload } from '../../src/entry/create-upload.js';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/index.js';
import { fakeIo } from './helpers/fake-io.js';

let dir: string;
let sandbox: Sandbox | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vimeo-tus-trust-'));
});
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox({ uploadCompleteDelayMs: 10, transcodeDelayMs: 10, ...options });
  return sandbox;
}

async function cli(
  args: string[],
  options: { env?: Record<string, string>; start?: StartUpload; signal?: AbortSignal } = {},
): Promise<{ code: number; out: string; err: string }> {
  const s = sandbox;
  const io = fakeIo({
    env: {
      VIMEO_TUS_STATE_DIR: path.join(dir, 'state'),
      ...(s ? { VIMEO_API_URL: s.apiUrl, VIMEO_TOKEN: s.token } : {}),
      ...options.env,
    },
    cwd: dir,
    start: options.start ?? createUpload,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const code = await runCli(args, io, { version: '0.0.0-test' });
  return { code, out: io.stdout.text(), err: io.stderr.text() };
}

async function file(name: string, sizeBytes: number): Promise<string> {
  const full = path.join(dir, name);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, randomBytes(sizeBytes));
  return full;
}

describe('replace takes exactly one regular file', () => {
  it('a directory: exit 2, nothing sent', async () => {
    const s = await start();
    await file('clip.mp4', 3000);
    const first = await cli(['upload', 'clip.mp4', '--no-ledger']);
    expect(first.code).toBe(0);
    const videoUri = (await s.state()).videos[0]?.uri ?? '';
    await file('folder/a.mp4', 1000);
    await file('folder/b.mp4', 1000);
    await file('folder/notes.txt', 10);
    const before = (await s.state()).counters.requests;
    const r = await cli(['replace', videoUri, 'folder']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('replace takes exactly one regular file');
    expect(r.err).toContain('is a directory');
    const after = await s.state();
    expect(after.counters.requests).toEqual(before);
    expect(after.videos[0]?.versions).toHaveLength(0);
  });

  it('several files: exit 2, nothing sent', async () => {
    const s = await start();
    await file('a.mp4', 1000);
    await file('b.mp4', 1000);
    const r = await cli(['replace', '/videos/123', 'a.mp4', 'b.mp4']);
    expect(r.code).toBe(2);
    expect((await s.state()).counters.requests).toEqual({});
  });
});

describe('an interrupted or failed --no-ledger run', () => {
  it('says a rerun starts a new video and names the unfinished one', async () => {
    const s = await start({ faults: { status: [{ kind: 'patch', status: 400 }] } });
    await file('clip.mp4', 3000);
    const r = await cli(['upload', 'clip.mp4', '--no-ledger']);
    expect(r.code).toBe(6);
    const video = (await s.state()).videos[0];
    expect(video?.storedBytes).toBe(0);
    const all = r.out + r.err;
    expect(all).toContain('starts a NEW video');
    expect(all).toContain(video?.uri ?? 'no video');
    expect(all).not.toContain('or `vimeo-tus resume`');
  });

  it('interrupted (Ctrl-C) after the create: the same advice', async () => {
    const s = await start({ faults: { throttleBytesPerSecond: 20_000 } });
    await file('clip.mp4', 200_000);
    const stop = new AbortController();
    const startAndStop: StartUpload = (filePath, options) => {
      const upload = createUpload(filePath, options);
      upload.on('created', () => setTimeout(() => stop.abort(), 50));
      return upload;
    };
    const r = await cli(['upload', 'clip.mp4', '--no-ledger'], { start: startAndStop, signal: stop.signal });
    expect(r.code).toBe(130);
    const video = (await s.state()).videos[0];
    expect(r.out + r.err).toContain('starts a NEW video');
    expect(r.out + r.err).toContain(video?.uri ?? 'no video');
  });

  it('with the ledger the advice is still to run the same command again', async () => {
    await start({ faults: { status: [{ kind: 'patch', status: 400 }] } });
    await file('clip.mp4', 3000);
    const r = await cli(['upload', 'clip.mp4']);
    expect(r.code).toBe(6);
    expect(r.out + r.err).toContain('run the same command again');
    expect(r.out + r.err).not.toContain('starts a NEW video');
  });
});

describe('a token without the upload scope', () => {
  it('exit 3, naming the scope and where to get a token', async () => {
    const s = await start({ scopes: ['public', 'private', 'edit'] });
    await file('clip.mp4', 3000);
    const r = await cli(['upload', 'clip.mp4']);
    expect(r.code).toBe(3);
    expect(r.out + r.err).toContain('`upload` scope');
    expect(r.out + r.err).toContain('developer.vimeo.com');
    expect((await s.state()).videos).toHaveLength(0);
  });
});

describe('Vimeo never confirms the bytes', () => {
  it('exit 8, not verified, saying what disagreed; `status` checks again; a rerun verifies once Vimeo agrees', async () => {
    const s = await start({ uploadCompleteDelayMs: Number.POSITIVE_INFINITY });
    await file('clip.mp4', 3000);
    const r = await cli(['upload', 'clip.mp4', '--verify-timeout', '1', '--json']);
    expect(r.code).toBe(8);
    const lines = r.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.some((e) => e.type === 'verified')).toBe(false);
    const error = lines.find((e) => e.type === 'error');
    expect(error?.code).toBe('E_VERIFY_UNCONFIRMED');
    expect(String(error?.message)).toContain('upload.status is "in_progress"');

    const status = await cli(['status', 'clip.mp4', '--json']);
    expect(status.code).toBe(6);
    expect(JSON.parse(status.out.trim())).toMatchObject({
      complete: false,
      ledgerErrorCode: 'E_VERIFY_UNCONFIRMED',
    });

    // `resume` takes the same limit (without it, this would wait the default two minutes).
    const resumed = await cli(['resume', '--verify-timeout', '1', '--json']);
    expect(resumed.code).toBe(8);
    expect(resumed.out).toContain('E_VERIFY_UNCONFIRMED');

    s.setOptions({ uploadCompleteDelayMs: 0 });
    const again = await cli(['upload', 'clip.mp4', '--json']);
    expect(again.code).toBe(0);
    const verified = again.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((e) => e.type === 'verified');
    expect(verified?.checks).toEqual({ headOffsets: true, apiSize: true, apiUploadStatus: true });
    expect((await s.state()).videos).toHaveLength(1);
    const done = await cli(['status', 'clip.mp4', '--json']);
    expect(done.code).toBe(0);
  });

  it('a video Vimeo marks quota_exceeded after the bytes arrived: exit 4 with advice', async () => {
    await start({ videoOutcome: 'quota_exceeded', uploadCompleteDelayMs: 0 });
    await file('clip.mp4', 3000);
    const r = await cli(['upload', 'clip.mp4']);
    expect(r.code).toBe(4);
    expect(r.out + r.err).toContain('quota_exceeded');
    expect(r.out + r.err).toContain('vimeo-tus replace');
  });
});

describe('a video password', () => {
  const PASSWORD = 'Sekr3t-Pa55-word';

  async function ledgerBytes(): Promise<string> {
    const { readdir, readFile } = await import('node:fs/promises');
    const stateDir = path.join(dir, 'state');
    const names = await readdir(stateDir);
    const parts = await Promise.all(names.map((name) => readFile(path.join(stateDir, name))));
    return Buffer.concat(parts).toString('latin1');
  }

  it('--password is sent as `password` with privacy.view password, and never printed or stored', async () => {
    const s = await start({ faults: { status: [{ kind: 'patch', nth: 1, status: 400 }] } });
    await file('clip.mp4', 3000);
    // A failed first run (its error is recorded in the ledger), then the run that completes.
    const failed = await cli(['upload', 'clip.mp4', '--password', PASSWORD, '--json']);
    expect(failed.code).toBe(6);
    const r = await cli(['upload', 'clip.mp4', '--password', PASSWORD]);
    expect(r.code).toBe(0);
    const [video] = (await s.state()).videos;
    expect(video).toMatchObject({ privacyView: 'password', password: PASSWORD });
    expect(`${failed.out}${failed.err}${r.out}${r.err}`).not.toContain(PASSWORD);
    expect(await ledgerBytes()).not.toContain(PASSWORD);
    // The API never answers it either.
    const answer = await fetch(`${s.apiUrl}${video?.uri}`, {
      headers: { Authorization: `Bearer ${s.token}` },
    });
    expect(await answer.text()).not.toContain(PASSWORD);
  });

  it('--privacy password takes it from VIMEO_VIDEO_PASSWORD', async () => {
    const s = await start();
    await file('clip.mp4', 3000);
    const r = await cli(['upload', 'clip.mp4', '--privacy', 'password'], {
      env: { VIMEO_VIDEO_PASSWORD: PASSWORD },
    });
    expect(r.code).toBe(0);
    expect((await s.state()).videos[0]).toMatchObject({ privacyView: 'password', password: PASSWORD });
    expect(r.out + r.err).not.toContain(PASSWORD);
  });

  it('--privacy password without one: exit 2, nothing sent', async () => {
    const s = await start();
    await file('clip.mp4', 3000);
    const r = await cli(['upload', 'clip.mp4', '--privacy', 'password']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--password');
    expect(r.err).toContain('VIMEO_VIDEO_PASSWORD');
    expect((await s.state()).counters.requests).toEqual({});
  });

  it('replace --password sets it on the video (PATCH) and uploads the new version', async () => {
    const s = await start();
    await file('clip.mp4', 3000);
    expect((await cli(['upload', 'clip.mp4', '--privacy', 'unlisted'])).code).toBe(0);
    const videoUri = (await s.state()).videos[0]?.uri ?? '';
    await file('v2.mp4', 4000);
    const r = await cli(['replace', videoUri, 'v2.mp4', '--password', PASSWORD]);
    expect(r.code).toBe(0);
    const [video] = (await s.state()).videos;
    expect(video).toMatchObject({ privacyView: 'password', password: PASSWORD, storedBytes: 4000 });
    expect(video?.versions).toHaveLength(1);
    expect(r.out + r.err).not.toContain(PASSWORD);
    expect(await ledgerBytes()).not.toContain(PASSWORD);
  });
});
