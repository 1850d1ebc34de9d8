/**
 * The confirmation's schedule (confirm.ts) and the agreement times it learns (agreement-times.ts),
 * on a virtual clock: a fake API whose upload.status turns complete a set time after the last
 * PATCH's answer, and sleeps that only move the clock. No real time passes.
 */
import { describe, expect, it } from 'vitest';
import { AbortError, VerificationError } from '../../src/errors.js';
import { AgreementTimes, MAX_PLANNED_READ_MS } from '../../src/upload/agreement-times.js';
import { confirmWithVimeo, stepAfterMs } from '../../src/upload/confirm.js';
import { API, fakeApi, SIZE, virtualTimers } from './confirm-fixture.js';

function setup() {
  const clock = virtualTimers();
  const api = fakeApi(clock.now);
  const memory = new AgreementTimes(clock.now);
  let n = 0;
  /** One freshly finished upload whose status flips `delayMs` after now; its read times (ms after its finish). */
  const upload = async (delayMs: number, headMs = 0): Promise<number[]> => {
    const videoUri = `/videos/${++n}`;
    const finishedAtMs = clock.now();
    api.videos.set(videoUri, { finishedAtMs, delayMs });
    clock.advance(headMs);
    await clock.run(
      confirmWithVimeo(api.client, videoUri, SIZE, {
        finishedAtMs,
        memory,
        now: clock.now,
        sleep: clock.sleep,
        timeoutMs: 120_000,
      }),
    );
    return api.reads.filter((r) => r.videoUri === videoUri).map((r) => r.atMs - finishedAtMs);
  };
  return { clock, api, memory, upload };
}

