import { describe, expect, it } from 'vitest';
import { createUpload } from '../../src/entry/create-upload.js';
import { CreateOutcomeUnknownError } from '../../src/errors.js';
import type { Faults } from '../../src/sandbox/index.js';
import type { RetryEvent } from '../../src/upload/types.js';
import {
  expectAckedNeverDecreases,
  expectStoredExactly,
  MiB,
  randomFile,
  recordProgress,
} from './helpers/engine-helpers.js';
import { useEngineSandbox } from './helpers/use-engine-sandbox.js';

const t = useEngineSandbox();

const FAST_RETRY = { initialDelayMs: 10, maxDelayMs: 100, maxAttempts: 8 };

interface Case {
  readonly name: string;
  readonly faults: Faults;
  readonly stallTimeoutMs?: number;
  readonly expectRetryCode?: string;
  readonly maxDelayMs?: number;
}

const cases: Case[] = [
  { name: 'a connection reset mid-PATCH', faults: { resets: [{ nth: 2, afterBytes: 300_000 }] } },
  {
    name: '5xx answers to PATCH and HEAD',
    faults: {
      status: [
        { kind: 'patch', status: 503, nth: 2 },
        { kind: 'patch', status: 500, nth: 4 },
        { kind: 'head', status: 502, nth: 2 },
      ],
    },
  },
  {
    name: 'a 429 with Retry-After',
    faults: { status: [{ kind: 'patch', status: 429, nth: 2, retryAfterSeconds: 1 }] },
    expectRetryCode: 'E_RATE_LIMITED',
    // The transfer caps a server's delay at maxDelayMs; leave room for the 1 s asked for.
    maxDelayMs: 2_000,
  },
  { name: 'a 409 on PATCH', faults: { status: [{ kind: 'patch', status: 409, nth: 3 }] } },
  {
    name: 'a stalled PATCH (stall timeout)',
    faults: { stalls: [{ nth: 2, afterBytes: 100_000, durationMs: 2_500 }] },
    stallTimeoutMs: 700,
    expectRetryCode: 'E_STALLED',
  },
  {
    name: 'a reset in "drop partial PATCH bytes" mode',
    faults: {
      dropPartial: true,
      resets: [
        { nth: 2, afterBytes: 500_000 },
        { nth: 4, afterBytes: 10_000 },
      ],
    },
  },
];

describe('engine survives faults of the upload host', () => {
  it.each(cases)('survives $name', async ({ faults, stallTimeoutMs, expectRetryCode, maxDelayMs }) => {
    const sandbox = await t.start({ faults });
    const file = await randomFile(t.dir, 'clip.mp4', 4 * MiB + 999);
    const upload = createUpload(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      chunkSizeBytes: MiB,
      progressIntervalMs: 0,
      retry: { ...FAST_RETRY, ...(maxDelayMs !== undefined ? { maxDelayMs } : {}) },
      ...(stallTimeoutMs !== undefined ? { stallTimeoutMs } : {}),
    });
    const progress = recordProgress(upload);
    const retries: RetryEvent[] = [];
    upload.on('retry', (e) => retries.push(e));
    const result = await upload.done;

    await expectStoredExactly(sandbox, file, result);
    expect(retries.length).toBeGreaterThan(0);
    expect(result.retries).toBeGreaterThan(0);
    if (expectRetryCode) expect(retries.map((r) => r.code)).toContain(expectRetryCode);
    if (expectRetryCode === 'E_RATE_LIMITED') {
      expect(retries.find((r) => r.code === 'E_RATE_LIMITED')?.delayMs).toBe(1000);
    }
    expect(progress.phases()).toContain('retrying');
    expectAckedNeverDecreases(progress.events);
    const state = await sandbox.state();
    const injected = Object.values(state.counters.faultsInjected).reduce((a, b) => a + (b ?? 0), 0);
    expect(injected).toBeGreaterThan(0);
  });

  it.each([
    { name: 'answered 503', fault: { afterHandling: true } },
    { name: 'whose connection was cut', fault: { afterHandling: true, cutConnection: true } },
  ])('adopts the video of a create $name after Vimeo made it: one video, same bytes', async ({ fault }) => {
    const sandbox = await t.start({
      faults: { status: [{ kind: 'create', status: 503, nth: 1, ...fault }] },
    });
    const file = await randomFile(t.dir, 'clip.mp4', 2 * MiB + 5);
    const created: boolean[] = [];
    const upload = createUpload(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      chunkSizeBytes: MiB,
      retry: FAST_RETRY,
    });
    upload.on('created', (e) => created.push(e.created));
    const result = await upload.done;
    await expectStoredExactly(sandbox, file, result);
    expect(created).toEqual([true]);
    expect((await sandbox.state()).counters.faultsInjected.create).toBe(1);
  });

  it('does not adopt the only matching video when its upload already holds bytes (another upload of the same name and size)', async () => {
    const sandbox = await t.start({ faults: { throttleBytesPerSecond: 4 * MiB } });
    const file = await randomFile(t.dir, 'clip.mp4', 2 * MiB + 5);
    const other = await randomFile(t.dir, 'other.mp4', file.sizeBytes);
    // Another upload with the same name and size, stopped after 1 MiB.
    const controller = new AbortController();
    const foreign = createUpload(other.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      chunkSizeBytes: MiB,
      progressIntervalMs: 0,
      video: { name: 'clip.mp4' },
      signal: controller.signal,
    });
    foreign.on('progress', (p) => {
      if (p.bytesAcked >= MiB) controller.abort();
    });
    await foreign.done.catch(() => undefined);
    const before = (await sandbox.state()).videos;
    expect(before).toHaveLength(1);
    expect(before[0]?.storedBytes).toBeGreaterThanOrEqual(MiB);
    // Our create is answered 503 and makes nothing: the one match is the other upload's video.
    sandbox.setFaults({ status: [{ kind: 'create', status: 503, nth: 1 }] });
    const error = await createUpload(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      retry: FAST_RETRY,
    }).done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CreateOutcomeUnknownError);
    expect((error as Error).message).toMatch(/matches but its upload already holds \d+ of \d+ bytes/);
    const after = await sandbox.state();
    expect(after.counters.createCalls).toBe(2);
    expect(after.videos.map((v) => [v.uri, v.storedBytes, v.sha256])).toEqual(
      before.map((v) => [v.uri, v.storedBytes, v.sha256]),
    );
  });

  it('fails with CreateOutcomeUnknownError (no second create) when a 503 create made nothing', async () => {
    const sandbox = await t.start({ faults: { status: [{ kind: 'create', status: 503, nth: 1 }] } });
    const file = await randomFile(t.dir, 'clip.mp4', MiB + 5);
    const upload = createUpload(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      retry: FAST_RETRY,
    });
    const error = await upload.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CreateOutcomeUnknownError);
    expect((error as Error).message).toMatch(/may have created a video/);
    const state = await sandbox.state();
    expect(state.counters.createCalls).toBe(1);
    expect(state.videos).toHaveLength(0);
  });
});
