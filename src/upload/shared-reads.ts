/**
 * The first confirmation reads of new videos uploaded with one token, shared. In a batch, uploads finish
 * their bytes a few ms apart, and each then reads its video once, at the time Vimeo's API agreed
 * after the last uploads (agreement-times.ts). When two or more of those first reads fall due within
 * {@link SHARE_WINDOW_MS} of each other, one `GET /me/videos` page (newest first, the confirmation's
 * fields) answers them all at the latest one's time, instead of one `GET /videos/{id}` each: fewer
 * calls against the account's rate limit. A lone upload reads its own video as before, and nothing
 * waits longer than the window for company.
 *
 * Each answer is judged by the same checks as a read of the video itself (confirm.ts); only the
 * first read is shared, so a video the page shows not yet complete is read on its own after that.
 * A due video missing from the page (older than the page's newest videos, one the token may not
 * list, such as an unlisted video without the `private` scope, or a list that lags behind the
 * video's own view) is read on its own at once, and the next pages on that account are twice as
 * long, up to {@link MAX_PAGE}; a video missing from a page of that length ends sharing on the
 * account for the life of the process. Until a page has answered a due video, the account has one
 * page out at a time (uploads due meanwhile read their own), so a token whose pages never show its
 * videos pays exactly three pages (25, 50, 100 long), however many uploads fall due together. A
 * page that fails counts as a miss for each upload it was to answer, which then reads its own. Only
 * videos created by their call share (confirm.ts: `shareFirstRead`): a new version's listing could
 * still show the previous file as complete.
 *
 * The page is read through the client of the upload that formed the group, with its retry policy:
 * the others wait through its retries, and if that upload is aborted the page fails and each reads
 * its own. Kept per API URL and token (`VimeoClient.tokenKey`, a hash: the token is never kept).
 */
import type { Sleep } from '../core/sleep.js';
import { AbortError } from '../errors.js';
import type { VimeoClient } from '../vimeo/client.js';
import type { VideoInfo } from '../vimeo/types.js';

/** First reads due this close together (ms) share one page. */
export const SHARE_WINDOW_MS = 25;
/** The first page's length (Vimeo's default `per_page`). */
export const FIRST_PAGE = 25;
/** The longest page (Vimeo's largest `per_page`). */
export const MAX_PAGE = 100;

/** What a client needs to share reads: its account's key and the list call. */
export type SharingClient = Pick<VimeoClient, 'apiUrl' | 'getVideo' | 'listVideos' | 'tokenKey'>;

/** One read's answer: the video, and when the request for it was made (on the caller's clock). */
export interface SharedAnswer {
  readonly video: VideoInfo;
  readonly startedAtMs: number;
}

interface Waiter {
  readonly videoUri: string;
  readonly dueAtMs: number;
  /** True once its read began (alone or through a page). */
  reading: boolean;
  /** The page that will answer it, once a due upload formed a group with it. */
  page?: Promise<Page>;
}

interface Page {
  /** The page's length. */
  readonly perPage: number;
  readonly startedAtMs: number;
  /** Videos by URI; undefined when the page failed. */
  readonly videos: Map<string, VideoInfo> | undefined;
}

interface Account {
  readonly waiters: Set<Waiter>;
  perPage: number;
  off: boolean;
  /** True once a page answered a due video: pages may then overlap. */
  proven: boolean;
  /** True while the account, not proven, has its one page out. */
  probing: boolean;
}

/** A fresh upload's first read, planned: {@link read} makes it at its time, {@link drop} ends it. */
export interface PlannedRead {
  /**
   * Makes the read, which is due now: alone with `client.getVideo`, or with others due within the
   * window through one page. `sleep` waits for the group's time (tests pass a virtual clock).
   */
  read(fields: readonly string[], sleep: Sleep, signal: AbortSignal | undefined): Promise<SharedAnswer>;
  /** Forgets the upload (whatever happened to it). */
  drop(): void;
}

