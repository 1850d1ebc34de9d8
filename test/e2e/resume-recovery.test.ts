/**
 * Recovery paths of the ledger-backed upload against the sandbox: a dead upload link is replaced
 * by a new version of the same video, and the create-call crash window ends with the video
 * adopted, deleted, or never made, each time told through a notice, never with a duplicate.
 */
import { basename } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger, UploadRecord } from '../../src/ledger/types.js';
import { identify } from '../../src/resume/file-identity.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { inspectFile } from '../../src/sources/file-source.js';
import { VimeoClient } from '../../src/vimeo/client.js';
import { ledgerIn, start, tokenSandbox } from '../resume/helpers.js';
import { expectStoredExactly, MiB, randomFile, scratchDir, type TestFile } from './helpers/engine-helpers.js';

let sandbox: Sandbox | undefined;
let ledger: Ledger | undefined;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeEach(async () => {
  scratch = await scratchDir();
});
afterEach(async () => {
  await ledger?.close();
  ledger = undefined;
  await sandbox?.close();
  sandbox = undefined;
  await scratch.cleanup();
});

/** Waits (by polling the sandbox's state, not by a timed sleep) until the video's link has expired. */
async function untilExpired(box: Sandbox): Promise<void> {
  for (;;) {
    const state = await box.state({ hashes: false });
    if (state.videos.every((v) => v.expired)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A `creating` record as a run that crashed inside its create call leaves it. */
async function crashedCreateRecord(
  box: Sandbox,
  db: Ledger,
  file: TestFile,
  createRequestedAt: number,
): Promise<UploadRecord> {
  const client = new VimeoClient({ token: box.token, apiUrl: box.apiUrl });
  const me = await client.getMe();
  const snapshot = await inspectFile(file.path);
  return db.insert({
    filePath: snapshot.path,
    ...(await identify(snapshot)),
    apiUrl: client.apiUrl,
    accountUri: me.uri,
    videoName: basename(file.path),
    videoUri: null,
    videoLink: null,
    uploadLink: null,
    ackedBytes: 0,
    state: 'creating',
    errorCode: null,
    errorMessage: null,
    createRequestedAt,
  });
}

describe('a dead upload link', () => {
  it.each([404, 410])(
    'answering %i is replaced through POST /videos/{id}/versions on the same video',
    async (expiredLinkStatus) => {
      sandbox = await tokenSandbox({ faults: { throttleBytesPerSecond: 4 * MiB } });
      ledger = await ledgerIn(scratch.dir);
      const file = await randomFile(scratch.dir, 'gone.mp4', 3 * MiB + 9);
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
      sandbox = await tokenSandbox({ faults: throttle });
      const box = sandbox;
      ledger = await ledgerIn(scratch.dir);
      const file = await randomFile(scratch.dir, 'dies.mp4', 3 * MiB + 9);
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
    sandbox = await tokenSandbox();
    ledger = await ledgerIn(scratch.dir);
    const file = await randomFile(scratch.dir, 'adopt.mp4', 2 * MiB + 17);
    const record = await crashedCreateRecord(sandbox, ledger, file, Date.now());
    // The create call that "happened without being recorded".
    const client = new VimeoClient({ token: sandbox.token, apiUrl: sandbox.apiUrl });
    const lost = await client.createVideo(file.sizeBytes, { name: basename(file.path) });

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
    sandbox = await tokenSandbox();
    ledger = await ledgerIn(scratch.dir);
    const file = await randomFile(scratch.dir, 'dead.mp4', MiB + 3);
    await crashedCreateRecord(sandbox, ledger, file, Date.now());
    const client = new VimeoClient({ token: sandbox.token, apiUrl: sandbox.apiUrl });
    const lost = await client.createVideo(file.sizeBytes, { name: basename(file.path) });
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
    sandbox = await tokenSandbox();
    ledger = await ledgerIn(scratch.dir);
    const file = await randomFile(scratch.dir, 'alike.mp4', MiB + 3);
    await crashedCreateRecord(sandbox, ledger, file, Date.now());
    const client = new VimeoClient({ token: sandbox.token, apiUrl: sandbox.apiUrl });
    const other = await client.createVideo(file.sizeBytes, { name: basename(file.path) });
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
    sandbox = await tokenSandbox();
    ledger = await ledgerIn(scratch.dir);
    const file = await randomFile(scratch.dir, 'none.mp4', MiB + 1);
    await crashedCreateRecord(sandbox, ledger, file, Date.now());
    const run = start(sandbox, file.path, ledger);
    const result = await run.upload.done;
    expect(run.notices.map((n) => n.kind)).toEqual(['no-placeholder']);
    await expectStoredExactly(sandbox, file, result);
  });

  it('does not adopt a same-named video made before the create call', async () => {
    sandbox = await tokenSandbox();
    ledger = await ledgerIn(scratch.dir);
    const file = await randomFile(scratch.dir, 'older.mp4', MiB + 1);
    const client = new VimeoClient({ token: sandbox.token, apiUrl: sandbox.apiUrl });
    const older = await client.createVideo(file.sizeBytes, { name: basename(file.path) });
    await crashedCreateRecord(sandbox, ledger, file, Date.now() + 10_000);
    const run = start(sandbox, file.path, ledger, { createSkewMs: 1_000 });
    const result = await run.upload.done;
    expect(run.notices.map((n) => n.kind)).toEqual(['no-placeholder']);
    expect(result.videoUri).not.toBe(older.videoUri);
    expect((await sandbox.state()).videos).toHaveLength(2);
  });
});
