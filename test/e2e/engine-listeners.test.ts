/**
 * Listeners of the one upload handle, with and without a ledger. The two ledger tests are the
 * handle bugs of issue 12: both failed against the old `startLedgerUpload` (a crash by unhandled
 * rejection, and a verified record stamped `E_UNEXPECTED`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUpload } from '../../src/entry/create-upload.js';
import { ListenerError } from '../../src/errors.js';
import { MemoryLedger } from '../../src/ledger/index.js';
import { MiB, randomFile } from './helpers/engine-helpers.js';
import { useEngineSandbox } from './helpers/use-engine-sandbox.js';

const t = useEngineSandbox();

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

/** Lets pending rejections be reported (unhandledRejection fires after the microtask queue drains). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('listeners that throw', () => {
  it('a throwing progress listener stops the upload with a ListenerError; nothing escapes', async () => {
    const sandbox = await t.start({ faults: { throttleBytesPerSecond: 4 * MiB } });
    const file = await randomFile(t.dir, 'clip.mp4', 2 * MiB);
    const upload = createUpload(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      chunkSizeBytes: MiB,
      progressIntervalMs: 20,
    });
    let thrown = 0;
    upload.on('progress', (p) => {
      // Throttled events come from a timer: a throw there used to be an uncaught exception.
      if (p.phase === 'uploading' && p.bytesSent > 0) {
        thrown++;
        throw new Error('listener bug');
      }
    });
    const error = await upload.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenerError);
    expect(error).toMatchObject({ code: 'E_LISTENER', event: 'progress', retryable: false });
    expect((error as Error).cause).toEqual(new Error('listener bug'));
    expect(thrown).toBe(1);
    await sandbox.idle();
    const [video] = (await sandbox.state({ hashes: false })).videos;
    expect(video?.storedBytes ?? 0).toBeLessThan(file.sizeBytes);
  });

  it('a throwing verified listener fails the upload instead of escaping', async () => {
    const sandbox = await t.start();
    const file = await randomFile(t.dir, 'clip.mp4', 1000);
    const upload = createUpload(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl });
    upload.on('verified', () => {
      throw new Error('listener bug');
    });
    await expect(upload.done).rejects.toBeInstanceOf(ListenerError);
  });
});

describe('event-style use', () => {
  it('only an error listener: the failure reaches it and no rejection is unhandled', async () => {
    const sandbox = await t.start();
    const file = await randomFile(t.dir, 'clip.mp4', 1000);
    const upload = createUpload(file.path, { token: 'wrong-token', apiUrl: sandbox.apiUrl });
    const seen = await new Promise<unknown>((resolve) => upload.on('error', resolve));
    expect(seen).toMatchObject({ code: 'E_AUTH' });
    await settle();
    expect(unhandled).toEqual([]);
    // Whoever awaits done still sees the rejection.
    await expect(upload.done).rejects.toMatchObject({ code: 'E_AUTH' });
  });
});

describe('with a ledger, the same handle', () => {
  it('with only an error listener, a missing file reaches it and no rejection is unhandled', async () => {
    const ledger = new MemoryLedger();
    const upload = createUpload('/nowhere.mp4', { token: 't', ledger });
    const seen = await new Promise<unknown>((resolve) => upload.on('error', resolve));
    expect(seen).toMatchObject({ code: 'E_FILE_NOT_FOUND' });
    await settle();
    expect(unhandled).toEqual([]);
    await ledger.close();
  });

  it('a throwing verified listener gives a ListenerError and leaves the record verified', async () => {
    const sandbox = await t.start();
    const ledger = new MemoryLedger();
    const file = await randomFile(t.dir, 'clip.mp4', 1000);
    const upload = createUpload(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl, ledger });
    upload.on('verified', () => {
      throw new Error('listener bug');
    });
    await expect(upload.done).rejects.toBeInstanceOf(ListenerError);
    const [record] = await ledger.list();
    expect(record).toMatchObject({ state: 'verified', errorCode: null });
    await ledger.close();
  });
});
