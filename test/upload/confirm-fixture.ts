/**
 * A virtual clock and a fake Vimeo API for the confirmation's unit tests (confirm.ts,
 * shared-reads.ts): no real time passes, and no request leaves the process.
 */
import type { Sleep } from '../../src/core/sleep.js';
import { AbortError } from '../../src/errors.js';
import type { VideoInfo } from '../../src/vimeo/types.js';

export const SIZE = 1_000;
export const API = 'http://127.0.0.1:1';

/** Timers on a virtual clock, fired in order once every promise has settled. */
export function virtualTimers() {
  let nowMs = 0;
  const timers: { atMs: number; fire: () => void }[] = [];
  const sleep: Sleep = (delayMs, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new AbortError());
        return;
      }
      const timer = { atMs: nowMs + delayMs, fire: resolve };
      timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          // A timer that already fired is gone: nothing to take out (splice(-1) would take the last).
          const at = timers.indexOf(timer);
          if (at < 0) return;
          timers.splice(at, 1);
          reject(new AbortError());
        },
        { once: true },
      );
    });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
  };
  /** Runs until `work` settles, firing timers in time order. */
  const run = async <T>(work: Promise<T>): Promise<T> => {
    let done = false;
    const watched = work.finally(() => {
      done = true;
    });
    watched.catch(() => undefined);
    for (;;) {
      await settle();
      if (done || timers.length === 0) break;
      timers.sort((a, b) => a.atMs - b.atMs);
      const next = timers.shift();
      if (next === undefined) break;
      nowMs = Math.max(nowMs, next.atMs);
      next.fire();
    }
    return watched;
  };
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms), sleep, run };
}

/** A fake API: each video's upload.status turns complete `delayMs` after its `finishedAtMs`. */
export function fakeApi(now: () => number, sleep?: Sleep) {
  /** Each video's last PATCH answer and the API's delay; `size` and `failed` change what it says. */
  const videos = new Map<
    string,
    { finishedAtMs: number; delayMs: number; size?: number; failed?: boolean }
  >();
  const reads: { videoUri: string; atMs: number }[] = [];
  /** The pages of `GET /me/videos` read: when, how long, and which videos they showed. */
  const pages: { atMs: number; perPage: number; uris: string[] }[] = [];
  /** Videos the listing leaves out (a list that lags), and whether it fails. */
  const listing = { hidden: new Set<string>(), fail: false };
  /** How long a read of one video, or of a page, takes (needs `sleep`). */
  const latency = { ms: 0 };
  const view = (videoUri: string): VideoInfo => {
    const video = videos.get(videoUri);
    const complete = video !== undefined && now() >= video.finishedAtMs + video.delayMs;
    return {
      uri: videoUri,
      status: video?.failed ? 'uploading_error' : complete ? 'transcoding' : 'uploading',
      upload: { status: complete ? 'complete' : 'in_progress', size: video?.size ?? SIZE },
      transcode: { status: 'in_progress' },
    } as VideoInfo;
  };
  const getVideo = async ({ videoUri }: { videoUri: string }): Promise<VideoInfo> => {
    reads.push({ videoUri, atMs: now() });
    if (latency.ms > 0 && sleep !== undefined) await sleep(latency.ms, undefined);
    return view(videoUri);
  };
  /** A client of this API for the token `tokenKey` (it can list, and so share first reads). */
  const listingClient = (tokenKey = 'token-a') => ({
    apiUrl: API,
    getVideo,
    tokenKey,
    listVideos: async ({ perPage = 25 }: { perPage?: number }) => {
      if (listing.fail) throw new Error('listing is down');
      // Newest first: the videos added last.
      const uris = [...videos.keys()]
        .reverse()
        .filter((uri) => !listing.hidden.has(uri))
        .slice(0, perPage);
      pages.push({ atMs: now(), perPage, uris });
      if (latency.ms > 0 && sleep !== undefined) await sleep(latency.ms, undefined);
      return { data: uris.map(view), next: null };
    },
  });
  const client = listingClient();
  return { client, listingClient, reads, pages, listing, latency, videos };
}