describe('the schedule of reads', () => {
  it('waits 25 ms after a read that disagreed, growing by a quarter of the time waited, at most 10 s', () => {
    expect(stepAfterMs(0)).toBe(25);
    expect(stepAfterMs(100)).toBe(25);
    expect(stepAfterMs(400)).toBe(100);
    expect(stepAfterMs(1_000_000)).toBe(10_000);
  });

  it('a rerun (nothing sent) reads at once, then 25 ms apart, then growing; E_VERIFY_UNCONFIRMED at the deadline', async () => {
    const { clock, api, memory } = setup();
    api.videos.set('/videos/x', { finishedAtMs: 0, delayMs: Number.POSITIVE_INFINITY });
    const work = confirmWithVimeo(api.client, '/videos/x', SIZE, {
      memory,
      now: clock.now,
      sleep: clock.sleep,
      timeoutMs: 1_000,
    });
    const error = await clock.run(work).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationError);
    expect((error as VerificationError).code).toBe('E_VERIFY_UNCONFIRMED');
    const times = api.reads.map((r) => r.atMs);
    expect(times.slice(0, 6)).toEqual([0, 25, 50, 75, 100, 125]);
    expect(times.at(-1)).toBe(1_000);
    for (let i = 5; i < times.length - 1; i += 1) {
      const prev = times[i - 1] ?? 0;
      expect((times[i] ?? 0) - prev).toBe(stepAfterMs(prev));
    }
    // Nothing was learned from a call that did not follow a last PATCH.
    expect(memory.firstReadMs(API)).toBeUndefined();
  });

  it('the first upload learns from 25 ms after its last PATCH; later ones read when the API agreed, usually once', async () => {
    const { upload, memory } = setup();
    expect(await upload(100)).toEqual([25, 50, 75, 100]);
    // (75, 100] is wide: the next two probe the middle once each, then the read at 100 agrees.
    expect(await upload(100)).toEqual([88, 100]);
    expect(await upload(100)).toEqual([94, 100]);
    // Narrow now: the read known to agree plus a margin of 10 ms (or a tenth).
    expect(memory.firstReadMs(API)).toBe(110);
    for (let i = 0; i < 5; i += 1) expect(await upload(100)).toEqual([110]);
  });

  it('the HEAD runs inside the wait: the first read is planned from the last PATCH, not from the end of the HEAD', async () => {
    const { upload } = setup();
    await upload(60);
    await upload(60);
    await upload(60);
    const reads = await upload(60, 40);
    expect(reads).toEqual([expect.any(Number)]);
    expect(reads[0]).toBeLessThanOrEqual(60 + 15);
    expect(reads[0]).toBeGreaterThanOrEqual(60);
  });

  it('a delay that grows is followed at once; one that shrinks is found again by probing', async () => {
    const { upload, memory } = setup();
    for (let i = 0; i < 4; i += 1) await upload(100);
    expect(memory.firstReadMs(API)).toBe(110);
    const longer = await upload(300);
    expect(longer[0]).toBe(110);
    expect(longer.at(-1)).toBeGreaterThanOrEqual(300);
    expect(memory.firstReadMs(API)).toBeGreaterThan(110);
    // Back to 100: each read that agrees lowers the plan; within a few uploads one read again.
    let last: number[] = [];
    for (let i = 0; i < 8; i += 1) last = await upload(100);
    expect(last).toHaveLength(1);
    expect(last[0]).toBeLessThanOrEqual(125);
  });

  it('a delay that grew for good costs a few probes, then one read each again', async () => {
    const { upload } = setup();
    for (let i = 0; i < 4; i += 1) await upload(100);
    const reads: number[][] = [];
    for (let i = 0; i < 8; i += 1) reads.push(await upload(300));
    expect(reads.slice(-3)).toEqual([[expect.any(Number)], [expect.any(Number)], [expect.any(Number)]]);
    expect(reads.at(-1)?.[0]).toBeLessThanOrEqual(300 * 1.1 + 30);
    expect(reads.flat().length).toBeLessThanOrEqual(8 + 14);
  });

  it('a delay that shrank below the lower edge is found again once that edge is a minute old', async () => {
    const { upload, clock } = setup();
    for (let i = 0; i < 4; i += 1) await upload(100);
    expect(await upload(40)).toEqual([110]);
    clock.advance(60_000);
    let last: number[] = [];
    for (let i = 0; i < 8; i += 1) last = await upload(40);
    expect(last).toHaveLength(1);
    expect(last[0]).toBeLessThanOrEqual(60);
  });

  it('a long one-off delay is bounded: the next first read is at most 2 s away, and the plan comes back down', async () => {
    const { upload, memory } = setup();
    for (let i = 0; i < 4; i += 1) await upload(100);
    const slow = await upload(30_000);
    expect(slow.at(-1)).toBeGreaterThanOrEqual(30_000);
    expect(memory.firstReadMs(API)).toBe(MAX_PLANNED_READ_MS);
    const firsts: number[] = [];
    for (let i = 0; i < 10; i += 1) firsts.push((await upload(100))[0] ?? Number.NaN);
    expect(firsts[0]).toBeLessThanOrEqual(MAX_PLANNED_READ_MS);
    expect(firsts.at(-1)).toBeLessThanOrEqual(125);
  });

  it('uploads that finish together while nothing is learned wait for one learner: one read each after it', async () => {
    const { clock, api, memory } = setup();
    const calls = Array.from({ length: 8 }, (_, i) => {
      const videoUri = `/videos/c${i}`;
      api.videos.set(videoUri, { finishedAtMs: 0, delayMs: 100 });
      return confirmWithVimeo(api.client, videoUri, SIZE, {
        finishedAtMs: 0,
        memory,
        now: clock.now,
        sleep: clock.sleep,
      });
    });
    await clock.run(Promise.all(calls));
    // The learner read at 25, 50, 75, 100; each of the 7 others once, at 100.
    expect(api.reads).toHaveLength(4 + 7);
  });

  it('a learner that is never confirmed leaves nothing learned, and hands the learning on', async () => {
    const { clock, api, memory } = setup();
    api.videos.set('/videos/a', { finishedAtMs: 0, delayMs: Number.POSITIVE_INFINITY });
    api.videos.set('/videos/b', { finishedAtMs: 0, delayMs: 100 });
    const options = { finishedAtMs: 0, memory, now: clock.now, sleep: clock.sleep };
    const a = confirmWithVimeo(api.client, '/videos/a', SIZE, { ...options, timeoutMs: 500 });
    const b = confirmWithVimeo(api.client, '/videos/b', SIZE, { ...options, timeoutMs: 5_000 });
    const [ra, rb] = await clock.run(Promise.allSettled([a, b]));
    expect(ra.status).toBe('rejected');
    expect((ra as PromiseRejectedResult).reason).toMatchObject({ code: 'E_VERIFY_UNCONFIRMED' });
    expect(rb.status).toBe('fulfilled');
    // b waited for a (500 ms), then learned itself: its first read came after a gave up.
    const bReads = api.reads.filter((r) => r.videoUri === '/videos/b').map((r) => r.atMs);
    expect(bReads[0]).toBeGreaterThanOrEqual(500);
    expect(memory.firstReadMs(API)).toBeDefined();
  });

  it('an abort while waiting for the learner ends the wait with AbortError', async () => {
    const { clock, api, memory } = setup();
    api.videos.set('/videos/a', { finishedAtMs: 0, delayMs: 1_000 });
    api.videos.set('/videos/b', { finishedAtMs: 0, delayMs: 1_000 });
    const controller = new AbortController();
    const options = { finishedAtMs: 0, memory, now: clock.now, sleep: clock.sleep };
    const a = confirmWithVimeo(api.client, '/videos/a', SIZE, options);
    const b = confirmWithVimeo(api.client, '/videos/b', SIZE, { ...options, signal: controller.signal });
    setImmediate(() => controller.abort());
    const [ra, rb] = await clock.run(Promise.allSettled([a, b]));
    expect(ra.status).toBe('fulfilled');
    expect((rb as PromiseRejectedResult).reason).toBeInstanceOf(AbortError);
    expect(api.reads.filter((r) => r.videoUri === '/videos/b')).toHaveLength(0);
  });
});
