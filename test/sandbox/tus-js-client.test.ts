/**
 * Conformance with an independent client: tus-js-client 4 (Node) drives the upload host, given the
 * upload link as `uploadUrl` (the upload already exists; no creation).
 */
import { type DetailedError, Upload, type UploadOptions } from 'tus-js-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/index.js';
import { api, createVideo, randomFile, sha256, videoState, waitUntil } from './helpers.js';

const MiB = 1024 * 1024;
let sandbox: Sandbox | undefined;

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox({ uploadCompleteDelayMs: 20, transcodeDelayMs: 20, ...options });
  return sandbox;
}
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** Run a tus-js-client upload of `bytes` to `uploadUrl` until success or error. */
function runUpload(bytes: Buffer, uploadUrl: string, options: UploadOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(bytes, {
      uploadUrl,
      chunkSize: MiB,
      retryDelays: [0, 50, 100, 200],
      storeFingerprintForResuming: false,
      ...options,
      onSuccess: () => resolve(),
      onError: (error) => reject(error),
    });
    upload.start();
  });
}

describe('tus-js-client against the upload host', () => {
  it('completes an upload created by the API host; bytes hash-match; no token reached the upload host', async () => {
    const s = await start();
    const bytes = randomFile(3 * MiB + 12345);
    const video = await createVideo(s, bytes.length);
    await runUpload(bytes, video.uploadLink);
    const stored = await videoState(s, video.id);
    expect(stored.storedBytes).toBe(bytes.length);
    expect(stored.sha256).toBe(sha256(bytes));
    expect(stored.uploadHostSawToken).toBe(false);
    const { counters } = await s.state();
    expect(counters.createCalls).toBe(1);
    expect(counters.requests['upload-other']).toBeUndefined();
    await waitUntil(async () => {
      const res = await api(s, 'GET', `${video.uri}?fields=upload.status,transcode.status`);
      return (
        JSON.stringify(res.body) ===
        JSON.stringify({ upload: { status: 'complete' }, transcode: { status: 'complete' } })
      );
    });
  });

  it.each([
    { dropPartial: false, label: 'kept' },
    { dropPartial: true, label: 'dropped' },
  ])(
    'resumes from HEAD after a connection reset mid-PATCH (partial bytes $label)',
    async ({ dropPartial }) => {
      const s = await start({ faults: { resets: [{ nth: 2, afterBytes: 300 * 1024 }], dropPartial } });
      const bytes = randomFile(3 * MiB);
      const video = await createVideo(s, bytes.length);
      const retried: number[] = [];
      await runUpload(bytes, video.uploadLink, {
        onShouldRetry: (error: DetailedError) => {
          retried.push(error.originalResponse?.getStatus() ?? 0);
          return true;
        },
      });
      expect(retried).toEqual([0]);
      const state = await s.state();
      expect(state.counters.faultsInjected.patch).toBe(1);
      // One HEAD to start, one to resume after the reset.
      expect(state.counters.requests.head).toBe(2);
      expect((await videoState(s, video.id)).sha256).toBe(sha256(bytes));
    },
  );

  it('recovers from a 409 (wrong offset on the 2nd PATCH) by asking HEAD', async () => {
    const s = await start();
    const bytes = randomFile(3 * MiB);
    const video = await createVideo(s, bytes.length);
    let patches = 0;
    const statuses: number[] = [];
    await runUpload(bytes, video.uploadLink, {
      onBeforeRequest: (req) => {
        if (req.getMethod() === 'PATCH' && ++patches === 2) req.setHeader('Upload-Offset', '0');
      },
      onAfterResponse: (req, res) => {
        if (req.getMethod() === 'PATCH') statuses.push(res.getStatus());
      },
    });
    expect(statuses).toContain(409);
    expect(statuses.at(-1)).toBe(204);
    expect((await videoState(s, video.id)).sha256).toBe(sha256(bytes));
  });

  it('fails on an expired link (404 is not retried)', async () => {
    const s = await start({ faults: { linkTtlMs: 0 } });
    const video = await createVideo(s, 1000);
    await expect(runUpload(randomFile(1000), video.uploadLink)).rejects.toThrow(/404/);
  });
});
