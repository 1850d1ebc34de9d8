/**
 * A ledger record made against one sandbox instance is not trusted by another: the sandbox's
 * `GET /me` names a user per instance (per data folder), and a sandbox restarted on the same port
 * with a new data folder reuses video ids. The built binary, over real HTTP on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { buildDist, parseEvents, runBin } from './helpers/spawn-cli.js';

let dir: string;
let sandbox: Sandbox | undefined;

beforeAll(async () => {
  await buildDist();
  dir = await mkdtemp(path.join(tmpdir(), 'vimeo-tus-instance-'));
  await writeFile(path.join(dir, 'f.mp4'), randomBytes(200_000));
  await writeFile(path.join(dir, 'g.mp4'), randomBytes(150_000));
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('sandbox instance identity', () => {
  it('a record of another instance is not reported verified: the file is uploaded again', async () => {
    const first = await startSandbox({ uploadCompleteDelayMs: 20, transcodeDelayMs: 20 });
    sandbox = first;
    const port = Number(new URL(first.apiUrl).port);
    const env = () => ({
      VIMEO_API_URL: sandbox?.apiUrl ?? '',
      VIMEO_TOKEN: sandbox?.token ?? '',
      VIMEO_TUS_STATE_DIR: path.join(dir, 'state'),
    });
    const me1 = (await (
      await fetch(`${first.apiUrl}/me`, { headers: { authorization: `Bearer ${first.token}` } })
    ).json()) as { uri: string };

    const up1 = await runBin(['upload', 'f.mp4', '--json'], { cwd: dir, env: env() }).done;
    expect(up1.code, up1.stderr).toBe(0);
    const firstVideo = parseEvents(up1.stdout).find((e) => e.type === 'verified')?.video;
    await first.close();

    // The same port, a new data folder: another instance, whose video ids start again.
    const second = await startSandbox({ port, uploadCompleteDelayMs: 20, transcodeDelayMs: 20 });
    sandbox = second;
    const me2 = (await (
      await fetch(`${second.apiUrl}/me`, { headers: { authorization: `Bearer ${second.token}` } })
    ).json()) as { uri: string };
    expect(me2.uri).toMatch(/^\/users\/\d+$/);
    expect(me2.uri).not.toBe(me1.uri);
    const other = await runBin(['upload', 'g.mp4', '--json'], { cwd: dir, env: env() }).done;
    expect(parseEvents(other.stdout).find((e) => e.type === 'verified')?.video).toBe(firstVideo);

    // status does not trust the other instance's record.
    const status = await runBin(['status', 'f.mp4'], { cwd: dir, env: env() }).done;
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('belongs to another account or sandbox instance');

    // upload does not report it verified: it makes a video on this instance and sends the file.
    const up2 = await runBin(['upload', 'f.mp4', '--json'], { cwd: dir, env: env() }).done;
    expect(up2.code, up2.stderr).toBe(0);
    const events = parseEvents(up2.stdout);
    expect(events.filter((e) => e.type === 'notice').map((e) => e.kind)).not.toContain('already-verified');
    expect(events.find((e) => e.type === 'created')).toMatchObject({ created: true });
    const verified = events.find((e) => e.type === 'verified');
    expect(verified?.video).not.toBe(firstVideo);
    expect(verified).toMatchObject({ uploadOffset: 200_000, uploadLength: 200_000, bytesSent: 200_000 });
  }, 60_000);
});
