/**
 * The confirmation learns when Vimeo's API agrees (confirm.ts, agreement-times.ts): uploads in one
 * process to one API host make their first read of the video when it agreed for the uploads before,
 * so after the first they need about one `GET /videos/{id}` each, counted by the sandbox. The
 * checks stay the same: a sandbox that never flips upload.status still ends in E_VERIFY_UNCONFIRMED,
 * also once a time has been learned. Real HTTP against the sandbox; no timing is asserted, only
 * request counts, with room for the probes that narrow the learned time and for a loaded machine.
 */
import { describe, expect, it } from 'vitest';
import { replaceVideo, uploadVideo } from '../../src/entry/create-upload.js';
import { VerificationError } from '../../src/errors.js';
import { randomFile, rejection } from './helpers/engine-helpers.js';
import { useEngineSandbox } from './helpers/use-engine-sandbox.js';

const t = useEngineSandbox();

type Counted = {
  state(o: { hashes: false }): Promise<{ counters: { requests: Record<string, number | undefined> } }>;
};

async function requestCount(sandbox: Counted, kind: string): Promise<number> {
  return (await sandbox.state({ hashes: false })).counters.requests[kind] ?? 0;
}

const getVideoCount = (sandbox: Counted): Promise<number> => requestCount(sandbox, 'get-video');

describe('the confirmation learns when the API agrees', () => {
  it('a batch in one process: after the first uploads, about one read of the video per upload, every upload verified', async () => {
    const sandbox = await t.start({ uploadCompleteDelayMs: 150 });
    const options = { token: sandbox.token, apiUrl: sandbox.apiUrl, verifyTimeoutMs: 30_000 };
    const file = await randomFile(t.dir, 'clip.mp4', 50_000);

    const first = await uploadVideo(file.path, options);
    expect(first.checks).toEqual({ headOffsets: true, apiSize: true, apiUploadStatus: true });
    const learning = await getVideoCount(sandbox);
    // Learning polls densely: more than one read (250 ms doubling would have made two).
    expect(learning).toBeGreaterThan(1);

    const uploads = 12;
    for (let i = 0; i < uploads; i += 1) {
      const result = await uploadVideo(file.path, options);
      expect(result.uploadStatus).toBe('complete');
      expect(result.checks).toEqual({ headOffsets: true, apiSize: true, apiUploadStatus: true });
    }
    const after = (await getVideoCount(sandbox)) - learning;
    // One read each, plus the few probes that narrow the learned time and a few answers later than
    // the margin on a loaded machine (the fixed 250 ms schedule made two reads each: 24).
    expect(after).toBeGreaterThanOrEqual(uploads);
    expect(after).toBeLessThanOrEqual(uploads + 6);

    // Concurrent uploads on the learned host: one read each, give or take a probe.
    const before = await getVideoCount(sandbox);
    const results = await Promise.all(Array.from({ length: 6 }, () => uploadVideo(file.path, options)));
    for (const result of results) expect(result.uploadStatus).toBe('complete');
    expect((await getVideoCount(sandbox)) - before).toBeLessThanOrEqual(6 + 3);
  });

  it('uploads that finish together share their first read: one page of the account`s videos answers several', async () => {
    const sandbox = await t.start({ uploadCompleteDelayMs: 150 });
    const options = { token: sandbox.token, apiUrl: sandbox.apiUrl, verifyTimeoutMs: 30_000 };
    const file = await randomFile(t.dir, 'clip.mp4', 50_000);
    await uploadVideo(file.path, options);
    const gets = await getVideoCount(sandbox);

    // 16 at once: on a loaded machine some still finish within the window of 25 ms of each other.
    const uploads = 16;
    const results = await Promise.all(Array.from({ length: uploads }, () => uploadVideo(file.path, options)));
    for (const result of results) {
      expect(result.checks).toEqual({ headOffsets: true, apiSize: true, apiUploadStatus: true });
      expect(result.uploadStatus).toBe('complete');
    }
    const pages = await requestCount(sandbox, 'list-videos');
    const ownReads = (await getVideoCount(sandbox)) - gets;
    // At least one page answered two or more of them: fewer reads of Vimeo's API than uploads.
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages + ownReads).toBeLessThan(uploads);
    // The sandbox holds every file whole (each video's stored bytes hash to the source's).
    const state = await sandbox.state();
    for (const result of results) {
      const video = state.videos.find((v) => v.uri === result.videoUri);
      expect(video?.storedBytes).toBe(file.sizeBytes);
      expect(video?.sha256).toBe(file.sha256);
    }

    // New versions of those videos read their own: a listing could still show the previous file.
    const replaced = await Promise.all(
      results.slice(0, 8).map((result) => replaceVideo(result.videoUri, file.path, options)),
    );
    for (const result of replaced) expect(result.uploadStatus).toBe('complete');
    expect(await requestCount(sandbox, 'list-videos')).toBe(pages);
  });

  it('a token that may not list its unlisted videos: every upload verified, and at most three pages before sharing stops', async () => {
    const sandbox = await t.start({ uploadCompleteDelayMs: 150, scopes: ['public', 'upload'] });
    const options = {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      verifyTimeoutMs: 30_000,
      video: { privacy: { view: 'unlisted' } },
    };
    const file = await randomFile(t.dir, 'clip.mp4', 50_000);
    await uploadVideo(file.path, options);
    for (let round = 0; round < 4; round += 1) {
      const results = await Promise.all(Array.from({ length: 16 }, () => uploadVideo(file.path, options)));
      for (const result of results) {
        expect(result.checks).toEqual({ headOffsets: true, apiSize: true, apiUploadStatus: true });
      }
    }
    // Every page missed them all (25, 50, then 100 long); after that each reads its own video.
    expect(await requestCount(sandbox, 'list-videos')).toBeLessThanOrEqual(3);
  });

  it('a host that never agrees: E_VERIFY_UNCONFIRMED as before, also after a time was learned', async () => {
    const sandbox = await t.start({ uploadCompleteDelayMs: 50 });
    const file = await randomFile(t.dir, 'clip.mp4', 20_000);
    const options = { token: sandbox.token, apiUrl: sandbox.apiUrl, verifyTimeoutMs: 400 };
    await uploadVideo(file.path, options);
    await uploadVideo(file.path, options);

    sandbox.setOptions({ uploadCompleteDelayMs: Number.POSITIVE_INFINITY });
    const before = await getVideoCount(sandbox);
    const error = await rejection(uploadVideo(file.path, options));
    expect(error).toBeInstanceOf(VerificationError);
    expect(error.code).toBe('E_VERIFY_UNCONFIRMED');
    expect(error.message).toContain('upload.status is "in_progress", not "complete"');
    // It kept asking until its time was up.
    expect((await getVideoCount(sandbox)) - before).toBeGreaterThan(2);

    // Vimeo agrees again: the next upload is verified.
    sandbox.setOptions({ uploadCompleteDelayMs: 50 });
    const result = await uploadVideo(file.path, options);
    expect(result.checks).toEqual({ headOffsets: true, apiSize: true, apiUploadStatus: true });
  });
});
