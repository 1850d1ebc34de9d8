/**
 * A replace (new version of an existing video) through the ledger: an interrupted replace is
 * continued on the same version; an unfinished upload of the file to another video is superseded.
 */
import { describe, expect, it } from 'vitest';
import {
  interruptAfterFirstMiB,
  ledgerIn,
  start,
  tokenSandbox,
  useResumeFixture,
} from '../resume/helpers.js';
import { MiB, randomFile } from './helpers/engine-helpers.js';

const fx = useResumeFixture();

describe('replace through the ledger', () => {
  it('an interrupted replace continues the same version; no new video, no second version', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const original = await randomFile(fx.dir, 'v1.mp4', MiB + 7);
    const first = await start(sandbox, original.path, ledger).upload.done;
    const next = await randomFile(fx.dir, 'v2.mp4', 3 * MiB + 1);
    await interruptAfterFirstMiB(sandbox, ledger, next.path, { replace: first.videoUri });
    const [mid] = await ledger.findByFile(next.path);
    expect(mid).toMatchObject({ state: 'uploading', videoUri: first.videoUri });

    const again = start(sandbox, next.path, ledger, { replace: first.videoUri });
    const result = await again.upload.done;
    expect(again.notices.map((n) => n.kind)).toEqual(['resumed']);
    expect(result.videoUri).toBe(first.videoUri);
    const state = await sandbox.state();
    expect(state.counters.createCalls).toBe(1);
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]?.versions).toHaveLength(1);
    expect(state.videos[0]?.sha256).toBe(next.sha256);
  });

  it('supersedes an unfinished upload of the file to another video', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const target = await start(sandbox, (await randomFile(fx.dir, 'a.mp4', MiB)).path, ledger).upload.done;
    const file = await randomFile(fx.dir, 'b.mp4', 3 * MiB);
    await interruptAfterFirstMiB(sandbox, ledger, file.path);
    const [other] = await ledger.findByFile(file.path);
    const replace = start(sandbox, file.path, ledger, { replace: target.videoUri });
    const result = await replace.upload.done;
    expect(replace.notices.map((n) => n.kind)).toEqual(['superseded']);
    expect(result.videoUri).toBe(target.videoUri);
    expect((await ledger.get(other?.id ?? ''))?.state).toBe('failed');
    const video = (await sandbox.state()).videos.find((v) => v.uri === target.videoUri);
    expect(video?.sha256).toBe(file.sha256);
  });
});
