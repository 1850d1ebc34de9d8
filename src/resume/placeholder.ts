/**
 * The crash window between "create call sent" and "answer recorded": find the video that call
 * may have made. Vimeo lists videos newest first; a candidate has the name and upload size the
 * record asked for, was created no earlier than the call (less a clock skew allowance), and is
 * not already known to the ledger.
 */

import { withRetries } from '../core/with-retries.js';
import { TusError } from '../errors.js';
import type { Ledger, UploadRecord } from '../ledger/types.js';
import { probeOffset } from '../tus/probe-offset.js';
import type { VimeoClient } from '../vimeo/client.js';
import type { VideoInfo } from '../vimeo/types.js';

/** How much earlier than `createRequestedAt` Vimeo's `created_time` may be (clock skew, second granularity). */
export const DEFAULT_CREATE_SKEW_MS = 5 * 60_000;
const PER_PAGE = 50;
const MAX_PAGES = 4;

/** Options of {@link findPlaceholder}. */
export interface FindPlaceholderOptions {
  readonly skewMs?: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The video a crashed create call of `record` made, if one is found; the closest in time to the
 * call when several match.
 */
export async function findPlaceholder(
  client: VimeoClient,
  ledger: Ledger,
  record: UploadRecord,
  options: FindPlaceholderOptions = {},
): Promise<VideoInfo | undefined> {
  if (record.createRequestedAt === null) return undefined;
  const requestedAt = record.createRequestedAt;
  const notBeforeMs = requestedAt - (options.skewMs ?? DEFAULT_CREATE_SKEW_MS);
  let best: { video: VideoInfo; distanceMs: number } | undefined;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const listed = await client.listVideos({
      page,
      perPage: PER_PAGE,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let olderSeen = false;
    for (const video of listed.data) {
      const createdMs = video.createdTime ? Date.parse(video.createdTime) : Number.NaN;
      if (!Number.isFinite(createdMs)) continue;
      if (createdMs < notBeforeMs) {
        olderSeen = true;
        continue;
      }
      if (video.name !== (record.videoName ?? undefined)) continue;
      if (video.upload?.size !== undefined && video.upload.size !== record.fileSize) continue;
      if ((await ledger.findByVideo(video.uri)).length > 0) continue;
      const distanceMs = Math.abs(createdMs - requestedAt);
      if (!best || distanceMs < best.distanceMs) best = { video, distanceMs };
    }
    if (olderSeen || listed.next === null || listed.data.length === 0) break;
  }
  return best?.video;
}

/**
 * What to do with a found video:
 * - `adopt`: its upload can take the file and holds no byte yet (what a crashed create of ours
 *   leaves: bytes are only ever sent after the create answer was recorded);
 * - `delete`: it can never take the file (no tus link, a dead link, Vimeo reports an upload error);
 * - `foreign`: it holds bytes, or is complete: not ours (ours has none), so it is left alone.
 */
export type PlaceholderVerdict = 'adopt' | 'delete' | 'foreign';

/** Classifies a found video (`GET /videos/{id}?fields=uri,link,upload`) with a HEAD on its link. */
export async function classifyPlaceholder(
  video: VideoInfo,
  sizeBytes: number,
  signal?: AbortSignal,
): Promise<PlaceholderVerdict> {
  const upload = video.upload;
  if (upload?.status === 'complete') return 'foreign';
  if (!upload?.uploadLink || upload.status === 'error') return 'delete';
  if (upload.approach !== undefined && upload.approach !== 'tus') return 'delete';
  if (upload.size !== undefined && upload.size !== sizeBytes) return 'foreign';
  let head: { offset: number; length: number };
  try {
    head = await withRetries(() => probeOffset(upload.uploadLink as string, signal ? { signal } : {}), {
      signal,
    });
  } catch (error) {
    if (error instanceof TusError && error.code === 'E_UPLOAD_LINK_GONE') return 'delete';
    throw error;
  }
  if (head.offset > 0) return 'foreign';
  return head.length === sizeBytes ? 'adopt' : 'foreign';
}
