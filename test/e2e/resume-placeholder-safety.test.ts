/**
 * A placeholder (the video a killed create call may have left) is deleted only when it is
 * provably ours, and a refused delete (real Vimeo needs the `delete` scope) never stops the
 * upload: the user is told which video to delete by hand, and the ledger keeps its URI.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLACEHOLDER_KEPT_CODE, SUPERSEDED_CODE } from '../../src/resume/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { VimeoClient } from '../../src/vimeo/client.js';
import { ledgerIn, start, tokenSandbox, useResumeFixture } from '../resume/helpers.js';
import { crashedCreateRecord, untilExpired } from '../resume/recovery-helpers.js';
import { MiB, randomFile, type TestFile } from './helpers/engine-helpers.js';

const fx = useResumeFixture();

/** A video of the file's name and size, made outside the ledger (as a lost create answer does). */
async function lookAlike(box: Sandbox, file: TestFile): Promise<{ videoUri: string; uploadLink: string }> {
  const client = new VimeoClient({ token: box.token, apiUrl: box.apiUrl });
  return client.createVideo({ sizeBytes: file.sizeBytes, video: { name: basename(file.path) } });
}

const idOf = (uri: string): string | undefined => uri.split('/').pop();

describe('superseding a crashed create (--new)', () => {
  it('leaves alone a look-alike video that holds bytes (not ours)', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'alike.mp4', MiB + 3);
    await crashedCreateRecord(sandbox, ledger, file, Date.now());
    const other = await lookAlike(sandbox, file);
    const patch = await fetch(other.uploadLink, {
      method: 'PATCH',
      headers: {
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': '0',
        'Content-Type': 'application/offset+octet-stream',
      },
      body: new Uint8Array(1000).fill(7),
    });
    expect(patch.status).toBe(204);

    const run = start(sandbox, file.path, ledger, { newUpload: true });
    const result = await run.upload.done;
    expect(run.notices.map((n) => n.kind)).toEqual(['superseded']);
    const state = await sandbox.state();
    expect(state.deletedVideoIds).toEqual([]);
    expect(state.videos.find((v) => v.uri === other.videoUri)?.storedBytes).toBe(1000);
    expect(state.videos.find((v) => v.uri === result.videoUri)?.sha256).toBe(file.sha256);
  });

  it('deletes our own unused placeholder (no byte in it)', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'ours.mp4', MiB + 3);
    await crashedCreateRecord(sandbox, ledger, file, Date.now());
    const lost = await lookAlike(sandbox, file);
    const run = start(sandbox, file.path, ledger, { newUpload: true });
    const result = await run.upload.done;
    expect(run.notices.map((n) => n.kind)).toEqual(['superseded']);
    const state = await sandbox.state();
    expect(state.deletedVideoIds).toEqual([idOf(lost.videoUri)]);
    expect(state.videos.map((v) => v.uri)).toEqual([result.videoUri]);
  });

  it('a refused DELETE (403, no delete scope) is told and recorded, and the upload goes on', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'scope.mp4', MiB + 3);
    const crashed = await crashedCreateRecord(sandbox, ledger, file, Date.now());
    const lost = await lookAlike(sandbox, file);
    sandbox.setFaults({ status: [{ kind: 'delete-video', status: 403, count: Number.POSITIVE_INFINITY }] });

    const run = start(sandbox, file.path, ledger, { newUpload: true });
    const result = await run.upload.done;
    expect(run.notices.map((n) => n.kind)).toEqual(['superseded']);
    expect(run.notices[0]?.videoUri).toBe(lost.videoUri);
    expect(run.notices[0]?.message).toContain(lost.videoUri);
    expect(run.notices[0]?.message).toMatch(/`delete` scope/);
    expect(run.notices[0]?.message).toMatch(/by hand/);
    const state = await sandbox.state();
    expect(state.deletedVideoIds).toEqual([]);
    expect(state.videos.map((v) => v.uri).sort()).toEqual([lost.videoUri, result.videoUri].sort());
    expect(state.videos.find((v) => v.uri === result.videoUri)?.sha256).toBe(file.sha256);
    expect(await ledger.get(crashed.id)).toMatchObject({
      state: 'failed',
      errorCode: SUPERSEDED_CODE,
      videoUri: lost.videoUri,
    });
  });
});

describe('recovering a crashed create whose placeholder cannot take the upload', () => {
  it('a refused DELETE is told (the URI to delete by hand), kept on a failed record, and a new upload runs', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'dead.mp4', MiB + 3);
    const crashed = await crashedCreateRecord(sandbox, ledger, file, Date.now());
    const lost = await lookAlike(sandbox, file);
    // Its link dies 1.5 s after it was issued; the new video's link outlives this small upload.
    sandbox.setFaults({
      linkTtlMs: 1_500,
      status: [{ kind: 'delete-video', status: 403, count: Number.POSITIVE_INFINITY }],
    });
    await untilExpired(sandbox);

    const run = start(sandbox, file.path, ledger);
    const result = await run.upload.done;
    expect(run.notices.map((n) => n.kind)).toEqual(['restarted']);
    expect(run.notices[0]?.videoUri).toBe(lost.videoUri);
    expect(run.notices[0]?.message).toMatch(new RegExp(`delete ${lost.videoUri} by hand`));
    expect(result.videoUri).not.toBe(lost.videoUri);
    const state = await sandbox.state();
    expect(state.deletedVideoIds).toEqual([]);
    expect(state.videos.find((v) => v.uri === result.videoUri)?.sha256).toBe(file.sha256);
    expect(await ledger.get(crashed.id)).toMatchObject({
      state: 'failed',
      errorCode: PLACEHOLDER_KEPT_CODE,
      videoUri: lost.videoUri,
    });

    // The next run finds the verified upload, not the kept placeholder.
    const again = start(sandbox, file.path, ledger);
    expect((await again.upload.done).videoUri).toBe(result.videoUri);
    expect(again.notices.map((n) => n.kind)).toEqual(['already-verified']);
    expect((await sandbox.state({ hashes: false })).counters.videosCreated).toBe(2);
  });
});
