/**
 * Once a file's upload has a video, every later run ends on that video: a refused version call,
 * a run stopped inside a version call (replace or fresh link), a failed record whose video is
 * still there. None of them may make the next run create a second video.
 */
import { describe, expect, it } from 'vitest';
import { VimeoTusError } from '../../src/errors.js';
import { startApiProxy } from '../resume/api-proxy.js';
import {
  interruptAfterFirstMiB,
  ledgerIn,
  start,
  tokenSandbox,
  useResumeFixture,
} from '../resume/helpers.js';
import { untilExpired } from '../resume/recovery-helpers.js';
import { MiB, randomFile } from './helpers/engine-helpers.js';

const fx = useResumeFixture();

describe('a refused version call', () => {
  it('(403 on POST /versions after a dead link) keeps the record; the next run sends a new version of the same video', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'refused.mp4', 3 * MiB + 5);
    await interruptAfterFirstMiB(sandbox, ledger, file.path);
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
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'bad-transcode.mp4', MiB + 11);
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
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const v1 = await randomFile(fx.dir, 'v1.mp4', MiB + 3);
    const first = await start(sandbox, v1.path, ledger).upload.done;
    const v2 = await randomFile(fx.dir, 'v2.mp4', 2 * MiB + 1);

    sandbox.setFaults({ status: [{ kind: 'version', status: 502, cutConnection: true }] });
    const cut = start(sandbox, v2.path, ledger, { replace: first.videoUri });
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
    const sandbox = fx.keep(await tokenSandbox());
    const proxy = fx.keep(await startApiProxy(sandbox.apiUrl));
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const viaProxy = { apiUrl: proxy.url };
    const v1 = await randomFile(fx.dir, 'v1.mp4', MiB + 3);
    const first = await start(sandbox, v1.path, ledger, viaProxy).upload.done;
    const v2 = await randomFile(fx.dir, 'v2.mp4', 2 * MiB + 1);

    proxy.setHold((r) => r.method === 'POST' && r.path.includes('/versions'));
    const controller = new AbortController();
    const held = proxy.nextHeld();
    const replace = start(sandbox, v2.path, ledger, {
      ...viaProxy,
      replace: first.videoUri,
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
