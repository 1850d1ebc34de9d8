/**
 * The ledger-backed upload against the sandbox when two processes want the same file, and when
 * the sandbox restarts mid-upload.
 */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { LedgerError } from '../../src/errors.js';
import { uploadLockName } from '../../src/ledger/index.js';
import type { Ledger } from '../../src/ledger/types.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { VimeoClient } from '../../src/vimeo/client.js';
import { ledgerIn, start, tokenSandbox, useResumeFixture } from '../resume/helpers.js';
import { expectAckedNeverDecreases, expectStoredExactly, MiB, randomFile } from './helpers/engine-helpers.js';

const fx = useResumeFixture();

/** A new connection to the test's ledger file, as another process would open. */
async function open(options: { lockStaleAfterMs?: number } = {}): Promise<Ledger> {
  return fx.keep(await ledgerIn(fx.dir, options));
}

describe('two uploads of one file at once', () => {
  it('one proceeds, the other is refused with E_UPLOAD_LOCKED naming the holder', async () => {
    const sandbox = fx.keep(await tokenSandbox({ faults: { throttleBytesPerSecond: 4 * MiB } }));
    const file = await randomFile(fx.dir, 'twice.mp4', 2 * MiB + 5);
    // Two connections to one ledger file, as two processes would have (each upload is its own
    // lock owner: same pid, its own instance id).
    const first = start(sandbox, file.path, await open());
    const second = start(sandbox, file.path, await open());
    const outcomes = await Promise.allSettled([first.upload.done, second.upload.done]);
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(LedgerError);
    expect(refused[0]).toMatchObject({ code: 'E_UPLOAD_LOCKED' });
    expect((refused[0] as Error).message).toContain(`pid ${process.pid} on host ${hostname()}`);
    const result = ok[0]?.status === 'fulfilled' ? ok[0].value : undefined;
    if (!result) throw new Error('no result');
    await expectStoredExactly(sandbox, file, result);
    // The lock is released at the end: a third run is not refused (it finds the upload verified).
    const third = start(sandbox, file.path, await open());
    expect((await third.upload.done).videoUri).toBe(result.videoUri);
    expect(third.notices.map((n) => n.kind)).toEqual(['already-verified']);
  });
});

describe('a lock taken over mid-upload', () => {
  it('stops the upload with E_UPLOAD_LOCKED and leaves the record to the new holder', async () => {
    const sandbox = fx.keep(await tokenSandbox({ faults: { throttleBytesPerSecond: 2 * MiB } }));
    // A short stale period makes the heartbeat beat every 100 ms.
    const ledger = await open({ lockStaleAfterMs: 400 });
    const file = await randomFile(fx.dir, 'stolen.mp4', 4 * MiB);
    const client = new VimeoClient({ token: sandbox.token, apiUrl: sandbox.apiUrl });
    const key = { filePath: file.path, apiUrl: client.apiUrl, accountUri: (await client.getMe()).uri };
    const thief = { pid: process.pid, hostname: hostname(), instanceId: 'thief' };
    const run = start(sandbox, file.path, ledger);
    let stolen = false;
    run.upload.on('progress', (p) => {
      if (p.bytesAcked >= MiB && !stolen) {
        stolen = true;
        void ledger.tryLock(uploadLockName(key), thief, 0);
      }
    });
    const error = await run.upload.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerError);
    expect(error).toMatchObject({ code: 'E_UPLOAD_LOCKED' });
    expect((error as Error).message).toContain('Lost the ledger lock');
    expect((await ledger.getLock(uploadLockName(key)))?.instanceId).toBe('thief');
    const [record] = await ledger.list();
    expect(record).toMatchObject({ state: 'uploading', errorCode: null });
    expect((await sandbox.state()).videos).toHaveLength(1);
  });
});

describe('the sandbox restarted mid-upload', () => {
  it('completes on the same video once the sandbox is back', async () => {
    let sandbox = fx.keep(await tokenSandbox({ faults: { throttleBytesPerSecond: 3 * MiB } }));
    const ledger = await open();
    const file = await randomFile(fx.dir, 'restart.mp4', 4 * MiB + 123);
    const run = start(sandbox, file.path, ledger, {
      retry: { initialDelayMs: 50, maxDelayMs: 300, maxAttempts: 30 },
    });
    let restarted: Promise<Sandbox> | undefined;
    run.upload.on('progress', (p) => {
      if (p.bytesAcked >= MiB && !restarted) {
        restarted = sandbox.restart({ faults: {} });
      }
    });
    const resultPromise = run.upload.done;
    const result = await resultPromise;
    if (restarted) sandbox = fx.keep(await restarted);
    expect(restarted).toBeDefined();
    // The restart cut the PATCH in flight: the upload had to retry.
    expect(result.retries).toBeGreaterThan(0);
    await expectStoredExactly(sandbox, file, result);
    expectAckedNeverDecreases(run.progress);
    expect((await ledger.list())[0]).toMatchObject({ state: 'verified', videoUri: result.videoUri });
  });
});
