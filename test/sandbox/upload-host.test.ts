import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { createVideo, head, patch, randomFile, raw, sha256, videoState } from './helpers.js';

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.close();
});

describe('upload host (tus 1.0.0 core)', () => {
  it('answers HEAD with Upload-Length, Upload-Offset, Cache-Control and Upload-Metadata', async () => {
    const video = await createVideo(sandbox, 4096, 'clip.mp4');
    const res = await head(video.uploadLink);
    expect(res.status).toBe(200);
    expect(res.headers['upload-length']).toBe('4096');
    expect(res.headers['upload-offset']).toBe('0');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['tus-resumable']).toBe('1.0.0');
    const metadata = String(res.headers['upload-metadata']);
    expect(metadata).toContain(`filename ${Buffer.from('clip.mp4').toString('base64')}`);
  });

  it('stores PATCHed bytes in order and answers 204 with the new offset', async () => {
    const bytes = randomFile(300_000);
    const video = await createVideo(sandbox, bytes.length);
    const first = await patch(video.uploadLink, 0, bytes.subarray(0, 100_000));
    expect(first.status).toBe(204);
    expect(first.headers['upload-offset']).toBe('100000');
    const second = await patch(video.uploadLink, 100_000, bytes.subarray(100_000));
    expect(second.status).toBe(204);
    expect(second.headers['upload-offset']).toBe(String(bytes.length));
    const state = await videoState(sandbox, video.id);
    expect(state.storedBytes).toBe(bytes.length);
    expect(state.sha256).toBe(sha256(bytes));
  });

  it('answers 409 "mismatched offset" to a PATCH at the wrong offset and changes nothing', async () => {
    const bytes = randomFile(1000);
    const video = await createVideo(sandbox, bytes.length);
    await patch(video.uploadLink, 0, bytes.subarray(0, 400));
    const res = await patch(video.uploadLink, 100, bytes.subarray(100, 200));
    expect(res.status).toBe(409);
    expect(res.body).toContain('mismatched offset');
    expect(Number((await head(video.uploadLink)).headers['upload-offset'])).toBe(400);
  });

  it('answers 412 to a missing or unsupported Tus-Resumable', async () => {
    const video = await createVideo(sandbox, 10);
    const wrong = await patch(video.uploadLink, 0, randomFile(10), { 'Tus-Resumable': '0.2.2' });
    expect(wrong.status).toBe(412);
    expect(wrong.headers['tus-version']).toBe('1.0.0');
    const missing = await raw(video.uploadLink, 'HEAD', {});
    expect(missing.status).toBe(412);
    expect((await head(video.uploadLink)).headers['upload-offset']).toBe('0');
  });

  it('refuses a PATCH with the wrong content type (400/415)', async () => {
    const video = await createVideo(sandbox, 10);
    const res = await patch(video.uploadLink, 0, randomFile(10), { 'Content-Type': 'application/json' });
    expect([400, 415]).toContain(res.status);
    expect((await head(video.uploadLink)).headers['upload-offset']).toBe('0');
  });

  it('answers OPTIONS with the tus version and only the methods it serves', async () => {
    const video = await createVideo(sandbox, 10);
    const res = await raw(video.uploadLink, 'OPTIONS', {});
    expect(res.status).toBe(204);
    expect(String(res.headers['tus-version'])).toContain('1.0.0');
    // No creation or termination here, so none is advertised.
    expect(res.headers['tus-extension']).toBeUndefined();
    expect(res.headers['access-control-allow-methods']).toBe('HEAD, PATCH, OPTIONS');
  });

  it('offers no creation and no download: POST and GET → 405', async () => {
    const video = await createVideo(sandbox, 10);
    const post = await raw(`${sandbox.uploadUrl}/files`, 'POST', {
      'Tus-Resumable': '1.0.0',
      'Upload-Length': '10',
    });
    expect(post.status).toBe(405);
    const get = await raw(video.uploadLink, 'GET', {});
    expect(get.status).toBe(405);
    expect((await sandbox.state()).videos).toHaveLength(1);
  });

  it('answers 404 to an unknown link', async () => {
    const res = await head(`${sandbox.uploadUrl}/files/${'0'.repeat(32)}`);
    expect(res.status).toBe(404);
  });

  it('records whether a request to the upload host carried an Authorization header', async () => {
    const clean = await createVideo(sandbox, 10);
    const leaky = await createVideo(sandbox, 10);
    await head(clean.uploadLink);
    await patch(clean.uploadLink, 0, randomFile(10));
    await head(leaky.uploadLink, { Authorization: `Bearer ${sandbox.token}` });
    expect((await videoState(sandbox, clean.id)).uploadHostSawToken).toBe(false);
    expect((await videoState(sandbox, leaky.id)).uploadHostSawToken).toBe(true);
  });

  it('counts requests per kind', async () => {
    const video = await createVideo(sandbox, 10);
    await head(video.uploadLink);
    await head(video.uploadLink);
    await patch(video.uploadLink, 0, randomFile(10));
    const { counters } = await sandbox.state();
    expect(counters.requests).toMatchObject({ create: 1, head: 2, patch: 1 });
  });
});
