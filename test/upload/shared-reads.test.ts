/**
 * Shared first reads (shared-reads.ts) through the confirmation (confirm.ts), on a virtual clock
 * with a fake API that can list the account's videos. The API agrees 100 ms after each upload's
 * last PATCH, and the process already knows it (a first read planned at 110 ms).
 */
import { describe, expect, it } from 'vitest';
import { AbortError } from '../../src/errors.js';
import { AgreementTimes } from '../../src/upload/agreement-times.js';
import { confirmWithVimeo } from '../../src/upload/confirm.js';
import { FIRST_PAGE, MAX_PAGE, SHARE_WINDOW_MS, SharedReads } from '../../src/upload/shared-reads.js';
import { API, fakeApi, SIZE, virtualTimers } from './confirm-fixture.js';

const DELAY_MS = 100;
const PLANNED_MS = 110;

function setup() {
  const clock = virtualTimers();
  const api = fakeApi(clock.now, clock.sleep);
  const memory = new AgreementTimes(clock.now);
  memory.adopt(API, { lowMs: 95, highMs: DELAY_MS, lowSinceMs: clock.now() });
  const shared = new SharedReads();
  let n = 0;
  /** Confirms a fresh upload whose last PATCH was answered at `finishedAtMs`. */
  const confirm = (
    finishedAtMs: number,
    opts: { delayMs?: number; tokenKey?: string; signal?: AbortSignal; videoUri?: string } = {},
  ) => {
    const videoUri = opts.videoUri ?? `/videos/${++n}`;
    api.videos.set(videoUri, { finishedAtMs, delayMs: opts.delayMs ?? DELAY_MS });
    const work = confirmWithVimeo(api.listingClient(opts.tokenKey), videoUri, SIZE, {
      finishedAtMs,
      memory,
      shared,
      now: clock.now,
      sleep: clock.sleep,
      signal: opts.signal,
    });
    return { videoUri, work };
  };
  const ownReads = (videoUri: string) => api.reads.filter((r) => r.videoUri === videoUri).map((r) => r.atMs);
  return { clock, api, confirm, ownReads };
}

