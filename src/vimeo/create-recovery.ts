/**
 * What to do when a create call (`POST /me/videos`, `POST /videos/{id}/versions`) failed after it
 * may have reached Vimeo: a 5xx from an edge or load balancer, a timeout, a reset connection. None
 * of these proves that no video was made, so the call is never simply repeated. Instead the video
 * it may have made is looked for (newest first: same name, same upload size, created since the
 * call started) and adopted; when none is found, the caller gets a {@link CreateOutcomeUnknownError}
 * that says a video may exist and what to do about it. A 2xx create answer that is unusable (no
 * tus upload link) made a video too: it is deleted, best effort, and the error names it.
 */
import {
  AbortError,
  attachUpload,
  CreateOutcomeUnknownError,
  NetworkError,
  TusError,
  type TusErrorCode,
  VimeoApiError,
  VimeoTusError,
} from '../errors.js';
import type { VimeoClient } from './client.js';
import { createdFromVideo } from './parse.js';
import type { CreatedVideo, VideoInfo } from './types.js';
import { videoUriIn } from './video-uri.js';

/** The fields read from a video adopted after a lost create answer. */
const ADOPT_FIELDS = ['uri', 'link', 'name', 'upload', 'transcode'] as const;

/**
 * Clock difference tolerated between this machine and Vimeo when matching `created_time` against
 * the moment a create call was sent (Vimeo's times have second granularity; laptops drift). One
 * value for both searches: the engine's (a create answer lost in this process) and the ledger's
 * (a create call a killed run left behind).
 */
export const CREATE_CLOCK_SKEW_MS = 5 * 60_000;
/** Videos read (newest first) when looking for the one a failed create may have made. */
export const CREATE_LOOKUP_PAGE_SIZE = 25;

/**
 * True when a failed create may nevertheless have made the video: any answer of 5xx, and any
 * network failure except those that prove nothing was sent (refused, DNS). 4xx answers (429
 * included) are Vimeo's own refusals: nothing was created.
 */
export function createMayHaveSucceeded(error: unknown): boolean {
  if (!(error instanceof VimeoTusError) || error instanceof AbortError) return false;
  if (error instanceof NetworkError) {
    return (error as NetworkError & { nothingSent?: boolean }).nothingSent !== true;
  }
  // A 2xx whose body is not JSON: Vimeo made something and the answer is unreadable.
  return error.status !== undefined && (error.status >= 500 || (error.status >= 200 && error.status < 300));
}

/** What the create call asked for, to recognise the video it may have made. */
export interface CreateAttempt {
  /** The `name` sent; undefined when none was (then only size and time are compared). */
  readonly name: string | undefined;
  readonly sizeBytes: number;
  /** `Date.now()` when the call was sent. */
  readonly startedAtMs: number;
  /** How much earlier than `startedAtMs` the video's `created_time` may be. @default CREATE_CLOCK_SKEW_MS */
  readonly skewMs?: number;
}

/**
 * THE rule for "this listed video may be the one our create call made" (the engine's adoption
 * and the ledger's crash recovery both use it; nothing else decides it):
 * - `created_time` no earlier than the call's start minus the clock skew;
 * - its `upload.size` is exactly the size the call declared (a video without one is not ours);
 * - the same name, when the call sent one;
 * - its upload is not complete (ours never got a byte: bytes are sent only after the answer).
 * A match is a candidate, not a proof: before a candidate is continued, the engine checks that its
 * upload link holds no byte (`probeUpload`, {@link adoptCreated}); before one is continued or
 * deleted, the ledger layer also checks it is unknown to the ledger (src/resume/placeholder.ts).
 */
export function isCreateCandidate(video: VideoInfo, attempt: CreateAttempt): boolean {
  const createdMs = video.createdTime === undefined ? Number.NaN : Date.parse(video.createdTime);
  if (!(createdMs >= attempt.startedAtMs - (attempt.skewMs ?? CREATE_CLOCK_SKEW_MS))) return false;
  if (video.upload?.size !== attempt.sizeBytes) return false;
  if (attempt.name !== undefined && video.name !== attempt.name) return false;
  return video.upload.status !== 'complete';
}

/** The videos of `list` (newest first) that the create call may have made ({@link isCreateCandidate}). */
export function matchingVideos(list: readonly VideoInfo[], attempt: CreateAttempt): VideoInfo[] {
  return list.filter((video) => isCreateCandidate(video, attempt));
}

/**
 * The error for a create whose outcome is unknown: what happened, that a video may exist, and
 * what to do. `found` says what the search found (or why there was none).
 */