/** Shared first reads per account (one instance per process: {@link sharedReads}). */
export class SharedReads {
  readonly #accounts = new Map<string, Account>();

  /** Plans the first read of `videoUri` at `dueAtMs` (on `now`'s clock). */
  plan(client: SharingClient, videoUri: string, dueAtMs: number, now: () => number): PlannedRead {
    const readAlone = async (
      fields: readonly string[],
      signal: AbortSignal | undefined,
    ): Promise<SharedAnswer> => {
      const startedAtMs = now();
      return { video: await client.getVideo({ videoUri, fields, signal }), startedAtMs };
    };
    const key = `${client.apiUrl}\n${client.tokenKey}`;
    const account = this.#accounts.get(key) ?? {
      waiters: new Set<Waiter>(),
      perPage: FIRST_PAGE,
      off: false,
      proven: false,
      probing: false,
    };
    this.#accounts.set(key, account);
    const self: Waiter = { videoUri, dueAtMs, reading: false };
    account.waiters.add(self);
    const drop = (): void => {
      account.waiters.delete(self);
      // An account that learned nothing is forgotten with its last upload.
      if (account.waiters.size === 0 && !account.off && !account.proven && account.perPage === FIRST_PAGE)
        this.#accounts.delete(key);
    };

    const read = async (
      fields: readonly string[],
      sleep: Sleep,
      signal: AbortSignal | undefined,
    ): Promise<SharedAnswer> => {
      self.reading = true;
      if (self.page === undefined && !account.off && (account.proven || !account.probing)) {
        // The uploads due within the window that are not reading yet (one reading alone is not company).
        const group = [...account.waiters].filter(
          (w) =>
            w.page === undefined && (w === self || !w.reading) && w.dueAtMs <= self.dueAtMs + SHARE_WINDOW_MS,
        );
        if (group.length > 1) {
          const atMs = Math.max(...group.map((w) => w.dueAtMs));
          const page = readPage(atMs, sleep, now, account, (perPage) =>
            client.listVideos({ perPage, fields }).then(({ data }) => data),
          );
          for (const w of group) w.page = page;
          if (!account.proven) {
            account.probing = true;
            // Cleared before the group's members look at the page (they await it after this).
            void page.then(() => {
              account.probing = false;
            });
          }
        }
      }
      if (self.page === undefined) return readAlone(fields, signal);
      const { perPage, startedAtMs, videos } = await untilAborted(self.page, signal);
      const video = videos?.get(videoUri);
      if (video !== undefined) {
        account.proven = true;
        return { video, startedAtMs };
      }
      if (perPage === account.perPage) {
        // Due, but not on the page (or the page failed): longer pages from now on, none at all if the
        // longest missed it.
        if (perPage >= MAX_PAGE) account.off = true;
        account.perPage = Math.min(MAX_PAGE, perPage * 2);
      }
      return readAlone(fields, signal);
    };
    return { read, drop };
  }
}

/** One page of the account's newest videos at `atMs`; a failure is `videos: undefined`, never a rejection. */
async function readPage(
  atMs: number,
  sleep: Sleep,
  now: () => number,
  account: Account,
  list: (perPage: number) => Promise<VideoInfo[]>,
): Promise<Page> {
  const waitMs = atMs - now();
  if (waitMs > 0) await sleep(waitMs, undefined);
  const { perPage } = account;
  const startedAtMs = now();
  try {
    const videos = new Map<string, VideoInfo>();
    for (const video of await list(perPage)) if (video.uri !== undefined) videos.set(video.uri, video);
    return { perPage, startedAtMs, videos };
  } catch {
    return { perPage, startedAtMs, videos: undefined };
  }
}

/** `work`, or AbortError as soon as `signal` fires (the shared page goes on for the others). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortError(undefined, { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The process's shared reads, used by every upload's confirmation. */
export const sharedReads = new SharedReads();