describe('shared first reads', () => {
  it('two uploads due within the window share one page, read at the later one`s time', async () => {
    const { clock, api, confirm } = setup();
    const a = confirm(0);
    const b = confirm(SHARE_WINDOW_MS - 5);
    const [ca, cb] = await clock.run(Promise.all([a.work, b.work]));
    expect(ca.video.uri).toBe(a.videoUri);
    expect(cb.video.uri).toBe(b.videoUri);
    expect(api.reads).toEqual([]);
    expect(api.pages).toEqual([
      { atMs: SHARE_WINDOW_MS - 5 + PLANNED_MS, perPage: FIRST_PAGE, uris: expect.any(Array) },
    ]);
  });

  it('a lone upload, or uploads due further apart, read their own video at their own time', async () => {
    const { clock, api, confirm, ownReads } = setup();
    const lone = confirm(0);
    await clock.run(lone.work);
    const a = confirm(1_000);
    const b = confirm(1_000 + SHARE_WINDOW_MS + 1);
    await clock.run(Promise.all([a.work, b.work]));
    expect(api.pages).toEqual([]);
    expect(ownReads(lone.videoUri)).toEqual([PLANNED_MS]);
    expect(ownReads(a.videoUri)).toEqual([1_000 + PLANNED_MS]);
    expect(ownReads(b.videoUri)).toEqual([1_000 + SHARE_WINDOW_MS + 1 + PLANNED_MS]);
  });

  it('eight uploads finishing together cost one page, not eight reads', async () => {
    const { clock, api, confirm } = setup();
    const uploads = Array.from({ length: 8 }, (_, i) => confirm(i * 2));
    await clock.run(Promise.all(uploads.map((u) => u.work)));
    expect(api.reads).toEqual([]);
    expect(api.pages).toHaveLength(1);
  });

  it('an upload already reading its own video is no company: the next one due reads alone too', async () => {
    const { clock, api, confirm } = setup();
    api.latency.ms = 50;
    // a reads alone at 110 (b is due at 140, outside the window) and is still waiting for its answer at 140.
    const a = confirm(0);
    const b = confirm(30);
    await clock.run(Promise.all([a.work, b.work]));
    expect(api.pages).toEqual([]);
    expect(api.reads.map((r) => r.atMs)).toEqual([PLANNED_MS, 30 + PLANNED_MS]);
  });

  it('a video the page shows not yet complete is read on its own after that, and confirmed', async () => {
    const { clock, api, confirm, ownReads } = setup();
    const slow = confirm(0, { delayMs: 300 });
    const b = confirm(10);
    await clock.run(Promise.all([slow.work, b.work]));
    expect(api.pages).toHaveLength(1);
    const reads = ownReads(slow.videoUri);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.at(-1)).toBeGreaterThanOrEqual(300);
    expect(ownReads(b.videoUri)).toEqual([]);
  });

  it('a due video missing from the page is read on its own at once; the pages grow, and a miss at the longest ends sharing', async () => {
    const { clock, api, confirm, ownReads } = setup();
    let t = 0;
    const pair = async (hideFirst: boolean) => {
      const a = confirm(t);
      const b = confirm(t + 10);
      if (hideFirst) api.listing.hidden.add(a.videoUri);
      await clock.run(Promise.all([a.work, b.work]));
      t += 1_000;
      return { a: ownReads(a.videoUri), b: ownReads(b.videoUri), page: api.pages.at(-1) };
    };
    const first = await pair(true);
    // a's own read comes right after the page that missed it.
    expect(first.a).toEqual([10 + PLANNED_MS]);
    expect(first.page?.perPage).toBe(FIRST_PAGE);
    const lengths = [FIRST_PAGE];
    for (let length = FIRST_PAGE * 2; length < MAX_PAGE; length *= 2) lengths.push(length);
    lengths.push(MAX_PAGE);
    for (const length of lengths.slice(1)) expect((await pair(true)).page?.perPage).toBe(length);
    const pagesBefore = api.pages.length;
    const after = await pair(false);
    expect(api.pages).toHaveLength(pagesBefore);
    expect(after.a).toHaveLength(1);
    expect(after.b).toHaveLength(1);
  });

  it('a page that fails is no answer: each reads its own, and both are confirmed', async () => {
    const { clock, api, confirm, ownReads } = setup();
    api.listing.fail = true;
    const a = confirm(0);
    const b = confirm(10);
    const results = await clock.run(Promise.all([a.work, b.work]));
    expect(results).toHaveLength(2);
    expect(ownReads(a.videoUri)).toEqual([10 + PLANNED_MS]);
    expect(ownReads(b.videoUri)).toEqual([10 + PLANNED_MS]);
  });

  it('an upload aborted while it waits for the page ends with AbortError; the others still get their answer', async () => {
    const { clock, api, confirm } = setup();
    const controller = new AbortController();
    const a = confirm(0, { signal: controller.signal });
    const b = confirm(20);
    // At 110 a formed the group and waits for the page at 130; it is aborted before that.
    const abortAt = clock.sleep(PLANNED_MS + 5).then(() => controller.abort());
    const [ra, rb] = await clock.run(Promise.allSettled([a.work, b.work, abortAt]));
    expect((ra as PromiseRejectedResult).reason).toBeInstanceOf(AbortError);
    expect(rb.status).toBe('fulfilled');
    expect(api.pages).toHaveLength(1);
    expect(api.reads).toEqual([]);
  });

  it('uploads of different tokens do not share', async () => {
    const { clock, api, confirm } = setup();
    const a = confirm(0, { tokenKey: 'token-a' });
    const b = confirm(10, { tokenKey: 'token-b' });
    await clock.run(Promise.all([a.work, b.work]));
    expect(api.pages).toEqual([]);
    expect(api.reads).toHaveLength(2);
  });
});
