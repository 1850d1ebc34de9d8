/**
 * Folders and odd inputs through the built binary against the sandbox: symbolic links are followed
 * (a loop is walked once), a broken link and an empty folder are told while the other inputs still
 * upload, and an empty file found in a folder is skipped with its own summary line.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { buildDist, parseEvents, runBin } from './helpers/spawn-cli.js';

let dir: string;
let sandbox: Sandbox;

beforeAll(async () => {
  await buildDist();
  dir = await mkdtemp(path.join(tmpdir(), 'vimeo-tus-folders-'));
  await mkdir(path.join(dir, 'clips'));
  await mkdir(path.join(dir, 'outside'));
  await mkdir(path.join(dir, 'emptydir'));
  await writeFile(path.join(dir, 'clips', 'a.mp4'), randomBytes(300_000));
  await writeFile(path.join(dir, 'clips', 'empty.mp4'), Buffer.alloc(0));
  await writeFile(path.join(dir, 'outside', 'real.mp4'), randomBytes(200_000));
  await symlink(path.join(dir, 'outside', 'real.mp4'), path.join(dir, 'clips', 'link.mp4'));
  await symlink(path.join(dir, 'nowhere.mp4'), path.join(dir, 'clips', 'broken.mp4'));
  await symlink(path.join(dir, 'clips'), path.join(dir, 'clips', 'loop'));
  await writeFile(path.join(dir, 'f3.mp4'), randomBytes(100_000));
  sandbox = await startSandbox({ uploadCompleteDelayMs: 20, transcodeDelayMs: 20 });
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

function env(state: string): Record<string, string> {
  return {
    VIMEO_API_URL: sandbox.apiUrl,
    VIMEO_TOKEN: sandbox.token,
    VIMEO_TUS_STATE_DIR: path.join(dir, state),
  };
}

describe('folders and odd inputs', () => {
  it('follows links (a loop once), tells an empty folder and a broken link, skips an empty file, uploads the rest', async () => {
    const json = await runBin(['upload', 'clips', 'emptydir', 'f3.mp4', '--json'], {
      cwd: dir,
      env: env('s1'),
    }).done;
    expect(json.code, json.stderr).toBe(0);
    expect(json.stderr).toContain('No video files in emptydir');
    expect(json.stderr).toContain('clips/broken.mp4: a symbolic link to nothing (broken); skipped.');
    expect(json.stderr).toContain('clips/loop: a link to a folder already walked');
    const summary = parseEvents(json.stdout).at(-1) as {
      type: string;
      verified: number;
      skipped: number;
      files: { file: string; status: string }[];
    };
    expect(summary).toMatchObject({ type: 'summary', verified: 3, skipped: 1, failed: 0 });
    expect(summary.files.map((f) => [f.file, f.status])).toEqual([
      ['clips/a.mp4', 'verified'],
      ['clips/empty.mp4', 'skipped'],
      ['clips/link.mp4', 'verified'],
      ['f3.mp4', 'verified'],
    ]);

    // The plain summary: the empty file has its own line and count, and no "run again" advice.
    const plain = await runBin(['upload', 'clips', 'f3.mp4', '--no-ledger'], { cwd: dir, env: env('s2') })
      .done;
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^clips\/empty\.mp4\s+-\s+0 B\s+-\s+skipped \(empty\)$/m);
    expect(plain.stdout).toContain('3 of 3 verified');
    expect(plain.stdout).toContain('1 skipped (empty)');
    expect(plain.stdout).not.toContain('run the same command again');
  }, 60_000);

  it('only an empty folder: nothing to upload, exit 2', async () => {
    const only = await runBin(['upload', 'emptydir'], { cwd: dir, env: env('s3') }).done;
    expect(only.code).toBe(2);
    expect(only.stderr).toContain('No video files in emptydir');
    expect(only.stderr).toContain('Nothing to upload');
  });
});
