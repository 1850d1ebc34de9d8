/**
 * The crash window between "create call sent" and "answer recorded": find the video that call
 * may have made, and decide whether it is provably ours. Vimeo lists videos newest first; a
 * candidate passes the one create-candidate rule of src/vimeo/create-recovery.ts
 * (`isCreateCandidate`: name, upload size, creation time, upload not complete) and is not
 * already known to the ledger; then {@link classifyPlaceholder} looks at its upload link.
 */

import { AbortError, TusError, VimeoTusError } from '../errors.js';
import type { Ledger, UploadRecord } from '../ledger/types.js';
import { probeOffsetWithRetries } from '../tus/probe-offset.js';
import type { VimeoClient } from '../vimeo/client.js';
import { CREATE_CLOCK_SKEW_MS, type CreateAttempt, isCreateCandidate } from '../vimeo/create-recovery.js';
import type { VideoInfo } from '../vimeo/types.js';

const PER_PAGE = 50;
const MAX_PAGES = 4;

/** Options of {@link findPlaceholder}. */
export interface FindPlaceholderOptions {
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
  // Every create the ledger records sends a name (the file's by default): without one, nothing
  // could be told apart from the user's other videos.
  if (record.createRequestedAt === null || record.videoName === null) return undefined;
  const requestedAt = record.createRequestedAt;
  // The engine's own allowance for clock skew (second granularity, drifting laptops): both searches agree.
  const skewMs = CREATE_CLOCK_SKEW_MS;
  const attempt: CreateAttempt = {
    name: record.videoName,
    sizeBytes: record.fileSize,
    startedAtMs: requestedAt,
    skewMs,
  };
  const notBeforeMs = requestedAt - skewMs;
  let best: { video: VideoInfo; distanceMs: number } | undefined;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const listed = await client.listVideos({
      page,
      perPage: PER_PAGE,
      signal: options.signal,
    });
    let olderSeen = false;
    for (const video of listed.data) {
      const createdMs = video.createdTime ? Date.parse(video.createdTime) : Number.NaN;
      if (!Number.isFinite(createdMs)) continue;
      if (createdMs < notBeforeMs) {
        olderSeen = true;
        continue;
      }
      if (!isCreateCandidate(video, attempt)) continue;
      if ((await ledger.findByVideo(video.uri)).length > 0) continue;
      const distanceMs = Math.abs(createdMs - requestedAt);
      if (!best || distanceMs < best.distanceMs) best = { video, distanceMs };
    }
    if (olderSeen || listed.next === null || listed.data.length === 0) break;
  }
  return best?.video;
}

/**
 * What to do with a found candidate (see {@link findPlaceholder}):
 * - `adopt`: its tus upload can take the file and holds no byte yet (what a crashed create of
 *   ours leaves: bytes are only ever sent after the create answer was recorded);
 * - `delete`: it matches our call and can never take the file (no upload link, a dead link,
 *   Vimeo reports an upload error), so it holds none of anybody's bytes: our placeholder;
 * - `foreign`: it holds bytes, is complete, declares another size, or was made with another
 *   upload approach (we always ask for tus): not provably ours, so it is left alone.
 * Only `delete` (and, when giving an upload up, an unused `adopt`) may ever be deleted.
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
  if (upload.approach !== undefined && upload.approach !== 'tus') return 'foreign';
  if (upload.size !== undefined && upload.size !== sizeBytes) return 'foreign';
  let head: { offset: number; length: number };
  try {
    head = await probeOffsetWithRetries(upload.uploadLink, { signal });
  } catch (error) {
    if (error instanceof TusError && error.code === 'E_UPLOAD_LINK_GONE') return 'delete';
    throw error;
  }
  if (head.offset > 0) return 'foreign';
  return head.length === sizeBytes ? 'adopt' : 'foreign';
}

/**
 * `DELETE /videos/{id}` of a placeholder. Resolves undefined when it is gone, or, when the delete
 * was refused (real Vimeo needs the token's `delete` scope: 403) or failed, why, in words for the
 * user: the caller tells the user which video to delete by hand and carries on. Only an abort
 * (or a bug) throws.
 */
export async function tryDeletePlaceholder(
  client: Pick<VimeoClient, 'deleteVideo'>,
  videoUri: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  try {
    await client.deleteVideo({ videoUri, signal });
    return undefined;
  } catch (error) {
    if (signal.aborted || error instanceof AbortError || !(error instanceof VimeoTusError)) throw error;
    const scope =
      error.status === 403 || error.status === 401 ? ': the token may lack the `delete` scope' : '';
    return `${error.status !== undefined ? `HTTP ${error.status}` : error.code}${scope}`;
  }
}
