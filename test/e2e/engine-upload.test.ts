import { describe, expect, it } from 'vitest';
import { createUpload, replaceVideo, uploadVideo } from '../../src/entry/create-upload.js';
import { waitForProcessing } from '../../src/upload/processing.js';
import type { CreatedEvent } from '../../src/upload/types.js';
import { verifyUpload } from '../../src/upload/verify.js';
import {
  expectAckedNeverDecreases,
  expectStoredExactly,
  MiB,
  randomFile,
  recordProgress,
} from './helpers/engine-helpers.js';
import { useEngineSandbox } from './helpers/use-engine-sandbox.js';

const t = useEngineSandbox();

describe('engine end to end against the sandbox', () => {
  it('uploads a multi-chunk file: identical bytes, one video, phases in order, acked never decreasing', async () => {
    const sandbox = await t.start();
    const file = await randomFile(t.dir, 'clip.mp4', 5 * MiB + 12_345);
    const upload = createUpload(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      chunkSizeBytes: MiB,
      progressIntervalMs: 0,
      video: { name: 'Clean upload', privacy: { view: 'unlisted' } },
    });
    const progress = recordProgress(upload);
    const created: CreatedEvent[] = [];
    upload.on('created', (e) => created.push(e));
    const result = await upload.done;

    await expectStoredExactly(sandbox, file, result);
    expect(created).toEqual([
      { videoUri: result.videoUri, link: result.link, bytesTotal: file.sizeBytes, created: true },
    ]);
    expect(result.requests).toBeGreaterThanOrEqual(6);
    expect(result.retries).toBe(0);
    expect(result.resumed).toBe(false);
    expect(result.link).toMatch(/^https?:\/\//);
    expect(progress.phases()).toEqual(['creating', 'uploading', 'verifying', 'done']);
    expectAckedNeverDecreases(progress.events);
    expect(progress.events.at(-1)).toMatchObject({
      phase: 'done',
      bytesAcked: file.sizeBytes,
      bytesTotal: file.sizeBytes,
    });
    const state = await sandbox.state();
    expect(state.videos[0]?.name).toBe('Clean upload');
    // A video made a moment ago has no bytes: its first PATCH goes without a HEAD, and the one HEAD
    // is the verification's. Vimeo's view is read at least once after it (again while
    // upload.status has not flipped to complete yet: how often depends on the clock).
    const { 'get-video': gets, ...others } = state.counters.requests;
    expect(others).toEqual({ create: 1, patch: 6, head: 1 });
    expect(gets).toBeGreaterThanOrEqual(1);
  });

  it('waits for processing until both statuses are complete', async () => {
    const sandbox = await t.start();
    const file = await randomFile(t.dir, 'clip.mp4', 2 * MiB);
    const phases: string[] = [];
    const result = await uploadVideo(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      chunkSizeBytes: MiB,
      waitForProcessing: { pollIntervalMs: 20, timeoutMs: 30_000 },
      onProgress: (p) => phases.push(p.phase),
    });
    expect(result.uploadStatus).toBe('complete');
    expect(result.transcodeStatus).toBe('complete');
    expect(phases).toContain('processing');
    await expectStoredExactly(sandbox, file, result);
    await expect(
      waitForProcessing(result.videoUri, { token: sandbox.token, apiUrl: sandbox.apiUrl }),
    ).resolves.toEqual({
      uploadStatus: 'complete',
      transcodeStatus: 'complete',
    });
  });

  it('reports a transcode error as E_PROCESSING_FAILED', async () => {
    const sandbox = await t.start({ transcodeOutcome: 'error' });
    const file = await randomFile(t.dir, 'clip.mp4', MiB + 1);
    const error = await uploadVideo(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      waitForProcessing: { pollIntervalMs: 20 },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'VerificationError', code: 'E_PROCESSING_FAILED' });
  });

  it('replaces the file of an existing video with a new version', async () => {
    const sandbox = await t.start();
    const first = await randomFile(t.dir, 'v1.mp4', MiB + 100);
    const second = await randomFile(t.dir, 'v2.mp4', 2 * MiB + 7);
    const original = await uploadVideo(first.path, { token: sandbox.token, apiUrl: sandbox.apiUrl });
    const replaced = await replaceVideo(original.videoUri, second.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      chunkSizeBytes: MiB,
    });
    expect(replaced.videoUri).toBe(original.videoUri);
    expect(replaced.link).toBe(original.link);
    await expectStoredExactly(sandbox, second, replaced);
    const state = await sandbox.state();
    expect(state.videos[0]?.versions).toHaveLength(1);
    expect(state.videos[0]?.versions[0]?.sha256).toBe(second.sha256);
  });

  it('verifyUpload reports the facts without sending bytes', async () => {
    const sandbox = await t.start();
    const file = await randomFile(t.dir, 'clip.mp4', MiB + 3);
    const upload = createUpload(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl });
    const result = await upload.done;
    const uploadLink = upload.uploadLink ?? '';
    const patchesBefore = (await sandbox.state()).counters.requests.patch ?? 0;
    const report = await verifyUpload({
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      videoUri: result.videoUri,
      uploadLink,
      expectedSizeBytes: file.sizeBytes,
    });
    expect(report).toMatchObject({
      videoUri: result.videoUri,
      uploadOffset: file.sizeBytes,
      uploadLength: file.sizeBytes,
      bytesMissing: 0,
      complete: true,
    });
    const wrongSize = await verifyUpload({
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      videoUri: result.videoUri,
      uploadLink,
      expectedSizeBytes: file.sizeBytes + 10,
    });
    expect(wrongSize.complete).toBe(false);
    // Without the upload link, the one Vimeo reports (or, once gone, upload.status) decides.
    const byStatus = await verifyUpload({
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      videoUri: result.videoUri,
    });
    expect(byStatus.complete).toBe(
      byStatus.uploadOffset === null ? byStatus.uploadStatus === 'complete' : true,
    );
    expect(byStatus.link).toBe(result.link);
    expect((await sandbox.state()).counters.requests.patch ?? 0).toBe(patchesBefore);
  });
});
