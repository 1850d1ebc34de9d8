import { describe, expect, it } from 'vitest';
import { createUpload, uploadVideo } from '../../src/entry/create-upload.js';
import { AbortError } from '../../src/errors.js';
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

describe('abort and resume', () => {
  it('aborts mid-upload, then resumes the same video with `resume` (from the AbortError) and no second create', async () => {
    // Throttled so that the abort lands mid-way.
    const sandbox = await t.start({ faults: { throttleBytesPerSecond: 4 * MiB } });
    const file = await randomFile(t.dir, 'long.mp4', 5 * MiB + 77);
    const controller = new AbortController();
    let ackedAtAbort = 0;
    const first = createUpload(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      chunkSizeBytes: MiB,
      progressIntervalMs: 0,
      signal: controller.signal,
    });
    expect(first.video).toBeUndefined();
    expect(first.uploadLink).toBeUndefined();
    first.on('progress', (p) => {
      if (p.bytesAcked >= 2 * MiB && !controller.signal.aborted) {
        ackedAtAbort = p.bytesAcked;
        controller.abort();
      }
    });
    const created: CreatedEvent[] = [];
    first.on('created', (e) => created.push(e));
    const error = await first.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(created).toHaveLength(1);
    // The handle and the error both say where the upload stands, so it can be continued.
    const { videoUri, uploadLink } = error as AbortError;
    expect(videoUri).toBe(created[0]?.videoUri);
    expect(uploadLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(first.uploadLink).toBe(uploadLink);
    expect(first.video).toEqual({ uri: videoUri, link: created[0]?.link });
    // A capability: never in the message, the JSON form, or the error's own properties.
    expect((error as Error).message).not.toContain(uploadLink ?? '-');
    expect(JSON.stringify(error)).not.toContain(uploadLink ?? '-');
    expect(Object.keys(error as object)).not.toContain('uploadLink');
    // The upload host may still be writing bytes the kernel had buffered: read settled values.
    await sandbox.idle();
    const mid = await sandbox.state();
    expect(mid.videos).toHaveLength(1);
    expect(mid.videos[0]?.storedBytes).toBeGreaterThanOrEqual(ackedAtAbort);
    expect(mid.videos[0]?.storedBytes).toBeLessThan(file.sizeBytes);

    // verifyUpload sees the gap without sending a byte.
    const report = await verifyUpload({
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      videoUri: videoUri ?? '',
      ...(uploadLink ? { uploadLink } : {}),
      expectedSizeBytes: file.sizeBytes,
    });
    expect(report.complete).toBe(false);
    expect(report.uploadOffset).toBe(mid.videos[0]?.storedBytes);
    expect(report.bytesMissing).toBe(file.sizeBytes - (mid.videos[0]?.storedBytes ?? 0));
    expect(report.uploadStatus).toBe('in_progress');

    sandbox.setFaults({});
    const second = createUpload(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      chunkSizeBytes: MiB,
      progressIntervalMs: 0,
      // No page link given: the engine reads it from the API.
      resume: { videoUri: videoUri ?? '', uploadLink: uploadLink ?? '' },
    });
    const resumedCreated: CreatedEvent[] = [];
    second.on('created', (e) => resumedCreated.push(e));
    const progress = recordProgress(second);
    const result = await second.done;

    await expectStoredExactly(sandbox, file, result);
    expect(result.resumed).toBe(true);
    expect(result.videoUri).toBe(created[0]?.videoUri);
    expect(resumedCreated).toEqual([{ ...created[0], created: false }]);
    // Only what the server lacked went over the wire the second time.
    expect(result.bytesSent).toBeLessThanOrEqual(file.sizeBytes - ackedAtAbort);
    expectAckedNeverDecreases(progress.events);
    // The first 'uploading' event already carries the server's offset: a display never restarts at 0.
    expect(progress.events.find((e) => e.phase === 'uploading')?.bytesAcked).toBeGreaterThanOrEqual(
      ackedAtAbort,
    );
    expect(ackedAtAbort).toBeGreaterThan(0);
  });

  it('an already aborted signal creates nothing', async () => {
    const sandbox = await t.start();
    const file = await randomFile(t.dir, 'clip.mp4', MiB);
    const error = await uploadVideo(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      signal: AbortSignal.abort(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((await sandbox.state()).counters.createCalls).toBe(0);
  });
});
