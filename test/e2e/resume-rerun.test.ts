/**
 * The ledger-backed upload over real HTTP against the sandbox: a rerun after an abort continues
 * the same video, a rerun after success sends nothing, a changed file is refused until
 * `newUpload`, and the token never reaches the ledger file.
 */
import { utimes, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { AbortError, LedgerError } from '../../src/errors.js';
import { expectNoTokenInLedger, ledgerIn, start, tokenSandbox, useResumeFixture } from '../resume/helpers.js';
import { expectAckedNeverDecreases, expectStoredExactly, MiB, randomFile } from './helpers/engine-helpers.js';

const fx = useResumeFixture();

describe('rerun of the same upload', () => {
  it('continues the same video after an abort: one create call, byte-identical, no token in the ledger', async () => {
    const sandbox = fx.keep(await tokenSandbox({ faults: { throttleBytesPerSecond: 4 * MiB } }));
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'talk.mp4', 4 * MiB + 333);
    const controller = new AbortController();
    const first = start(sandbox, file.path, ledger, { signal: controller.signal });
    first.upload.on('progress', (p) => {
      if (p.bytesAcked >= MiB) controller.abort();
    });
    expect(await first.upload.done.catch((e: unknown) => e)).toBeInstanceOf(AbortError);
    const [mid] = await ledger.list();
    expect(mid).toMatchObject({ state: 'uploading', filePath: file.path, errorCode: 'E_ABORTED' });
    expect(mid?.ackedBytes).toBeGreaterThanOrEqual(MiB);
    expect(mid?.accountUri).toMatch(/^\/users\//);

    sandbox.setFaults({});
    const second = start(sandbox, file.path, ledger);
    const result = await second.upload.done;
    await expectStoredExactly(sandbox, file, result);
    expect(result.resumed).toBe(true);
    expect(result.videoUri).toBe(mid?.videoUri);
    expect(result.bytesSent).toBeLessThanOrEqual(file.sizeBytes - (mid?.ackedBytes ?? 0));
    expect(second.notices.map((n) => n.kind)).toEqual(['resumed']);
    expectAckedNeverDecreases(second.progress);
    const records = await ledger.list();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ state: 'verified', ackedBytes: file.sizeBytes, errorCode: null });
    await expectNoTokenInLedger(fx.dir, sandbox.token);
  });

  it('a rerun after a verified upload sends nothing and creates nothing', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'done.mp4', 2 * MiB + 1);
    const first = await start(sandbox, file.path, ledger).upload.done;
    const before = (await sandbox.state()).counters.requests;
    const again = start(sandbox, file.path, ledger);
    const result = await again.upload.done;
    expect(again.notices.map((n) => n.kind)).toEqual(['already-verified']);
    expect(result).toMatchObject({ videoUri: first.videoUri, bytesSent: 0, requests: 0, resumed: true });
    // It says it is checking with Vimeo, as a transfer's end does (a batch gives its place away then).
    expect(again.progress.map((p) => p.phase)).toContain('verifying');
    await expectStoredExactly(sandbox, file, result);
    const after = (await sandbox.state()).counters.requests;
    expect(after.patch).toBe(before.patch);
    expect(after.head ?? 0).toBe(before.head ?? 0);
    await expectNoTokenInLedger(fx.dir, sandbox.token);
  });

  it('waitForProcessing records the upload as processed', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'wait.mp4', MiB + 5);
    const result = await start(sandbox, file.path, ledger, {
      waitForProcessing: { pollIntervalMs: 20 },
    }).upload.done;
    expect(result.transcodeStatus).toBe('complete');
    expect((await ledger.list())[0]?.state).toBe('processed');
    // Run again with the same wait: nothing is sent; it verifies, then waits for processing.
    const again = start(sandbox, file.path, ledger, { waitForProcessing: { pollIntervalMs: 20 } });
    expect(await again.upload.done).toMatchObject({ bytesSent: 0, transcodeStatus: 'complete' });
    expect(again.progress.map((p) => p.phase)).toEqual(['verifying', 'processing']);
  });
});

describe('a file changed since it was recorded', () => {
  it('is refused with E_FILE_MODIFIED_SINCE_LEDGER; newUpload supersedes the record and starts a new video', async () => {
    const sandbox = fx.keep(await tokenSandbox({ faults: { throttleBytesPerSecond: 4 * MiB } }));
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'edit.mp4', 3 * MiB);
    const controller = new AbortController();
    const first = start(sandbox, file.path, ledger, { signal: controller.signal });
    first.upload.on('progress', (p) => {
      if (p.bytesAcked >= MiB) controller.abort();
    });
    await first.upload.done.catch(() => undefined);
    const [old] = await ledger.list();
    sandbox.setFaults({});

    // Same size, new content and modification time.
    const changed = await randomFile(fx.dir, 'edit.mp4', 3 * MiB);
    const refused = await start(sandbox, file.path, ledger).upload.done.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LedgerError);
    expect(refused).toMatchObject({ code: 'E_FILE_MODIFIED_SINCE_LEDGER' });
    expect((refused as Error).message).toMatch(/--new/);
    expect((await sandbox.state()).counters.createCalls).toBe(1);

    const fresh = start(sandbox, file.path, ledger, { newUpload: true });
    const result = await fresh.upload.done;
    expect(fresh.notices.map((n) => n.kind)).toEqual(['superseded']);
    expect(result.videoUri).not.toBe(old?.videoUri);
    const state = await sandbox.state();
    expect(state.counters.createCalls).toBe(2);
    expect(state.videos.find((v) => v.uri === result.videoUri)?.sha256).toBe(changed.sha256);
    const records = await ledger.findByFile(file.path);
    expect(records.map((r) => r.state)).toEqual(['verified', 'failed']);
    expect(records[1]).toMatchObject({ errorCode: 'E_SUPERSEDED', videoUri: old?.videoUri });
  });

  it('a touched file (same bytes, new modification time) is refused too', async () => {
    const sandbox = fx.keep(await tokenSandbox({ faults: { throttleBytesPerSecond: 4 * MiB } }));
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'touch.mp4', 2 * MiB);
    const controller = new AbortController();
    const first = start(sandbox, file.path, ledger, { signal: controller.signal });
    first.upload.on('progress', (p) => {
      if (p.bytesAcked > 0) controller.abort();
    });
    await first.upload.done.catch(() => undefined);
    const later = new Date(Date.now() + 60_000);
    await utimes(file.path, later, later);
    const refused = await start(sandbox, file.path, ledger).upload.done.catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'E_FILE_MODIFIED_SINCE_LEDGER' });
    expect((refused as Error).message).toMatch(/modification time/);
  });

  it('a changed file whose earlier upload was verified is refused as well (no silent second video)', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const file = await randomFile(fx.dir, 'v.mp4', MiB + 10);
    await start(sandbox, file.path, ledger).upload.done;
    await writeFile(file.path, Buffer.alloc(MiB + 20, 7));
    const refused = await start(sandbox, file.path, ledger).upload.done.catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'E_FILE_MODIFIED_SINCE_LEDGER' });
    expect((refused as Error).message).toMatch(/size changed/);
    const result = await start(sandbox, file.path, ledger, { newUpload: true }).upload.done;
    expect((await sandbox.state()).counters.createCalls).toBe(2);
    expect(result.bytesTotal).toBe(MiB + 20);
  });
});
