import { describe, expect, it } from 'vitest';
import { createUpload, uploadVideo } from '../../src/entry/create-upload.js';
import { ConfigError, type VimeoTusError } from '../../src/errors.js';
import type { RetryPolicy } from '../../src/upload/types.js';
import { MiB, randomFile, runEngine } from './helpers/engine-helpers.js';
import { useEngineSandbox } from './helpers/use-engine-sandbox.js';

const t = useEngineSandbox();
const FAST_RETRY = { initialDelayMs: 10, maxDelayMs: 100, maxAttempts: 3 };

describe('options are checked before anything is created', () => {
  it.each<[string, RetryPolicy]>([
    ['maxAttempts 0', { maxAttempts: 0 }],
    ['maxAttempts NaN', { maxAttempts: Number.NaN }],
    ['maxAttempts 2.5', { maxAttempts: 2.5 }],
    ['initialDelayMs -1', { initialDelayMs: -1 }],
    ['maxDelayMs NaN', { maxDelayMs: Number.NaN }],
    ['maxDelayMs Infinity', { maxDelayMs: Number.POSITIVE_INFINITY }],
  ])('a retry policy with %s → ConfigError, no create call', async (_name, retry) => {
    const sandbox = await t.start();
    const file = await randomFile(t.dir, 'clip.mp4', 1000);
    const error = await uploadVideo(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl, retry }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^retry\./);
    const state = await sandbox.state({ hashes: false });
    expect(state.counters.createCalls).toBe(0);
    expect(state.videos).toHaveLength(0);
  });
});

describe('the created video is recorded at once and named by later errors', () => {
  it('calls afterCreate right after the create answer, before any other call', async () => {
    const sandbox = await t.start();
    const original = await randomFile(t.dir, 'v1.mp4', 1000);
    const first = await uploadVideo(original.path, { token: sandbox.token, apiUrl: sandbox.apiUrl });
    const next = await randomFile(t.dir, 'v2.mp4', MiB + 3);
    const before = (await sandbox.state({ hashes: false })).counters.requests['get-video'] ?? 0;
    let getsAtHook: number | undefined;
    let hookInfo: { videoUri: string; uploadLink: string } | undefined;
    const result = await runEngine(next.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      replace: first.videoUri,
      hooks: {
        afterCreate: async (info) => {
          hookInfo = info;
          getsAtHook = (await sandbox.state({ hashes: false })).counters.requests['get-video'] ?? 0;
        },
      },
    }).done;
    // A version answer has no page link: the engine GETs it, but only after the hook ran.
    expect(getsAtHook).toBe(before);
    expect(hookInfo?.videoUri).toBe(first.videoUri);
    expect(hookInfo?.uploadLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//);
    expect(result.link).toMatch(/^https:\/\/vimeo\.com\//);
  });

  it('puts the video URI on an error that ends the upload after the create', async () => {
    const sandbox = await t.start({ faults: { linkTtlMs: 0 } });
    const file = await randomFile(t.dir, 'clip.mp4', 1000);
    const upload = createUpload(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      retry: FAST_RETRY,
    });
    const error = (await upload.done.catch((e: unknown) => e)) as VimeoTusError;
    expect(error.code).toBe('E_UPLOAD_LINK_GONE');
    const [video] = (await sandbox.state({ hashes: false })).videos;
    expect(error.videoUri).toBe(video?.uri);
    expect(error.uploadLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//);
    expect(error.toJSON()).toMatchObject({ videoUri: video?.uri });
  });

  it('an error before the create names no video', async () => {
    const sandbox = await t.start({ faults: { status: [{ kind: 'create', status: 400 }] } });
    const file = await randomFile(t.dir, 'clip.mp4', 1000);
    const error = await uploadVideo(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl }).catch(
      (e: unknown) => e,
    );
    expect((error as VimeoTusError).code).toBe('E_VIMEO_API');
    expect((error as VimeoTusError).videoUri).toBeUndefined();
    expect((error as VimeoTusError).uploadLink).toBeUndefined();
  });
});
