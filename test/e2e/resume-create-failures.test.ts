/**
 * Create calls that fail, through the ledger: a refusal (4xx) ends the record `failed` and the next
 * run starts again; a 5xx (which may have made a video) keeps it `creating`, and the next run
 * looks for the video before creating one.
 */
import { describe, expect, it } from 'vitest';
import { ledgerIn, start, tokenSandbox, useResumeFixture } from '../resume/helpers.js';
import { MiB, randomFile } from './helpers/engine-helpers.js';

const fx = useResumeFixture();

describe('a create call that fails', () => {
  it('refused for quota: the record is failed; once there is room, the rerun starts a new upload', async () => {
    const sandbox = fx.keep(await tokenSandbox({ quotaBytes: 1000 }));
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'big.mp4', MiB + 1);
    const refused = await start(sandbox, file.path, ledger).upload.done.catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'E_QUOTA' });
    expect((await ledger.list())[0]).toMatchObject({ state: 'failed', errorCode: 'E_QUOTA', videoUri: null });

    sandbox.setOptions({ quotaBytes: 100 * MiB });
    const again = start(sandbox, file.path, ledger);
    const result = await again.upload.done;
    expect(again.notices.map((n) => n.kind)).toEqual(['restarted']);
    const state = await sandbox.state();
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]?.sha256).toBe(file.sha256);
    expect(result.videoUri).toBe(state.videos[0]?.uri);
  });

  it('answered 500: the record stays creating; the rerun looks for the video first, then creates one', async () => {
    const sandbox = fx.keep(await tokenSandbox({ faults: { status: [{ kind: 'create', status: 500 }] } }));
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'edge.mp4', MiB + 2);
    const failed = await start(sandbox, file.path, ledger).upload.done.catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'E_CREATE_OUTCOME_UNKNOWN' });
    expect((await ledger.list())[0]).toMatchObject({ state: 'creating', videoUri: null });

    const again = start(sandbox, file.path, ledger);
    const result = await again.upload.done;
    expect(again.notices.map((n) => n.kind)).toEqual(['no-placeholder']);
    // Two create calls reached the sandbox; the faulted one created nothing.
    const state = await sandbox.state();
    expect(state.counters.createCalls).toBe(2);
    expect(state.counters.videosCreated).toBe(1);
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]?.uri).toBe(result.videoUri);
    expect(state.videos[0]?.sha256).toBe(file.sha256);
    expect((await ledger.list()).map((r) => r.state)).toEqual(['verified']);
  });
});
