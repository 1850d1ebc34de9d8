/**
 * How a video ends once every byte arrived: the outcome options (`videoOutcome`, `transcodeOutcome`)
 * and the delay before `upload.status` flips (including never), as the API and introspection show.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox, type VideoOutcome } from '../../src/sandbox/index.js';
import { api, createVideo, offsetOf, patch, randomFile, videoState, waitUntil } from './helpers.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ uploadCompleteDelayMs: 0, transcodeDelayMs: 0 });
});
afterEach(async () => {
  await sandbox.close();
});

const FIELDS = 'status,upload.status,upload.size,transcode.status';

async function uploadWhole(sizeBytes: number): Promise<{ uri: string; id: string; link: string }> {
  const video = await createVideo(sandbox, sizeBytes);
  expect((await patch(video.uploadLink, 0, randomFile(sizeBytes))).status).toBe(204);
  return { uri: video.uri, id: video.id, link: video.uploadLink };
}

describe('video outcomes', () => {
  const cases: [VideoOutcome, Record<string, unknown>][] = [
    ['available', { status: 'available', upload: { status: 'complete' }, transcode: { status: 'complete' } }],
    [
      'uploading_error',
      { status: 'uploading_error', upload: { status: 'error' }, transcode: { status: 'in_progress' } },
    ],
    [
      'transcoding_error',
      { status: 'transcoding_error', upload: { status: 'complete' }, transcode: { status: 'error' } },
    ],
    [
      'quota_exceeded',
      { status: 'quota_exceeded', upload: { status: 'complete' }, transcode: { status: 'in_progress' } },
    ],
    [
      'total_cap_exceeded',
      { status: 'total_cap_exceeded', upload: { status: 'complete' }, transcode: { status: 'in_progress' } },
    ],
  ];

  for (const [outcome, expected] of cases) {
    it(`videoOutcome ${outcome}: the API reports it once every byte arrived, never before`, async () => {
      sandbox.setOptions({ videoOutcome: outcome });
      const video = await createVideo(sandbox, 100);
      const before = await api(sandbox, 'GET', `${video.uri}?fields=${FIELDS}`);
      expect(before.body).toMatchObject({
        status: 'uploading',
        upload: { status: 'in_progress', size: 100 },
      });
      await patch(video.uploadLink, 0, randomFile(100));
      const after = await api(sandbox, 'GET', `${video.uri}?fields=${FIELDS}`);
      expect(after.body).toEqual({ ...expected, upload: { ...(expected.upload as object), size: 100 } });
      expect((await videoState(sandbox, video.id)).status).toBe(expected.status);
    });
  }

  it('transcodeOutcome error still means transcoding_error', async () => {
    sandbox.setOptions({ transcodeOutcome: 'error' });
    const video = await uploadWhole(10);
    const res = await api(sandbox, 'GET', `${video.uri}?fields=status,transcode.status`);
    expect(res.body).toEqual({ status: 'transcoding_error', transcode: { status: 'error' } });
  });
});

describe('upload.status delay', () => {
  it('keeps upload.status in_progress for uploadCompleteDelayMs after the last byte, then flips', async () => {
    sandbox.setOptions({ uploadCompleteDelayMs: 60_000 });
    const video = await uploadWhole(64);
    // Every byte is stored (HEAD and introspection agree) while the API still says in_progress.
    expect(await offsetOf(video.link)).toBe(64);
    const waiting = await api(sandbox, 'GET', `${video.uri}?fields=${FIELDS}`);
    expect(waiting.body).toEqual({
      status: 'uploading',
      upload: { status: 'in_progress', size: 64 },
      transcode: { status: 'in_progress' },
    });
    expect(await videoState(sandbox, video.id)).toMatchObject({
      storedBytes: 64,
      uploadStatus: 'in_progress',
    });
    sandbox.setOptions({ uploadCompleteDelayMs: 200 });
    await waitUntil(async () => {
      const res = await api(sandbox, 'GET', `${video.uri}?fields=upload.status`);
      return (res.body.upload as { status: string }).status === 'complete';
    });
  });

  it('never flips with uploadCompleteDelayMs: Infinity, across a restart too', async () => {
    sandbox.setOptions({ uploadCompleteDelayMs: Number.POSITIVE_INFINITY });
    const video = await uploadWhole(32);
    const restarted = await sandbox.restart();
    sandbox = restarted;
    const res = await api(sandbox, 'GET', `${video.uri}?fields=upload.status`);
    expect(res.body).toEqual({ upload: { status: 'in_progress' } });
    expect(await offsetOf(video.link)).toBe(32);
  });
});
