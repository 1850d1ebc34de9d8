/**
 * The resume rules as one pure function: from the newest ledger record of this file, the file as
 * it is now, what the caller asked (a new upload, a replace) and what the server said so far,
 * what to do next. When a rule needs a fact of the server's that is not known yet, the plan is to
 * ask for it; session.ts gathers it and asks again, then runs the plan. test/resume/decide.test.ts
 * reads the rules as a table.
 */
import { basename } from 'node:path';
import { FINISHED_STATES } from '../ledger/record-rules.js';
import type { UploadRecord } from '../ledger/types.js';
import type { NoticeEvent } from '../upload/types.js';
import type { VideoInfo } from '../vimeo/types.js';
import { PLACEHOLDER_KEPT_CODE, SUPERSEDED_CODE, VIDEO_GONE_CODE } from './failure-rules.js';
import { describeChange, type FileIdentity, sameFile } from './file-identity.js';
import type { PlaceholderVerdict } from './placeholder.js';

/** What the caller asked for besides "upload this file". */
export interface ResumeIntent {
  /** `--new`: a new video even when the ledger knows this file. */
  readonly newUpload: boolean;
  /** A new version of this video rather than a new video. */
  readonly replace: string | undefined;
}

/** What an interrupted create (or version) call may have made, and what its upload looks like. */
export interface Candidate {
  readonly video: VideoInfo;
  readonly verdict: PlaceholderVerdict;
}

/** What the server said so far; a field is undefined until asked. */
export interface ServerView {
  /** The record's video now; `gone` when Vimeo answered 404. */
  readonly video?: VideoInfo | 'gone';
  /**
   * The record stopped inside its create call (no video recorded): the video that call made, found
   * by the placeholder search, or `none`. It stopped inside a version call: its video, classified.
   */
  readonly candidate?: Candidate | 'none';
  /** The recorded upload link answered 404/410 during this call (once per call). */
  readonly linkGone?: boolean;
}

/** A fact to ask the server for before deciding. */
export type Fact = 'video' | 'placeholder' | 'version';

/** A notice for the user, without the video (the plan says which). */
export type Notice = Omit<NoticeEvent, 'videoUri'> & { readonly videoUri?: string };

/** What to do next. */
export type Plan =
  | { readonly kind: 'ask'; readonly fact: Fact }
  /** A new video (or, with `replace`, a version); `reuse`: on this record, started over. */
  | { readonly kind: 'create'; readonly reuse: boolean; readonly notice?: Notice }
  /** The file changed since the record: refuse (E_FILE_MODIFIED_SINCE_LEDGER). */
  | { readonly kind: 'refuse'; readonly change: string }
  /** Give the record up (`E_SUPERSEDED`, a crashed create's own placeholder deleted), then create. */
  | { readonly kind: 'supersede'; readonly why: string }
  /** Nothing to send: the ledger or Vimeo says complete; read (or wait for) the statuses. */
  | { readonly kind: 'finish'; readonly video: VideoInfo; readonly notice?: Notice }
  /** Continue the recorded upload link on the same video (HEAD, then PATCH from the offset). */
  | {
      readonly kind: 'continue';
      readonly videoUri: string;
      readonly uploadLink: string;
      readonly link: string;
      readonly notice: Notice;
    }
  /** Take up the upload the interrupted call made: record it, then decide again (it continues). */
  | {
      readonly kind: 'adopt';
      readonly videoUri: string;
      readonly uploadLink: string;
      readonly link: string | null;
      readonly notice?: Notice;
    }
  /** A fresh upload link for the same video (`POST /videos/{id}/versions`), the file from byte 0. */
  | { readonly kind: 'new-version'; readonly videoUri: string; readonly why: string }
  /** The video is gone: record it failed (`E_VIDEO_GONE`), then create. */
  | { readonly kind: 'video-gone'; readonly videoUri: string }
  /** The crashed create's placeholder can never take the file: delete it, then create on this record. */
  | { readonly kind: 'delete-placeholder'; readonly videoUri: string };

/** Records given up for good: their video (if any) is not gone on with. */
const GIVEN_UP: readonly string[] = [SUPERSEDED_CODE, VIDEO_GONE_CODE, PLACEHOLDER_KEPT_CODE];

/** The next step for `record` (the newest of this file, or none). */
export function decide(
  record: UploadRecord | undefined,
  file: FileIdentity,
  intent: ResumeIntent,
  server: ServerView,
): Plan {
  if (!record) return { kind: 'create', reuse: false };
  if (FINISHED_STATES.includes(record.state)) return afterFinished(record, file, intent, server);
  if (record.state === 'failed') return afterFailure(record, file, intent, server);
  if (!sameFile(record, file)) {
    const change = describeChange(record, file);
    return intent.newUpload
      ? { kind: 'supersede', why: `the file was modified (${change})` }
      : refuse(change);
  }
  if (intent.replace !== undefined && record.videoUri !== intent.replace) {
    return { kind: 'supersede', why: `a new version of ${intent.replace} was asked for` };
  }
  if (intent.newUpload) return { kind: 'supersede', why: 'a new upload was asked for' };
  if (record.videoUri === null) return afterCrashedCreate(server);
  return onVideo(record, record.videoUri, server);
}

function refuse(change: string): Plan {
  return { kind: 'refuse', change };
}

