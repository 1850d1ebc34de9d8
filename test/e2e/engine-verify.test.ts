import { describe, expect, it } from 'vitest';
import { uploadVideo } from '../../src/entry/create-upload.js';
import { expectStoredExactly, MiB, randomFile } from './helpers/engine-helpers.js';
import { useEngineSandbox } from './helpers/use-engine-sandbox.js';

const t = useEngineSandbox();

describe('verification when the link dies on completion', () => {
  it.each([404, 410])(
    'a final HEAD answering %i after the last PATCH reported every byte: verified from the PATCH and upload.status',
    async (status) => {
      const sandbox = await t.start({ faults: { linkDiesOnCompletion: true, expiredLinkStatus: status } });
      const file = await randomFile(t.dir, 'clip.mp4', 2 * MiB + 17);
      const result = await uploadVideo(file.path, {
        token: sandbox.token,
        apiUrl: sandbox.apiUrl,
        chunkSizeBytes: MiB,
        waitForProcessing: { pollIntervalMs: 20, timeoutMs: 30_000 },
      });
      expect(result.headUnavailable).toBe(true);
      await expectStoredExactly(sandbox, file, result);
      expect(result.uploadStatus).toBe('complete');
      expect(result.transcodeStatus).toBe('complete');
      const state = await sandbox.state({ hashes: false });
      // The one HEAD (a new video's transfer starts without one) is the final one: the link was gone.
      expect(state.counters.requests.head ?? 0).toBe(1);
    },
  );

  it('an upload whose final HEAD answered reports no headUnavailable', async () => {
    const sandbox = await t.start();
    const file = await randomFile(t.dir, 'clip.mp4', 1000);
    const result = await uploadVideo(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl });
    expect(result.headUnavailable).toBeUndefined();
    await expectStoredExactly(sandbox, file, result);
  });
});
