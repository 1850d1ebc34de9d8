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
    opts: {
      delayMs?: number;
      tokenKey?: string;
      signal?: AbortSignal;
      size?: number;
      failed?: boolean;
      version?: boolean;
      timeoutMs?: number;
    } = {},
  ) => {
    const videoUri = `/videos/${++n}`;
    api.videos.set(videoUri, {
      finishedAtMs,
      delayMs: opts.delayMs ?? DELAY_MS,
      ...(opts.size !== undefined ? { size: opts.size } : {}),
      ...(opts.failed ? { failed: true } : {}),
    });
    const work = confirmWithVimeo(api.listingClient(opts.tokenKey), videoUri, SIZE, {
      finishedAtMs,
      memory,
      shared,
      shareFirstRead: opts.version !== true,
      now: clock.now,
      sleep: clock.sleep,
      signal: opts.signal,
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
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

  it('a page that fails is no answer: each reads its own and is confirmed, and failures end sharing like misses', async () => {
    const { clock, api, confirm, ownReads } = setup();
    api.listing.fail = true;
    const a = confirm(0);
    const b = confirm(10);
    const results = await clock.run(Promise.all([a.work, b.work]));
    expect(results).toHaveLength(2);
    expect(ownReads(a.videoUri)).toEqual([10 + PLANNED_MS]);
    expect(ownReads(b.videoUri)).toEqual([10 + PLANNED_MS]);
    // Three failed pages (25, 50, 100 long) and sharing is off: the fourth pair reads alone.
    const tries: number[] = [];
    for (let i = 1; i <= 3; i += 1) {
      const c = confirm(i * 1_000);
      const d = confirm(i * 1_000 + 10);
      await clock.run(Promise.all([c.work, d.work]));
      tries.push(ownReads(c.videoUri).length + ownReads(d.videoUri).length);
    }
    expect(tries).toEqual([2, 2, 2]);
    api.listing.fail = false;
    const e = confirm(5_000);
    const f = confirm(5_010);
    await clock.run(Promise.all([e.work, f.work]));
    expect(api.pages).toEqual([]);
    expect(ownReads(e.videoUri)).toHaveLength(1);
    expect(ownReads(f.videoUri)).toHaveLength(1);
  });

  it('a page answer is judged like the video`s own: a wrong size is not agreement, a failed upload is an error', async () => {
    const { clock, api, confirm, ownReads } = setup();
    const short = confirm(0, { size: SIZE - 1, timeoutMs: 1_000 });
    const failed = confirm(10, { failed: true });
    const [rs, rf] = await clock.run(Promise.allSettled([short.work, failed.work]));
    expect(api.pages).toHaveLength(1);
    expect((rs as PromiseRejectedResult).reason).toMatchObject({ code: 'E_VERIFY_UNCONFIRMED' });
    // The short one kept reading its own video after the page; the failed one needed no other read.
    expect(ownReads(short.videoUri).length).toBeGreaterThan(1);
    expect((rf as PromiseRejectedResult).reason).toMatchObject({ code: 'E_VERIFY_FAILED' });
    expect(ownReads(failed.videoUri)).toEqual([]);
  });

  it('until a page has found a due video, one page at a time: uploads due meanwhile read their own', async () => {
    const { clock, api, confirm, ownReads } = setup();
    api.latency.ms = 50;
    // a and b share a page read at 120 and answered at 170; c and d fall due at 150 and 160.
    const [a, b, c, d] = [0, 10, 40, 50].map((t) => confirm(t));
    await clock.run(Promise.all([a, b, c, d].map((u) => u?.work)));
    expect(api.pages.map((p) => p.atMs)).toEqual([10 + PLANNED_MS]);
    expect(ownReads(c?.videoUri ?? '')).toEqual([40 + PLANNED_MS]);
    expect(ownReads(d?.videoUri ?? '')).toEqual([50 + PLANNED_MS]);
    // That page found its videos: from now on the same timing gives two overlapping pages.
    const later = [1_000, 1_010, 1_040, 1_050].map((t) => confirm(t));
    await clock.run(Promise.all(later.map((u) => u.work)));
    expect(api.pages.map((p) => p.atMs)).toEqual([10 + PLANNED_MS, 1_010 + PLANNED_MS, 1_050 + PLANNED_MS]);
    for (const u of later) expect(ownReads(u.videoUri)).toEqual([]);
  });

  it('pages that never show their videos: three in all, however many groups fall due while one is out', async () => {
    const { clock, api, confirm } = setup();
    api.latency.ms = 50;
    for (let round = 0; round < 4; round += 1) {
      const uploads = Array.from({ length: 8 }, (_, i) => confirm(round * 1_000 + i * 15));
      for (const u of uploads) api.listing.hidden.add(u.videoUri);
      const results = await clock.run(Promise.all(uploads.map((u) => u.work)));
      expect(results).toHaveLength(8);
    }
    expect(api.pages.map((p) => p.perPage)).toEqual([FIRST_PAGE, FIRST_PAGE * 2, MAX_PAGE]);
  });

  it('two videos missing from one page make the next page longer once', async () => {
    const { clock, api, confirm } = setup();
    const a = confirm(0);
    const b = confirm(10);
    api.listing.hidden.add(a.videoUri);
    api.listing.hidden.add(b.videoUri);
    await clock.run(Promise.all([a.work, b.work]));
    const c = confirm(1_000);
    const d = confirm(1_010);
    await clock.run(Promise.all([c.work, d.work]));
    expect(api.pages.map((p) => p.perPage)).toEqual([FIRST_PAGE, FIRST_PAGE * 2]);
  });

  it('a new version does not share (its listing could still show the previous file as complete)', async () => {
    const { clock, api, confirm } = setup();
    const a = confirm(0, { version: true });
    const b = confirm(10, { version: true });
    await clock.run(Promise.all([a.work, b.work]));
    expect(api.pages).toEqual([]);
    expect(api.reads).toHaveLength(2);
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
