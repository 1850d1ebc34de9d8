/**
 * Vimeo's side of "verified": after the upload host's HEAD reports every byte, the API must agree
 * (`GET /videos/{id}`: `upload.size` equal to the file size and `upload.status` `complete`). Vimeo
 * flips `upload.status` a moment after the last byte, so this polls with a growing delay for a
 * bounded time, first at the time the API agreed after the last uploads (agreement-times.ts), a
 * read that other new videos due then may share (shared-reads.ts). The top-level `status` is read
 * too: a video Vimeo marks `quota_exceeded`, `total_cap_exceeded`, `uploading_error` or
 * `transcoding_error` is a typed error, never a success.
 *
 * One function for every caller that calls something verified: the engine's verify step, the
 * ledger's "nothing to send" end, and the browser flow's confirmation.
 */
import { sleep as abortableSleep, type Sleep } from '../core/sleep.js';
import { AbortError, VerificationError, VimeoApiError } from '../errors.js';
import type { VideoInfo, VimeoStatus } from '../vimeo/types.js';
import { type AgreementTimes, agreementTimes } from './agreement-times.js';
import { type SharedReads, type SharingClient, sharedReads } from './shared-reads.js';

/** The fields the confirmation (and the processing wait) read. */
export const CONFIRM_FIELDS = [
  'uri',
  'link',
  'status',
  'upload.status',
  'upload.size',
  'transcode.status',
] as const;

/** Give up waiting for Vimeo to agree after this long. @see UploadSettings.verifyTimeoutMs */
export const DEFAULT_VERIFY_TIMEOUT_MS = 120_000;
/** The first wait between reads (and a learning upload's first read after its last PATCH's answer). */
const FIRST_STEP_MS = 25;
/** Each wait is at least this share of the time waited so far. */
const STEP_GROWTH = 0.25;
const MAX_STEP_MS = 10_000;

/** Which checks an upload passed before it was called verified. */
export interface VerifyChecks {
  /** The upload host's final HEAD: `Upload-Offset == Upload-Length ==` the file size. */
  readonly headOffsets: boolean;
  /** Vimeo's `upload.size` equals the file size. */
  readonly apiSize: boolean;
  /** Vimeo's `upload.status` is `complete`. */
  readonly apiUploadStatus: boolean;
}

/** What Vimeo said when it agreed. */
export interface Confirmation {
  readonly video: VideoInfo;
  readonly uploadStatus: VimeoStatus;
  readonly transcodeStatus: VimeoStatus;
  /** True: both API checks passed (the confirmation resolves only then). */
  readonly apiSize: true;
  readonly apiUploadStatus: true;
}

/** Options of {@link confirmWithVimeo}. */
export interface ConfirmOptions {
  /** Stop polling after this long (0: read once). @default 120_000 */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
  /** A video already read (its fields must include CONFIRM_FIELDS): used as the first answer. */
  readonly initial?: VideoInfo;
  /** How to wait between reads (tests pass a virtual clock). */
  readonly sleep?: Sleep;
  /** The clock the deadline is measured on. @default Date.now */
  readonly now?: () => number;
  /**
   * When the last PATCH of a freshly finished upload was answered (on `now`'s clock): its reads are
   * planned from then, and what they see teaches the API host's agreement time to later uploads.
   */
  readonly finishedAtMs?: number;
  /** Where agreement times are learned. @default the process's {@link agreementTimes} */
  readonly memory?: AgreementTimes;
  /**
   * True for a video this call created (not a version: a lagging list could show the previous
   * file's `complete`): its first read may be shared with other new videos due then (shared-reads.ts).
   */
  readonly shareFirstRead?: boolean;
  /** Where first reads are shared. @default the process's {@link sharedReads} */
  readonly shared?: SharedReads;
}

/**
 * Throws the typed error for a video Vimeo marks failed: top-level `status` `quota_exceeded` or
 * `total_cap_exceeded` (E_QUOTA), `uploading_error` or `upload.status` `error` (E_VERIFY_FAILED),
 * `transcoding_error` or `transcode.status` `error` (E_PROCESSING_FAILED). Returns otherwise.
 */
