/**
 * Once a file's upload has a video, every later run ends on that video: a refused version call,
 * a run stopped inside a version call (replace or fresh link), a failed record whose video is
 * still there. None of them may make the next run create a second video.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VimeoTusError } from '../../src/errors.js';
import type { Ledger } from '../../src/ledger/types.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { type ApiProxy, startApiProxy } from '../resume/api-proxy.js';
import { ledgerIn, start, tokenSandbox } from '../resume/helpers.js';
import { untilExpired } from '../resume/recovery-helpers.js';
import { MiB, randomFile, scratchDir } from './helpers/engine-helpers.js';

let sandbox: Sandbox | undefined;
let ledger: Ledger | undefined;
let proxy: ApiProxy | undefined;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeEach(async () => {
  scratch = await scratchDir();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await ledger?.close();
  ledger = undefined;
  await sandbox?.close();
  sandbox = undefined;
  await scratch.cleanup();
});

/** Runs an upload until the server acknowledged 1 MiB, then aborts it. */
async function partlyUploaded(box: Sandbox, db: Ledger, path: string, extra = {}): Promise<void> {
  box.setFaults({ throttleBytesPerSecond: 4 * MiB });
  const controller = new AbortController();
  const run = start(box, path, db, { signal: controller.signal, ...extra });
  run.upload.on('progress', (p) => {
    if (p.bytesAcked >= MiB) controller.abort();
  });
  await run.upload.done.catch(() => undefined);
  box.setFaults({});
}

describe('a refused version call', () => {
  it('(403 on POST /versions after a dead link) keeps the record; the next run sends a new version of the same video', async () => {
    sandbox = await tokenSandbox();
    ledger = await ledgerIn(scratch.dir);
    const file = await randomFile(scratch.dir, 'refused.mp4', 3 * MiB + 5);
    await partlyUploaded(sandbox, ledger, file.path);
    const [before] = await ledger.list();
    expect(before?.videoUri).toMatch(/^\/videos\//);

    sandbox.setFaults({ linkTtlMs: 2_500, status: [{ kind: 'version', status: 403 }] });
    await untilExpired(sandbox);
    const refused = start(sandbox, file.path, ledger);
    const error = await refused.upload.done.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VimeoTusError);
    expect((error as VimeoTusError).status).toBe(403);
    const [mid] = await ledger.list();
    expect(mid?.state).not.toBe('failed');
    expect(mid?.videoUri).toBe(before?.videoUri);

    // Vimeo accepts versions again; the new link outlives this small upload.
    sandbox.setFaults({ linkTtlMs: 2_500 });
    const again = start(sandbox, file.path, ledger);
    const result = await again.upload.done;
    expect(again.notices.map((n) => n.kind)).toContain('new-version');
    expect(again.notices.map((n) => n.kind)).not.toContain('restarted');
    expect(result.videoUri).toBe(before?.videoUri);
    const state = await sandbox.state();
    expect(state.counters.videosCreated).toBe(1);
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]?.sha256).toBe(file.sha256);
    expect((await ledger.list()).map((r) => r.state)).toEqual(['verified']);
  });

  it('a failed record whose video still exists gets a new version of it, not a new video', async () => {
    sandbox = await tokenSandbox();
    ledger = await ledgerIn(scratch.dir);
    const file = await randomFile(scratch.dir, 'bad-transcode.mp4', MiB + 11);
    sandbox.setOptions({ transcodeOutcome: 'error' });
    const failed = start(sandbox, file.path, ledger, { waitForProcessing: { pollIntervalMs: 20 } });
    await expect(failed.upload.done).rejects.toMatchObject({ code: 'E_PROCESSING_FAILED' });
    const [record] = await ledger.list();
    expect(record).toMatchObject({ state: 'failed', errorCode: 'E_PROCESSING_FAILED' });

    sandbox.setOptions({ transcodeOutcome: 'complete' });
    const again = start(sandbox, file.path, ledger);
    const result = await again.upload.done;
    expect(again.notices.map((n) => n.kind)).toEqual(['new-version']);
    expect(result.videoUri).toBe(record?.videoUri);
    const state = await sandbox.state();
    expect(state.counters.videosCreated).toBe(1);
    expect(state.videos[0]?.versions).toHaveLength(1);
    expect(state.videos[0]?.sha256).toBe(file.sha256);
  });
});

describe('a replace stopped inside its version call, then resumed without --replace', () => {
  it('the call cut before Vimeo acted: the resume asks for a version of the same video (no second video)', async () => {
    sandbox = await tokenSandbox();
    ledger = await ledgerIn(scratch.dir);
    const v1 = await randomFile(scratch.dir, 'v1.mp4', MiB + 3);
    const first = await start(sandbox, v1.path, ledger).upload.done;
    const v2 = await randomFile(scratch.dir, 'v2.mp4', 2 * MiB + 1);

    sandbox.setFaults({ status: [{ kind: 'version', status: 502, cutConnection: true }] });
    const cut = start(sandbox, v2.path, ledger, { replaceVideoUri: first.videoUri });
    await expect(cut.upload.done).rejects.toBeInstanceOf(VimeoTusError);
    const [mid] = await ledger.findByFile(v2.path);
    expect(mid).toMatchObject({ state: 'creating', videoUri: first.videoUri, uploadLink: null });
    sandbox.setFaults({});

    // `vimeo-tus resume` starts unfinished records without the replace option.
    const resumed = start(sandbox, v2.path, ledger);
    const result = await resumed.upload.done;
    expect(resumed.notices.map((n) => n.kind)).toEqual(['new-version']);
    expect(result.videoUri).toBe(first.videoUri);
    const state = await sandbox.state();
    expect(state.counters.videosCreated).toBe(1);
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]?.sha256).toBe(v2.sha256);
    expect(state.videos[0]?.storedBytes).toBe(v2.sizeBytes);
  });

  it('aborted while the answer was held back (Vimeo made the version): the resume continues that version', async () => {
    sandbox = await tokenSandbox();
    proxy = await startApiProxy(sandbox.apiUrl);
    ledger = await ledgerIn(scratch.dir);
    const viaProxy = { apiUrl: proxy.url };
    const v1 = await randomFile(scratch.dir, 'v1.mp4', MiB + 3);
    const first = await start(sandbox, v1.path, ledger, viaProxy).upload.done;
    const v2 = await randomFile(scratch.dir, 'v2.mp4', 2 * MiB + 1);

    proxy.setHold((r) => r.method === 'POST' && r.path.includes('/versions'));
    const controller = new AbortController();
    const held = proxy.nextHeld();
    const replace = start(sandbox, v2.path, ledger, {
      ...viaProxy,
      replaceVideoUri: first.videoUri,
      signal: controller.signal,
    });
    await held;
    controller.abort();
    await expect(replace.upload.done).rejects.toMatchObject({ code: 'E_ABORTED' });
    proxy.setHold(undefined);
    expect((await sandbox.state({ hashes: false })).videos[0]?.versions).toHaveLength(1);

    const resumed = start(sandbox, v2.path, ledger, viaProxy);
    const result = await resumed.upload.done;
    expect(resumed.notices.map((n) => n.kind)).toEqual(['resumed']);
    expect(result.videoUri).toBe(first.videoUri);
    const state = await sandbox.state();
    expect(state.counters.videosCreated).toBe(1);
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]?.versions).toHaveLength(1);
    expect(state.videos[0]?.sha256).toBe(v2.sha256);
  });
});
