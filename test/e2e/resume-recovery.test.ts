/**
 * Recovery paths of the ledger-backed upload against the sandbox: a dead upload link is replaced
 * by a new version of the same video, and the create-call crash window ends with the video
 * adopted, deleted, or never made, each time told through a notice, never with a duplicate.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VimeoClient } from '../../src/vimeo/client.js';
import { ledgerIn, start, tokenSandbox, useResumeFixture } from '../resume/helpers.js';
import { crashedCreateRecord, untilExpired } from '../resume/recovery-helpers.js';
import { expectStoredExactly, MiB, randomFile } from './helpers/engine-helpers.js';

const fx = useResumeFixture();

describe('a dead upload link', () => {
  it.each([404, 410])(
    'answering %i is replaced through POST /videos/{id}/versions on the same video',
    async (expiredLinkStatus) => {
      const sandbox = fx.keep(await tokenSandbox({ faults: { throttleBytesPerSecond: 4 * MiB } }));
      const ledger = fx.keep(await ledgerIn(fx.dir));
      const file = await randomFile(fx.dir, 'gone.mp4', 3 * MiB + 9);
      const controller = new AbortController();
      const first = start(sandbox, file.path, ledger, { signal: controller.signal });
      first.upload.on('progress', (p) => {
        if (p.bytesAcked >= MiB) controller.abort();
      });
      await first.upload.done.catch(() => undefined);
      const [before] = await ledger.list();

      // Links die 2.5 s after they are issued: the old one is waited out; the new version's link
      // lives long enough for this small, unthrottled upload.
      sandbox.setFaults({ linkTtlMs: 2_500, expiredLinkStatus });
      await untilExpired(sandbox);
      const again = start(sandbox, file.path, ledger);
      const result = await again.upload.done;

      expect(again.notices.map((n) => n.kind)).toEqual(['resumed', 'new-version']);
      expect(again.notices[1]?.message).toMatch(/no second video/);
      expect(result.videoUri).toBe(before?.videoUri);
      const state = await sandbox.state();
      expect(state.counters.createCalls).toBe(1);
      expect(state.videos).toHaveLength(1);
      expect(state.videos[0]?.versions).toHaveLength(1);
      expect(state.videos[0]?.sha256).toBe(file.sha256);
      expect(state.videos[0]?.storedBytes).toBe(file.sizeBytes);
      const [after] = await ledger.list();
      expect(after).toMatchObject({
        state: 'verified',
        videoUri: before?.videoUri,
        ackedBytes: file.sizeBytes,
      });
      expect(after?.uploadLink).not.toBe(before?.uploadLink);
    },
  );
});

describe('a link that dies during the upload', () => {
  it.each([404, 410])(
    'answering %i: the same call goes on with a new version of the same video (no rerun)',
    async (expiredLinkStatus) => {
      const throttle = { throttleBytesPerSecond: 4 * MiB };
      const box = fx.keep(await tokenSandbox({ faults: throttle }));
      const ledger = fx.keep(await ledgerIn(fx.dir));
      const file = await randomFile(fx.dir, 'dies.mp4', 3 * MiB + 9);
      const run = start(box, file.path, ledger);
      let killed = false;
      run.upload.on('progress', (p) => {
        // Every link issued more than 1 ms ago is dead from now on...
        if (!killed && p.bytesAcked >= MiB) {
          killed = true;
          box.setFaults({ ...throttle, linkTtlMs: 1, expiredLinkStatus });
        }
      });
      run.upload.on('notice', (n) => {
        // ...until the client asks for a fresh one (the notice comes before the version call).
        if (n.kind === 'new-version') box.setFaults(throttle);
      });
      const result = await run.upload.done;

      expect(killed).toBe(true);
      expect(run.notices.map((n) => n.kind)).toEqual(['new-version']);
      const state = await box.state();
      expect(state.counters.createCalls).toBe(1);
      expect(state.videos).toHaveLength(1);
      expect(state.videos[0]?.versions).toHaveLength(1);
      expect(result.videoUri).toBe(state.videos[0]?.uri);
      expect(state.videos[0]?.sha256).toBe(file.sha256);
      const records = await ledger.list();
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ state: 'verified', videoUri: result.videoUri });
    },
  );
});

describe('the crash window inside the create call', () => {
  it('adopts the video the interrupted create call made, and continues it', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'adopt.mp4', 2 * MiB + 17);
    const record = await crashedCreateRecord(sandbox, ledger, file, Date.now());
    // The create call that "happened without being recorded".
    const client = new VimeoClient({ token: sandbox.token, apiUrl: sandbox.apiUrl });
    const lost = await client.createVideo({
      sizeBytes: file.sizeBytes,
      video: { name: basename(file.path) },
    });

    const run = start(sandbox, file.path, ledger);
    const result = await run.upload.done;
    expect(run.notices.map((n) => n.kind)).toEqual(['adopted', 'resumed']);
    expect(run.notices[0]?.videoUri).toBe(lost.videoUri);
    expect(result.videoUri).toBe(lost.videoUri);
    await expectStoredExactly(sandbox, file, result);
    const records = await ledger.list();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id: record.id, state: 'verified', videoUri: lost.videoUri });
  });

  it('deletes a found video whose upload link is dead, then starts again (one live video)', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'dead.mp4', MiB + 3);
    await crashedCreateRecord(sandbox, ledger, file, Date.now());
    const client = new VimeoClient({ token: sandbox.token, apiUrl: sandbox.apiUrl });
    const lost = await client.createVideo({
      sizeBytes: file.sizeBytes,
      video: { name: basename(file.path) },
    });
    // Its link dies 1.5 s after it was issued; the new video's link outlives this small upload.
    sandbox.setFaults({ linkTtlMs: 1_500 });
    await untilExpired(sandbox);

    const run = start(sandbox, file.path, ledger);
    const result = await run.upload.done;
    expect(run.notices.map((n) => n.kind)).toEqual(['deleted-placeholder']);
    expect(run.notices[0]?.videoUri).toBe(lost.videoUri);
    expect(result.videoUri).not.toBe(lost.videoUri);
    const state = await sandbox.state();
    expect(state.deletedVideoIds).toEqual([lost.videoUri.split('/').pop()]);
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]?.sha256).toBe(file.sha256);
    expect((await ledger.list()).map((r) => r.state)).toEqual(['verified']);
  });

  it("leaves alone a look-alike video that already holds bytes (not the crashed call's), and starts again", async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'alike.mp4', MiB + 3);
    await crashedCreateRecord(sandbox, ledger, file, Date.now());
    const client = new VimeoClient({ token: sandbox.token, apiUrl: sandbox.apiUrl });
    const other = await client.createVideo({
      sizeBytes: file.sizeBytes,
      video: { name: basename(file.path) },
    });
    // Someone else's upload of the same name and size, part-way through: 1000 bytes in.
    const patch = await fetch(other.uploadLink, {
      method: 'PATCH',
      headers: {
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': '0',
        'Content-Type': 'application/offset+octet-stream',
      },
      body: new Uint8Array(1000).fill(1),
    });
    expect(patch.status).toBe(204);
    const held = (await sandbox.state({ hashes: false })).videos[0]?.storedBytes ?? 0;
    expect(held).toBeGreaterThan(0);

    const run = start(sandbox, file.path, ledger);
    const result = await run.upload.done;
    expect(run.notices.map((n) => n.kind)).toEqual(['no-placeholder']);
    expect(run.notices[0]?.message).toMatch(/already holds bytes/);
    expect(result.videoUri).not.toBe(other.videoUri);
    const state = await sandbox.state();
    expect(state.deletedVideoIds).toEqual([]);
    expect(state.videos.find((v) => v.uri === other.videoUri)?.storedBytes).toBe(held);
    expect(state.videos.find((v) => v.uri === result.videoUri)?.sha256).toBe(file.sha256);
  });

  it('starts again when the interrupted create call made no video', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'none.mp4', MiB + 1);
    await crashedCreateRecord(sandbox, ledger, file, Date.now());
    const run = start(sandbox, file.path, ledger);
    const result = await run.upload.done;
    expect(run.notices.map((n) => n.kind)).toEqual(['no-placeholder']);
    await expectStoredExactly(sandbox, file, result);
  });

  it('does not adopt a same-named video made before the create call', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'older.mp4', MiB + 1);
    const client = new VimeoClient({ token: sandbox.token, apiUrl: sandbox.apiUrl });
    const older = await client.createVideo({
      sizeBytes: file.sizeBytes,
      video: { name: basename(file.path) },
    });
    // The recorded create call is later than the clock allowance (5 min) after the older video.
    await crashedCreateRecord(sandbox, ledger, file, Date.now() + 10 * 60_000);
    const run = start(sandbox, file.path, ledger);
    const result = await run.upload.done;
    expect(run.notices.map((n) => n.kind)).toEqual(['no-placeholder']);
    expect(result.videoUri).not.toBe(older.videoUri);
    expect((await sandbox.state()).videos).toHaveLength(2);
  });
});
