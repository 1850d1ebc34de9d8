/**
 * The one upload handle, driven by scripted runs (no HTTP): where listeners are wrapped and `done`
 * is settled.
 */
import { describe, expect, it } from 'vitest';
import { createUpload } from '../../src/entry/create-upload.js';
import type { UploadOptions } from '../../src/entry/types.js';
import { UploadHandle } from '../../src/entry/upload-handle.js';
import { AbortError, ConfigError, ListenerError, NetworkError } from '../../src/errors.js';
import { MemoryLedger } from '../../src/ledger/memory-ledger.js';
import type { UploadProgress, UploadResult } from '../../src/upload/types.js';

const progress: UploadProgress = {
  phase: 'uploading',
  bytesSent: 10,
  bytesAcked: 0,
  bytesTotal: 100,
  bytesPerSecond: 0,
  etaSeconds: null,
};

const result: UploadResult = {
  videoUri: '/videos/7',
  link: 'https://vimeo.com/7',
  filePath: '/tmp/x.mp4',
  bytesTotal: 100,
  bytesSent: 100,
  uploadOffset: 100,
  uploadLength: 100,
  checks: { headOffsets: true, apiSize: true, apiUploadStatus: true },
  uploadStatus: 'complete',
  transcodeStatus: 'in_progress',
  requests: 1,
  retries: 0,
  durationMs: 1,
  resumed: false,
};

/** Resolves when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

describe('UploadHandle', () => {
  it('a listener that throws from a timer stops the run through its signal and fails done with ListenerError', async () => {
    let stoppedBy: unknown;
    const handle = new UploadHandle(async (context) => {
      // A throttled progress event is sent from a timer: a throw there must not escape.
      setTimeout(() => context.emit('progress', progress), 5);
      await aborted(context.signal);
      stoppedBy = context.signal.reason;
      throw new AbortError('stopped', { cause: context.signal.reason });
    }, undefined);
    let calls = 0;
    handle.on('progress', () => {
      calls++;
      throw new Error('listener bug');
    });
    const error = await handle.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenerError);
    expect(error).toMatchObject({ event: 'progress', retryable: false });
    expect((error as Error).cause).toEqual(new Error('listener bug'));
    expect(stoppedBy).toBe(error);
    expect(calls).toBe(1);
  });

  it('shows the video and upload link once known, and puts them on the error', async () => {
    const seen: unknown[] = [];
    const handle = new UploadHandle(async (context) => {
      context.target({ videoUri: '/videos/7', link: '', uploadLink: 'https://files.example/u/abc' });
      seen.push(handle.video, handle.uploadLink);
      context.target({ videoUri: '/videos/7', link: 'https://vimeo.com/7' });
      throw new NetworkError('connection reset');
    }, undefined);
    expect(handle.video).toBeUndefined();
    const errors: unknown[] = [];
    handle.on('error', (e) => errors.push(e));
    const error = (await handle.done.catch((e: unknown) => e)) as NetworkError;
    expect(seen).toEqual([{ uri: '/videos/7', link: '' }, 'https://files.example/u/abc']);
    expect(handle.video).toEqual({ uri: '/videos/7', link: 'https://vimeo.com/7' });
    expect(handle.uploadLink).toBe('https://files.example/u/abc');
    expect(error.videoUri).toBe('/videos/7');
    expect(error.uploadLink).toBe('https://files.example/u/abc');
    expect(errors).toEqual([error]);
  });

  it("an abort of the caller's signal wins over what it caused", async () => {
    const controller = new AbortController();
    const handle = new UploadHandle(async () => {
      controller.abort();
      throw new NetworkError('socket closed');
    }, controller.signal);
    const error = await handle.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).cause).toBeInstanceOf(NetworkError);
  });

  it('sends verified after the run resolved; a throw there fails done, the result stays what it was', async () => {
    let runEnded = false;
    const handle = new UploadHandle(async () => {
      runEnded = true;
      return result;
    }, undefined);
    handle.on('verified', (r) => {
      expect(runEnded).toBe(true);
      expect(r).toBe(result);
      throw new Error('listener bug');
    });
    await expect(handle.done).rejects.toMatchObject({ event: 'verified' });
    expect(handle.video).toEqual({ uri: '/videos/7', link: 'https://vimeo.com/7' });
  });
});

describe('createUpload', () => {
  it('without options, or with a bad ledger, rejects done with a ConfigError (not a TypeError)', async () => {
    const bare = createUpload as (path: string, options?: UploadOptions) => ReturnType<typeof createUpload>;
    await expect(bare('/nowhere.mp4').done).rejects.toBeInstanceOf(ConfigError);
    await expect(bare('/nowhere.mp4', null as unknown as UploadOptions).done).rejects.toBeInstanceOf(
      ConfigError,
    );
    const both = createUpload('/nowhere.mp4', {
      token: 't',
      ledger: true,
      resume: { videoUri: '/videos/1', uploadLink: 'http://127.0.0.1:1/files/x' },
    });
    await expect(both.done).rejects.toBeInstanceOf(ConfigError);
  });

  it('rejects bad options through done with a ConfigError, before touching the file', async () => {
    await expect(createUpload('/definitely/not/here.mp4', { token: '' }).done).rejects.toBeInstanceOf(
      ConfigError,
    );
    await expect(createUpload('/definitely/not/here.mp4', { token: 'abc\n' }).done).rejects.toMatchObject({
      code: 'E_CONFIG',
    });
    // A misspelt option (plain JavaScript has no type check): refused, with the likely one named.
    for (const [typo, meant] of [
      ['chunkSize', 'chunkSizeBytes'],
      ['verifyTimeoutMS', 'verifyTimeoutMs'],
    ] as const) {
      const options = { token: 't', [typo]: 5 } as unknown as UploadOptions;
      await expect(createUpload('/definitely/not/here.mp4', options).done).rejects.toMatchObject({
        code: 'E_CONFIG',
        message: expect.stringContaining(`Unknown option "${typo}" (did you mean ${meant}?)`),
      });
    }
    const conflicting = createUpload('/definitely/not/here.mp4', {
      token: 't',
      resume: { videoUri: '/videos/1', uploadLink: 'http://127.0.0.1:1/files/x' },
      replace: '/videos/1',
    });
    await expect(conflicting.done).rejects.toMatchObject({ code: 'E_CONFIG' });
    // The ledger finds the upload to continue itself.
    const ledger = new MemoryLedger();
    const withLedger = createUpload('/definitely/not/here.mp4', {
      token: 't',
      ledger,
      resume: { videoUri: '/videos/1', uploadLink: 'http://127.0.0.1:1/files/x' },
    });
    await expect(withLedger.done).rejects.toMatchObject({ code: 'E_CONFIG' });
    await expect(createUpload('/nowhere.mp4', { token: '', ledger }).done).rejects.toMatchObject({
      code: 'E_CONFIG',
    });
    await ledger.close();
  });
});