export function throwIfVideoFailed(video: VideoInfo, videoUri: string): void {
  const status = video.status;
  if (status === 'quota_exceeded' || status === 'total_cap_exceeded') {
    throw new VimeoApiError(
      `Vimeo received ${videoUri} but marks it "${status}": the account's upload quota ` +
        `(${status === 'quota_exceeded' ? 'storage or periodic' : 'total'}) is used up, so Vimeo will not ` +
        'process it. Free space or upgrade the plan, then send the file again with ' +
        `\`vimeo-tus replace ${videoUri} FILE\` (or delete the video).`,
      { code: 'E_QUOTA', videoUri },
    );
  }
  if (status === 'uploading_error' || video.upload?.status === 'error') {
    throw new VerificationError(
      'E_VERIFY_FAILED',
      `Vimeo reports that the upload of ${videoUri} failed (status "${status ?? 'unknown'}", ` +
        `upload.status "${video.upload?.status ?? 'unknown'}"). Run the same command again: the ledger ` +
        `sends the file again as a new version of ${videoUri} (without the ledger: \`vimeo-tus replace ` +
        `${videoUri} FILE\`).`,
      { videoUri },
    );
  }
  if (status === 'transcoding_error' || video.transcode?.status === 'error') {
    throw new VerificationError(
      'E_PROCESSING_FAILED',
      `Vimeo could not process ${videoUri} (status "${status ?? 'unknown'}", transcode.status ` +
        `"${video.transcode?.status ?? 'unknown'}"): the bytes arrived, but the file may be damaged or in ` +
        `a format Vimeo does not take. Check it, then \`vimeo-tus replace ${videoUri} FILE\`.`,
      { videoUri },
    );
  }
}

/** What of the API's view agrees with a file of `sizeBytes`. */
export function apiChecks(
  video: VideoInfo,
  sizeBytes: number,
): { apiSize: boolean; apiUploadStatus: boolean } {
  return { apiSize: video.upload?.size === sizeBytes, apiUploadStatus: video.upload?.status === 'complete' };
}

/**
 * Reads the video until Vimeo agrees that it holds a file of `sizeBytes` (upload.size, upload.status
 * complete), for at most `timeoutMs`. After a read that disagreed it waits 25 ms, or a quarter of the
 * time waited so far when that is more (at most 10 s). A freshly finished upload (`finishedAtMs`)
 * makes its first read when Vimeo's API agreed after the last uploads to the same API
 * (agreement-times.ts), measured from its last PATCH's answer; with nothing learned yet, 25 ms after
 * it, and it teaches the host's time to the next uploads. Otherwise the first read is immediate.
 * Throws the typed error of {@link throwIfVideoFailed} as soon as Vimeo marks the video failed, and
 * VerificationError E_VERIFY_UNCONFIRMED, saying what disagreed, when the time is up.
 * @example const { uploadStatus } = await confirmWithVimeo(client, '/videos/123', size, { timeoutMs: 60_000 });
 */