/** Verified or processed. */
function afterFinished(
  record: UploadRecord,
  file: FileIdentity,
  intent: ResumeIntent,
  server: ServerView,
): Plan {
  if (intent.newUpload || intent.replace !== undefined) return { kind: 'create', reuse: false };
  if (!sameFile(record, file)) return refuse(describeChange(record, file));
  const videoUri = record.videoUri ?? '';
  if (server.video === undefined) return { kind: 'ask', fact: 'video' };
  if (server.video === 'gone') return { kind: 'video-gone', videoUri };
  return {
    kind: 'finish',
    video: server.video,
    notice: {
      kind: 'already-verified',
      message:
        `${basename(record.filePath)} is already uploaded and verified as ${videoUri}: nothing to send ` +
        '(use --new to upload it again as another video).',
      videoUri,
    },
  };
}

/**
 * Failed. A live video of this file is never abandoned for a new one: it gets the file again as a
 * new version. A new video is made only when there is none to go on with: no video was ever made
 * (a refused create), the video is gone, the record was given up, or a new upload or another video
 * to replace was asked for.
 */
function afterFailure(
  record: UploadRecord,
  file: FileIdentity,
  intent: ResumeIntent,
  server: ServerView,
): Plan {
  const { videoUri } = record;
  const otherTarget = intent.replace !== undefined && intent.replace !== videoUri;
  if (videoUri === null || intent.newUpload || otherTarget || GIVEN_UP.includes(record.errorCode ?? '')) {
    return {
      kind: 'create',
      reuse: false,
      notice: {
        kind: 'restarted',
        message: `The last upload of this file ended in ${record.errorCode ?? 'failure'}: starting a new upload.`,
      },
    };
  }
  if (!sameFile(record, file)) return refuse(describeChange(record, file));
  if (server.video === undefined) return { kind: 'ask', fact: 'video' };
  if (server.video === 'gone') return { kind: 'video-gone', videoUri };
  return { kind: 'new-version', videoUri, why: `its last upload ended in ${record.errorCode ?? 'failure'}` };
}

/** Stopped inside its create call, before the answer was recorded: adopt, delete or start again. */
function afterCrashedCreate(server: ServerView): Plan {
  const { candidate } = server;
  if (candidate === undefined) return { kind: 'ask', fact: 'placeholder' };
  const startAgain = (message: string, videoUri?: string): Plan => ({
    kind: 'create',
    reuse: true,
    notice: { kind: 'no-placeholder', message, ...(videoUri ? { videoUri } : {}) },
  });
  if (candidate === 'none') {
    return startAgain(
      'An earlier run stopped inside its create call; it left no video on Vimeo, so the upload starts again.',
    );
  }
  const { video, verdict } = candidate;
  const uploadLink = video.upload?.uploadLink;
  if (verdict === 'adopt' && uploadLink) {
    return {
      kind: 'adopt',
      videoUri: video.uri,
      uploadLink,
      link: video.link ?? null,
      notice: {
        kind: 'adopted',
        message: `An earlier run stopped inside its create call after Vimeo had made ${video.uri}: continuing on it.`,
        videoUri: video.uri,
      },
    };
  }
  if (verdict === 'foreign') {
    return startAgain(
      `An earlier run stopped inside its create call; ${video.uri} looks alike but already holds bytes, ` +
        "so it is not that call's video and is left alone. The upload starts again.",
      video.uri,
    );
  }
  return { kind: 'delete-placeholder', videoUri: video.uri };
}

/** Unfinished, with its video known: continue, or recover, on that video. */
function onVideo(record: UploadRecord, videoUri: string, server: ServerView): Plan {
  const { video } = server;
  if (video === undefined) return { kind: 'ask', fact: 'video' };
  if (video === 'gone') return { kind: 'video-gone', videoUri };
  if (server.linkGone) {
    // Vimeo drops the link once an upload is complete: then its statuses are what is left.
    if (video.upload?.status !== 'complete') {
      return { kind: 'new-version', videoUri, why: 'its upload link no longer works' };
    }
    if (video.upload.size !== undefined && video.upload.size !== record.fileSize) {
      return { kind: 'new-version', videoUri, why: 'Vimeo holds a file of another size' };
    }
    return { kind: 'finish', video };
  }
  if (record.uploadLink === null) {
    // Stopped inside a version call (a replace, or a fresh link): always ends on this video.
    const { candidate } = server;
    if (candidate === undefined) return { kind: 'ask', fact: 'version' };
    const uploadLink = candidate !== 'none' ? candidate.video.upload?.uploadLink : undefined;
    if (candidate !== 'none' && candidate.verdict === 'adopt' && uploadLink) {
      return { kind: 'adopt', videoUri, uploadLink, link: record.videoLink };
    }
    return { kind: 'new-version', videoUri, why: 'an earlier run stopped before it had a new upload link' };
  }
  if (video.upload?.status === 'error') {
    return { kind: 'new-version', videoUri, why: 'Vimeo reports an error for its upload' };
  }
  return {
    kind: 'continue',
    videoUri,
    uploadLink: record.uploadLink,
    link: video.link ?? record.videoLink ?? '',
    notice: {
      kind: 'resumed',
      message:
        `Continuing the earlier upload of ${basename(record.filePath)} on ${videoUri} ` +
        `(${record.ackedBytes} of ${record.fileSize} bytes were acknowledged when last recorded).`,
      videoUri,
    },
  };
}