export function outcomeUnknown(
  what: string,
  error: VimeoTusError,
  startedAtMs: number,
  found: string,
): CreateOutcomeUnknownError {
  const at = new Date(startedAtMs).toISOString();
  const how =
    error.status === undefined
      ? 'lost its answer'
      : error.status < 300
        ? `answered HTTP ${error.status} with an unreadable body`
        : `answered HTTP ${error.status}`;
  const message =
    `${what} ${how} after it was sent, so Vimeo may have created a video anyway (${found}). ` +
    'It was not repeated, to avoid a duplicate. Look in your Vimeo library for a video created around ' +
    `${at} (e.g. \`vimeo-tus list\` or https://vimeo.com/manage/videos); delete it, then upload again.`;
  return new CreateOutcomeUnknownError(message, {
    cause: error,
    requestStartedAt: at,
    ...(error.request ? { request: error.request } : {}),
    ...(error.vimeoErrorCode !== undefined ? { vimeoErrorCode: error.vimeoErrorCode } : {}),
    ...(error.developerMessage !== undefined ? { developerMessage: error.developerMessage } : {}),
  });
}

/** The calls recovery needs (the REST client has them). */
export type RecoveryClient = Pick<VimeoClient, 'listVideos' | 'getVideo' | 'deleteVideo'>;

/**
 * Vimeo answered a create with 2xx but the answer is unusable (no tus upload link, not a video):
 * the video exists nevertheless. Delete it (best effort) and say so; the error carries its URI.
 */
export async function discardUnusable(
  client: RecoveryClient,
  json: unknown,
  error: unknown,
  startedAtMs: number,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  if (!(error instanceof VimeoTusError)) return error;
  const uri = uriIn(json);
  if (uri === undefined) {
    return outcomeUnknown('POST /me/videos', error, startedAtMs, 'its answer named no video');
  }
  let outcome: string;
  try {
    await client.deleteVideo({ videoUri: uri, signal });
    outcome = `the video it made (${uri}) was deleted`;
  } catch {
    outcome = `the video it made (${uri}) could not be deleted: delete it yourself`;
  }
  const replaced =
    error instanceof TusError
      ? new TusError(error.code as TusErrorCode, `${error.message}; ${outcome}`, { cause: error })
      : new VimeoApiError(`${error.message}; ${outcome}`, { cause: error });
  return attachUpload(replaced, { videoUri: uri });
}

/** A tus HEAD on an upload link: its `Upload-Offset` and `Upload-Length`. */
export type UploadProbe = (
  uploadLink: string,
  signal: AbortSignal | undefined,
) => Promise<{ readonly offset: number; readonly length: number }>;

/**
 * A create failed after it may have reached Vimeo: find the video it may have made and continue
 * with it, or throw CreateOutcomeUnknownError. Never repeats the create. With `probe`, the video is
 * adopted only when its upload holds no byte of the declared size: the video that call made has
 * none (bytes are sent only after the answer), so one that has some is another upload's.
 */
export async function adoptCreated(
  client: RecoveryClient,
  error: VimeoTusError,
  attempt: CreateAttempt,
  signal: AbortSignal | undefined,
  probe?: UploadProbe,
): Promise<CreatedVideo> {
  const what = 'POST /me/videos';
  let candidates: VideoInfo[];
  try {
    const page = await client.listVideos({ perPage: CREATE_LOOKUP_PAGE_SIZE, signal });
    candidates = matchingVideos(page.data, attempt);
  } catch (lookupError) {
    if (lookupError instanceof AbortError) throw lookupError;
    throw outcomeUnknown(what, error, attempt.startedAtMs, 'looking for it failed too');
  }
  if (candidates.length !== 1 || !candidates[0]) {
    const found =
      candidates.length === 0
        ? 'no matching video was found'
        : `${candidates.length} videos match, so none was adopted`;
    throw outcomeUnknown(what, error, attempt.startedAtMs, found);
  }
  const uri = candidates[0].uri;
  let created: CreatedVideo;
  let head: { readonly offset: number; readonly length: number } | undefined;
  try {
    const video = await client.getVideo({ videoUri: uri, fields: ADOPT_FIELDS, signal });
    created = { ...createdFromVideo(video, { requireApproach: false }), adopted: true };
    head = await probe?.(created.uploadLink, signal);
  } catch (adoptError) {
    if (adoptError instanceof AbortError) throw adoptError;
    throw outcomeUnknown(what, error, attempt.startedAtMs, `${uri} matches but could not be continued`);
  }
  if (head && (head.offset !== 0 || head.length !== attempt.sizeBytes)) {
    const holds = `its upload already holds ${head.offset} of ${head.length} bytes`;
    throw outcomeUnknown(what, error, attempt.startedAtMs, `${uri} matches but ${holds}: another upload's`);
  }
  return created;
}

/** The video a JSON answer names by its `uri`, if any. */
export function uriIn(json: unknown): string | undefined {
  const uri = json !== null && typeof json === 'object' ? (json as { uri?: unknown }).uri : undefined;
  return typeof uri === 'string' && uri.startsWith('/videos/') ? videoUriIn(uri) : undefined;
}
