/**
 * Faults that can make a client call an upload verified when Vimeo does not hold it: a create or
 * version answer that points at a foreign tus host, and a HEAD that reports every byte while some
 * are missing. In both, the API's `upload.size` and `upload.status` keep telling the truth.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { api, head, offsetOf, patch, randomFile, sha256, videoState, waitUntil } from './helpers.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ uploadCompleteDelayMs: 0, transcodeDelayMs: 0 });
});
afterEach(async () => {
  await sandbox.close();
});

async function create(sizeBytes: number): Promise<{ uri: string; id: string; link: string }> {
  const res = await api(sandbox, 'POST', '/me/videos', { upload: { approach: 'tus', size: sizeBytes } });
  expect(res.status).toBe(200);
  const uri = String(res.body.uri);
  return {
    uri,
    id: uri.split('/').at(-1) ?? '',
    link: (res.body.upload as { upload_link: string }).upload_link,
  };
}

async function apiUpload(uri: string): Promise<{ status: string; size: number; upload_link: string }> {
  const res = await api(sandbox, 'GET', `${uri}?fields=upload`);
  return res.body.upload as { status: string; size: number; upload_link: string };
}

describe('foreign upload link', () => {
  it('a create answer can point at a foreign plain-http tus host; the video stays empty', async () => {
    sandbox.setFaults({ foreignUploadLinks: [{ kind: 'create', nth: 1 }] });
    const bytes = randomFile(5000);
    const video = await create(bytes.length);
    expect(video.link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/[0-9a-f]{32}$/);
    expect(video.link.startsWith(`${sandbox.uploadUrl}/`)).toBe(false);
    // The whole file goes there, and that host says it holds every byte.
    expect((await patch(video.link, 0, bytes)).status).toBe(204);
    const there = await head(video.link);
    expect(there.headers['upload-offset']).toBe('5000');
    expect(there.headers['upload-length']).toBe('5000');
    // Vimeo's side: nothing arrived; its own link is a different one, on the upload host.
    const upload = await apiUpload(video.uri);
    expect(upload).toMatchObject({ status: 'in_progress', size: 5000 });
    expect(upload.upload_link).not.toBe(video.link);
    expect(upload.upload_link.startsWith(`${sandbox.uploadUrl}/files/`)).toBe(true);
    expect(await offsetOf(upload.upload_link)).toBe(0);
    const state = await sandbox.state();
    expect(state.videos[0]).toMatchObject({
      storedBytes: 0,
      uploadStatus: 'in_progress',
      status: 'uploading',
    });
    expect(state.foreignUploads).toEqual([
      { uploadId: video.link.split('/').at(-1), uploadLink: video.link, sizeBytes: 5000, storedBytes: 5000 },
    ]);
    expect(state.counters.faultsInjected.create).toBe(1);
    // Only the selected create is faulted.
    const next = await create(10);
    expect(next.link.startsWith(`${sandbox.uploadUrl}/files/`)).toBe(true);
  });

  it('a version answer can point at the foreign host too', async () => {
    const video = await create(10);
    sandbox.setFaults({ foreignUploadLinks: [{ kind: 'version', nth: 1 }] });
    const res = await api(sandbox, 'POST', `${video.uri}/versions`, {
      file_name: 'v2.mp4',
      upload: { approach: 'tus', size: 20 },
    });
    const link = (res.body.upload as { upload_link: string }).upload_link;
    expect(link.startsWith(`${sandbox.uploadUrl}/`)).toBe(false);
    expect((await patch(link, 0, randomFile(20))).status).toBe(204);
    const upload = await apiUpload(video.uri);
    expect(upload).toMatchObject({ status: 'in_progress', size: 20 });
    expect((await videoState(sandbox, video.id)).versions[0]).toMatchObject({
      storedBytes: 0,
      sizeBytes: 20,
    });
  });
});

describe('lying HEAD', () => {
  it('reports Upload-Offset == Upload-Length once N bytes are stored, while the API reports the truth', async () => {
    sandbox.setFaults({ lyingHeads: [{ nth: 1, count: Number.POSITIVE_INFINITY, afterBytes: 100 }] });
    const bytes = randomFile(1000);
    const video = await create(bytes.length);
    expect(await offsetOf(video.link)).toBe(0); // fewer than 100 bytes: the truth
    expect((await patch(video.link, 0, bytes.subarray(0, 400))).status).toBe(204);
    const lie = await head(video.link);
    expect(lie.headers['upload-offset']).toBe('1000');
    expect(lie.headers['upload-length']).toBe('1000');
    expect(await apiUpload(video.uri)).toMatchObject({ status: 'in_progress', size: 1000 });
    const state = await sandbox.state();
    expect(state.videos[0]).toMatchObject({ storedBytes: 400, uploadStatus: 'in_progress' });
    expect(state.counters.faultsInjected.head).toBe(1);
    // The server still takes the missing bytes at the true offset; then HEAD needs no lie.
    expect((await patch(video.link, 400, bytes.subarray(400))).status).toBe(204);
    await waitUntil(async () => (await apiUpload(video.uri)).status === 'complete');
    expect((await videoState(sandbox, video.id)).sha256).toBe(sha256(bytes));
    expect((await sandbox.state()).counters.faultsInjected.head).toBe(1);
  });

  it('lies only to the selected HEADs', async () => {
    sandbox.setFaults({ lyingHeads: [{ nth: 2 }] });
    const video = await create(50);
    await patch(video.link, 0, randomFile(10));
    expect(await offsetOf(video.link)).toBe(10);
    expect(await offsetOf(video.link)).toBe(50);
    expect(await offsetOf(video.link)).toBe(10);
  });
});