export async function confirmWithVimeo(
  client: SharingClient,
  videoUri: string,
  sizeBytes: number,
  options: ConfirmOptions = {},
): Promise<Confirmation> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const memory = options.memory ?? agreementTimes;
  const { signal } = options;
  const deadline = now() + timeoutMs;
  const host = client.apiUrl;
  const fresh = options.finishedAtMs !== undefined && options.initial === undefined;
  // Read times are ms after `originMs`: the last PATCH's answer for a fresh upload, else now.
  const originMs = fresh ? (options.finishedAtMs ?? now()) : now();
  const waitUntil = async (atMs: number): Promise<void> => {
    const waitMs = Math.min(originMs + atMs - now(), deadline - now());
    if (waitMs > 0) await sleep(waitMs, signal);
  };
  let disagreedAtMs: number | undefined;
  let readAtMs = 0;
  const read = (): Promise<VideoInfo> => {
    readAtMs = now() - originMs;
    return client.getVideo({ videoUri, fields: CONFIRM_FIELDS, signal });
  };

  let release: (() => void) | undefined;
  try {
    let video: VideoInfo;
    if (options.initial !== undefined) video = options.initial;
    else if (fresh) {
      let planMs = memory.firstReadMs(host);
      while (planMs === undefined) {
        release = memory.claimLearning(host);
        if (release !== undefined || now() >= deadline) break;
        // Another upload is learning this host's time: use its answer rather than learn again.
        await waitFor(memory.learning(host), deadline - now(), sleep, signal);
        planMs = memory.firstReadMs(host);
      }
      const firstMs = planMs ?? FIRST_STEP_MS;
      // Other new videos whose first read falls due about then may share it (shared-reads.ts);
      // they see this one from now on, while it waits.
      const first =
        options.shareFirstRead === true && timeoutMs > 0
          ? (options.shared ?? sharedReads).plan(
              client,
              videoUri,
              Math.min(originMs + firstMs, deadline),
              now,
            )
          : undefined;
      try {
        await waitUntil(firstMs);
        if (first === undefined) video = await read();
        else {
          const answer = await first.read(CONFIRM_FIELDS, sleep, signal);
          readAtMs = answer.startedAtMs - originMs;
          video = answer.video;
        }
      } finally {
        first?.drop();
      }
    } else video = await read();

    for (;;) {
      throwIfVideoFailed(video, videoUri);
      const checks = apiChecks(video, sizeBytes);
      if (checks.apiSize && checks.apiUploadStatus) {
        if (fresh) memory.note(host, { disagreedAtMs, agreedAtMs: readAtMs });
        return {
          video,
          uploadStatus: video.upload?.status ?? 'complete',
          transcodeStatus: video.transcode?.status ?? 'in_progress',
          apiSize: true,
          apiUploadStatus: true,
        };
      }
      disagreedAtMs = readAtMs;
      if (deadline - now() <= 0) throw unconfirmed(videoUri, sizeBytes, video, timeoutMs);
      const knownMs = fresh ? memory.knownAgreeingMs(host) : undefined;
      if (knownMs !== undefined && readAtMs < knownMs) {
        // A probe below the time known to agree came too early: read at that time.
        await waitUntil(knownMs);
      } else {
        const elapsedMs = now() - originMs;
        await waitUntil(elapsedMs + stepAfterMs(elapsedMs));
      }
      video = await read();
    }
  } finally {
    release?.();
  }
}

/** The wait after a read that disagreed, `elapsedMs` after the origin: 25 ms, growing by a quarter of the time waited, at most 10 s. */
export function stepAfterMs(elapsedMs: number): number {
  return Math.min(MAX_STEP_MS, Math.max(FIRST_STEP_MS, elapsedMs * STEP_GROWTH));
}

/** Waits until `settled` settles, for at most `waitMs` (`sleep` decides how), or until `signal` fires. */
async function waitFor(
  settled: Promise<void>,
  waitMs: number,
  sleep: Sleep,
  signal: AbortSignal | undefined,
): Promise<void> {
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([settled, sleep(waitMs, stop.signal).catch(() => undefined)]);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
}

function unconfirmed(
  videoUri: string,
  sizeBytes: number,
  video: VideoInfo,
  timeoutMs: number,
): VerificationError {
  const disagreements: string[] = [];
  const size = video.upload?.size;
  if (size !== sizeBytes) {
    disagreements.push(
      size === undefined
        ? `upload.size is missing (the file has ${sizeBytes} bytes)`
        : `upload.size is ${size} (the file has ${sizeBytes} bytes)`,
    );
  }
  if (video.upload?.status !== 'complete') {
    disagreements.push(`upload.status is "${video.upload?.status ?? 'missing'}", not "complete"`);
  }
  return new VerificationError(
    'E_VERIFY_UNCONFIRMED',
    `The upload host reported every byte of ${videoUri}, but after ${Math.round(timeoutMs / 1000)} s ` +
      `Vimeo still does not confirm them: ${disagreements.join('; ')}. Not verified. Check again later ` +
      'with `vimeo-tus status FILE` or by running the same command again (nothing is sent twice); raise ' +
      '--verify-timeout if Vimeo is slow today.',
    { videoUri },
  );
}
