import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/index.js';
import { api, createVideo, offsetOf, patch, randomFile, sha256, videoState, waitUntil } from './helpers.js';

let dataDir: string;
let sandbox: Sandbox | undefined;
/** Sandboxes a test starts before the one it restarts into; closed even when the test fails early. */
let firsts: Sandbox[] = [];

async function startFirst(options: SandboxOptions = {}): Promise<Sandbox> {
  const started = await startSandbox(options);
  firsts.push(started);
  return started;
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sandbox-persist-test-'));
});
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  // close() is idempotent: closing a sandbox the test already closed does nothing.
  await Promise.all(firsts.map((s) => s.close()));
  firsts = [];
  await rm(dataDir, { recursive: true, force: true });
});

describe('restart on the same data dir', () => {
  it('restores videos, the upload offset and the bytes mid-upload; the same link completes it', async () => {
    const first = await startFirst({ dataDir });
    const bytes = randomFile(1024 * 1024);
    const video = await createVideo(first, bytes.length, 'Persisted');
    await patch(video.uploadLink, 0, bytes.subarray(0, 400_000), { 'Content-Length': '400000' });
    const { apiUrl, uploadUrl } = first;
    await first.close();

    sandbox = await startSandbox({ dataDir });
    expect(sandbox.apiUrl).toBe(apiUrl);
    expect(sandbox.uploadUrl).toBe(uploadUrl);
    expect(await offsetOf(video.uploadLink)).toBe(400_000);
    const got = await api(sandbox, 'GET', `${video.uri}?fields=name,upload.upload_link,upload.status`);
    expect(got.body).toEqual({
      name: 'Persisted',
      upload: { upload_link: video.uploadLink, status: 'in_progress' },
    });
    expect((await patch(video.uploadLink, 400_000, bytes.subarray(400_000))).status).toBe(204);
    const state = await sandbox.state();
    expect(state.videos).toHaveLength(1);
    expect(state.counters.createCalls).toBe(1);
    expect((await videoState(sandbox, video.id)).sha256).toBe(sha256(bytes));
  });

  it('restart() keeps data, ports, faults, and a sandbox-owned temp dir until the final close', async () => {
    const owned = await startFirst({ faults: { status: [{ kind: 'head', nth: 2, status: 503 }] } });
    const bytes = randomFile(2000);
    const video = await createVideo(owned, bytes.length);
    await patch(video.uploadLink, 0, bytes.subarray(0, 1000));
    sandbox = await owned.restart();
    expect(sandbox.dataDir).toBe(owned.dataDir);
    expect(await offsetOf(video.uploadLink)).toBe(1000);
    await expect(offsetOf(video.uploadLink)).rejects.toThrow(/503/);
    expect((await patch(video.uploadLink, 1000, bytes.subarray(1000))).status).toBe(204);
    expect((await videoState(sandbox, video.id)).sha256).toBe(sha256(bytes));
    await sandbox.close();
    sandbox = undefined;
    expect(existsSync(owned.dataDir)).toBe(false);
  });

  it('survives a close in the middle of a running PATCH: HEAD reports exactly the stored bytes', async () => {
    const first = await startFirst({ dataDir, faults: { throttleBytesPerSecond: 256 * 1024 } });
    const bytes = randomFile(512 * 1024);
    const video = await createVideo(first, bytes.length);
    const outcome = patch(video.uploadLink, 0, bytes).then(
      () => 'answered',
      () => 'cut',
    );
    await waitUntil(async () => (await videoState(first, video.id)).storedBytes > 0);
    await first.close();
    expect(await outcome).toBe('cut');

    sandbox = await startSandbox({ dataDir });
    const offset = await offsetOf(video.uploadLink);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(bytes.length);
    const stored = await videoState(sandbox, video.id);
    expect(stored.storedBytes).toBe(offset);
    expect(stored.sha256).toBe(sha256(bytes.subarray(0, offset)));
    expect((await patch(video.uploadLink, offset, bytes.subarray(offset))).status).toBe(204);
    expect((await videoState(sandbox, video.id)).sha256).toBe(sha256(bytes));
  });

  it('keeps completion times and the token record across a restart', async () => {
    const first = await startFirst({ dataDir, uploadCompleteDelayMs: 0, transcodeDelayMs: 0 });
    const bytes = randomFile(100);
    const video = await createVideo(first, bytes.length);
    await patch(video.uploadLink, 0, bytes, { Authorization: 'Bearer leaked' });
    await first.close();
    sandbox = await startSandbox({ dataDir, uploadCompleteDelayMs: 0, transcodeDelayMs: 0 });
    expect(await videoState(sandbox, video.id)).toMatchObject({
      uploadHostSawToken: true,
      uploadStatus: 'complete',
      transcodeStatus: 'complete',
      sha256: sha256(bytes),
    });
  });

  it('keeps deleted videos deleted and new ids unique across restarts', async () => {
    const first = await startFirst({ dataDir });
    const a = await createVideo(first, 10);
    const b = await createVideo(first, 10);
    await api(first, 'DELETE', a.uri);
    await first.close();
    sandbox = await startSandbox({ dataDir });
    const c = await createVideo(sandbox, 10);
    const state = await sandbox.state();
    expect(state.videos.map((v) => v.uri)).toEqual([b.uri, c.uri]);
    expect(state.deletedVideoIds).toEqual([a.id]);
    expect(new Set([a.uri, b.uri, c.uri]).size).toBe(3);
  });
});
