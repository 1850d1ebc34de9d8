/**
 * One ledger-backed upload, once the file is identified and its lock is held: decide from the
 * ledger whether to start, continue, recover or only re-check, then run the engine with hooks
 * that keep the record true at every step.
 */
import { basename } from 'node:path';
import { LedgerError, VimeoApiError } from '../errors.js';
import { FINISHED_STATES } from '../ledger/record-rules.js';
import type { UploadRecord } from '../ledger/types.js';
import type { NoticeEvent, UploadHooks, UploadResult } from '../upload/types.js';
import { STATUS_FIELDS } from '../upload/verify.js';
import type { VideoInfo } from '../vimeo/types.js';
import { type EngineMode, finishWithoutTransfer, runRecordedEngine } from './engine-run.js';
import { PLACEHOLDER_KEPT_CODE, SUPERSEDED_CODE, VIDEO_GONE_CODE } from './failure-rules.js';
import { describeChange, sameFile } from './file-identity.js';
import { classifyPlaceholder, findPlaceholder, tryDeletePlaceholder } from './placeholder.js';
import type { SessionContext } from './types.js';

/** Runs the upload the ledger calls for and resolves with its verified result. */
export class LedgerSession {
  readonly #ctx: SessionContext;
  /** True when an earlier record of this file was taken up (for `UploadResult.resumed`). */
  #continued = false;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  async run(): Promise<UploadResult> {
    const { ledger, key, identity, options } = this.#ctx;
    const latest = await ledger.findLatest(key);
    if (!latest) return this.#fresh(undefined);

    if (FINISHED_STATES.includes(latest.state)) {
      if (options.newUpload || options.replace !== undefined) return this.#fresh(undefined);
      if (sameFile(latest, identity)) return this.#alreadyVerified(latest);
      return this.#fileChanged(latest);
    }
    if (latest.state === 'failed') return this.#afterFailure(latest);
    if (!sameFile(latest, identity)) return this.#fileChanged(latest);
    const replaceUri = options.replace;
    if (replaceUri !== undefined && latest.videoUri !== replaceUri) {
      await this.#supersede(latest, `a new version of ${replaceUri} was asked for`);
      return this.#fresh(undefined);
    }
    if (options.newUpload) {
      await this.#supersede(latest, 'a new upload was asked for');
      return this.#fresh(undefined);
    }
    this.#continued = true;
    if (latest.videoUri === null) return this.#recoverCreate(latest);
    if (latest.uploadLink === null) return this.#recoverVersion(latest, latest.videoUri);
    return this.#continue(latest, latest.videoUri, latest.uploadLink);
  }

  /** The file differs from the one recorded: refuse, or (newUpload) supersede and start again. */
  async #fileChanged(record: UploadRecord): Promise<UploadResult> {
    const { source, identity, options } = this.#ctx;
    const change = describeChange(record, identity);
    if (!options.newUpload) {
      const what = record.videoUri ? ` to ${record.videoUri}` : '';
      throw new LedgerError(
        `${source.description} was modified since its upload${what} was recorded (${change}): it will not be ` +
          'continued onto the old video. Use --new (newUpload) to start a new upload.',
        { code: 'E_FILE_MODIFIED_SINCE_LEDGER' },
      );
    }
    if (!FINISHED_STATES.includes(record.state) && record.state !== 'failed') {
      await this.#supersede(record, `the file was modified (${change})`);
    }
    return this.#fresh(undefined);
  }

  /**
   * The newest record is `failed`. A live video of this file is never abandoned for a new one:
   * it gets the file again as a new version (`POST /videos/{id}/versions`). A new video is made
   * only when there is none to go on with: no video was ever made (a refused create), the video
   * is gone, the upload was superseded, or a new upload (`newUpload`) or another video to replace
   * was asked for.
   */
  async #afterFailure(record: UploadRecord): Promise<UploadResult> {
    const { options, identity } = this.#ctx;
    const videoUri = record.videoUri;
    const giveUp = [SUPERSEDED_CODE, VIDEO_GONE_CODE, PLACEHOLDER_KEPT_CODE];
    const otherTarget = options.replace !== undefined && options.replace !== videoUri;
    if (videoUri === null || options.newUpload || otherTarget || giveUp.includes(record.errorCode ?? '')) {
      this.#notice(
        'restarted',
        `The last upload of this file ended in ${record.errorCode ?? 'failure'}: starting a new upload.`,
      );
      return this.#fresh(undefined);
    }
    if (!sameFile(record, identity)) return this.#fileChanged(record);
    const video = await this.#videoOrGone(videoUri, ['uri', 'link', 'upload.status']);
    if (!video) return this.#videoGone(record, videoUri);
    this.#continued = true;
    return this.#newVersion(record, videoUri, `its last upload ended in ${record.errorCode ?? 'failure'}`);
  }

  /**
   * Marks `record` given up. A crashed create's placeholder is deleted only when it is provably
   * ours (classifyPlaceholder: it holds no byte, or can never take any); a refused delete is told,
   * never fatal, and the video is kept on the record so the ledger knows it.
   */
  async #supersede(record: UploadRecord, why: string): Promise<void> {
    const { ledger, source, signal } = this.#ctx;
    let kept = record.videoUri ? ` (${record.videoUri} stays on Vimeo)` : '';
    let keptUri: string | null = record.videoUri;
    let keptNote = '';
    if (record.state === 'creating' && record.videoUri === null) {
      const found = await this.#placeholder(record);
      const video = found ? await this.#videoOrGone(found.uri, ['uri', 'link', 'upload']) : undefined;
      const verdict = video ? await classifyPlaceholder(video, source.sizeBytes, signal) : 'foreign';
      if (video && verdict !== 'foreign') {
        const refused = await this.#tryDelete(video.uri);
        if (refused !== undefined) {
          keptUri = video.uri;
          keptNote = `; its placeholder ${video.uri} could not be deleted (${refused}): delete it by hand`;
          kept = ` (the placeholder ${video.uri} an earlier run left could not be deleted (${refused}): delete it by hand)`;
        }
      }
    }
    await ledger.update(record.id, {
      state: 'failed',
      errorCode: SUPERSEDED_CODE,
      errorMessage: `Superseded: ${why}${keptNote}`,
      ...(keptUri !== record.videoUri ? { videoUri: keptUri } : {}),
    });
    this.#notice('superseded', `Starting a new upload: ${why}${kept}.`, keptUri);
  }

  async #tryDelete(videoUri: string): Promise<string | undefined> {
    return tryDeletePlaceholder(this.#ctx.client, videoUri, this.#ctx.signal);
  }

  /** A new video (or, with `replace`, a new version), recorded before the create call. */
  async #fresh(reuse: UploadRecord | undefined): Promise<UploadResult> {
    const { ledger, key, identity, options, source } = this.#ctx;
    const replaceUri = options.replace ?? null;
    const videoName = replaceUri === null ? (options.video?.name ?? source.name ?? null) : null;
    let recordId = reuse?.id;
    const hooks: UploadHooks = {
      beforeCreate: async () => {
        const createRequestedAt = Date.now();
        // A reused record starts over too: nothing of an earlier video or link may remain on it.
        const fields = {
          ...identity,
          videoName,
          createRequestedAt,
          errorCode: null,
          errorMessage: null,
          videoUri: replaceUri,
          videoLink: null,
          uploadLink: null,
          ackedBytes: 0,
          state: 'creating',
        } as const;
        if (recordId !== undefined) await ledger.update(recordId, fields);
        else recordId = (await ledger.insert({ ...key, ...fields })).id;
      },
      afterCreate: async (info) => {
        if (recordId === undefined) return;
        await ledger.update(recordId, {
          videoUri: info.videoUri,
          videoLink: info.link === '' ? null : info.link,
          uploadLink: info.uploadLink,
          ackedBytes: 0,
          state: 'uploading',
        });
      },
    };
    const mode: EngineMode =
      replaceUri === null ? { kind: 'create' } : { kind: 'version', videoUri: replaceUri };
    try {
      return await this.#engine(mode, () => recordId, hooks);
    } catch (error) {
      // The link died during this very upload (it expired, or Vimeo dropped it): go on at once on
      // the same video with a fresh link, as a rerun would. Once per call: a second dead link ends it.
      const record =
        recordId !== undefined && isLinkGone(error, this.#ctx.signal)
          ? await ledger.get(recordId)
          : undefined;
      if (record?.videoUri == null || record.uploadLink === null) throw error;
      return this.#afterLinkGone(record, record.videoUri);
    }
  }

  /** Continues the recorded upload link on the same video (HEAD, then PATCH from the offset). */
  async #continue(record: UploadRecord, videoUri: string, uploadLink: string): Promise<UploadResult> {
    const video = await this.#videoOrGone(videoUri, ['uri', 'link', 'upload.status', 'upload.size']);
    if (!video) return this.#videoGone(record, videoUri);
    if (video.upload?.status === 'error') {
      return this.#newVersion(record, videoUri, 'Vimeo reports an error for its upload');
    }
    this.#notice(
      'resumed',
      `Continuing the earlier upload of ${basename(record.filePath)} on ${videoUri} ` +
        `(${record.ackedBytes} of ${record.fileSize} bytes were acknowledged when last recorded).`,
      videoUri,
    );
    const link = video.link ?? record.videoLink ?? '';
    try {
      return await this.#engine({ kind: 'resume', videoUri, uploadLink, link }, () => record.id, {});
    } catch (error) {
      if (!isLinkGone(error, this.#ctx.signal)) throw error;
      return this.#afterLinkGone(record, videoUri);
    }
  }

  /** The recorded upload link answered 404/410: done by Vimeo's statuses, or a new version. */
  async #afterLinkGone(record: UploadRecord, videoUri: string): Promise<UploadResult> {
    const again = await this.#videoOrGone(videoUri, STATUS_FIELDS);
    if (!again) return this.#videoGone(record, videoUri);
    // Vimeo drops the link once an upload is complete: then its statuses are what is left.
    if (again.upload?.status === 'complete') return this.#completeByStatus(record, again);
    return this.#newVersion(record, videoUri, 'its upload link no longer works');
  }

  /** A fresh upload link for the SAME video through `POST /videos/{id}/versions`. */
  async #newVersion(record: UploadRecord, videoUri: string, why: string): Promise<UploadResult> {
    const { ledger } = this.#ctx;
    this.#notice(
      'new-version',
      `The upload to ${videoUri} cannot continue (${why}): sending the file again as a new version of ` +
        'the same video (no second video is created).',
      videoUri,
    );
    const hooks: UploadHooks = {
      beforeCreate: async () => {
        // The old link is done with: a run that stops inside the version call leaves the record
        // `creating` on this video, and the next run recovers the version (#recoverVersion).
        await ledger.update(record.id, {
          createRequestedAt: Date.now(),
          uploadLink: null,
          ackedBytes: 0,
          state: 'creating',
          errorCode: null,
          errorMessage: null,
        });
      },
      afterCreate: async (info) => {
        await ledger.update(record.id, {
          uploadLink: info.uploadLink,
          ackedBytes: 0,
          state: 'uploading',
          ...(info.link !== '' ? { videoLink: info.link } : {}),
        });
      },
    };
    return this.#engine({ kind: 'version', videoUri }, () => record.id, hooks);
  }

  /** A crash inside the create call: adopt the video it made, or delete it, or start again. */
  async #recoverCreate(record: UploadRecord): Promise<UploadResult> {
    const { client, ledger, source, signal } = this.#ctx;
    const found = await this.#placeholder(record);
    if (!found) {
      this.#notice(
        'no-placeholder',
        'An earlier run stopped inside its create call; it left no video on Vimeo, so the upload starts again.',
      );
      return this.#fresh(record);
    }
    const video = await client.getVideo({ videoUri: found.uri, fields: ['uri', 'link', 'upload'], signal });
    const verdict = await classifyPlaceholder(video, source.sizeBytes, signal);
    if (verdict === 'adopt' && video.upload?.uploadLink) {
      const adopted = await ledger.update(record.id, {
        videoUri: video.uri,
        videoLink: video.link ?? null,
        uploadLink: video.upload.uploadLink,
        state: 'uploading',
      });
      this.#notice(
        'adopted',
        `An earlier run stopped inside its create call after Vimeo had made ${video.uri}: continuing on it.`,
        video.uri,
      );
      return this.#continue(adopted, video.uri, video.upload.uploadLink);
    }
    if (verdict === 'foreign') {
      this.#notice(
        'no-placeholder',
        `An earlier run stopped inside its create call; ${found.uri} looks alike but already holds bytes, ` +
          "so it is not that call's video and is left alone. The upload starts again.",
        found.uri,
      );
      return this.#fresh(record);
    }
    const refused = await this.#tryDelete(found.uri);
    if (refused !== undefined) {
      // Kept on a record of its own (failed), so that the ledger knows it and no later search
      // takes it for a placeholder again; the upload starts again on a new record.
      await ledger.update(record.id, {
        state: 'failed',
        videoUri: found.uri,
        errorCode: PLACEHOLDER_KEPT_CODE,
        errorMessage: `The placeholder ${found.uri} could not be deleted (${refused}): delete it by hand`,
      });
      this.#notice(
        'restarted',
        `An earlier run stopped inside its create call and left ${found.uri}, which cannot take the ` +
          `upload; it could not be deleted (${refused}): delete ${found.uri} by hand ` +
          '(https://vimeo.com/manage/videos). Starting a new upload.',
        found.uri,
      );
      return this.#fresh(undefined);
    }
    this.#notice(
      'deleted-placeholder',
      `An earlier run stopped inside its create call; the video it left (${found.uri}) could not take ` +
        'the upload and was deleted. Starting again.',
      found.uri,
    );
    return this.#fresh(record);
  }

  /**
   * A run stopped inside a version call (replace, or a fresh link): the video is known, so this
   * always ends on it. The version that call made is continued when its link is usable and
   * holds no byte yet; otherwise a new version of the SAME video is asked for (never a new video).
   */
  async #recoverVersion(record: UploadRecord, videoUri: string): Promise<UploadResult> {
    const video = await this.#videoOrGone(videoUri, ['uri', 'link', 'upload']);
    if (!video) return this.#videoGone(record, videoUri);
    const verdict = await classifyPlaceholder(video, this.#ctx.source.sizeBytes, this.#ctx.signal);
    if (verdict === 'adopt' && video.upload?.uploadLink) {
      const adopted = await this.#ctx.ledger.update(record.id, {
        uploadLink: video.upload.uploadLink,
        state: 'uploading',
      });
      return this.#continue(adopted, videoUri, video.upload.uploadLink);
    }
    return this.#newVersion(record, videoUri, 'an earlier run stopped before it had a new upload link');
  }

  async #placeholder(record: UploadRecord): Promise<VideoInfo | undefined> {
    const { client, ledger, signal } = this.#ctx;
    return findPlaceholder(client, ledger, record, { signal });
  }

  /** The video, or undefined when Vimeo says it does not exist (404). */
  async #videoOrGone(videoUri: string, fields: readonly string[]): Promise<VideoInfo | undefined> {
    try {
      return await this.#ctx.client.getVideo({ videoUri, fields, signal: this.#ctx.signal });
    } catch (error) {
      if (error instanceof VimeoApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  async #videoGone(record: UploadRecord, videoUri: string): Promise<UploadResult> {
    await this.#ctx.ledger.update(record.id, {
      state: 'failed',
      errorCode: VIDEO_GONE_CODE,
      errorMessage: `${videoUri} no longer exists on Vimeo`,
    });
    this.#notice('restarted', `${videoUri} no longer exists on Vimeo: starting a new upload.`, videoUri);
    return this.#fresh(undefined);
  }

  /** The ledger says verified: no byte is sent; Vimeo's statuses are read (and waited for if asked). */
  async #alreadyVerified(record: UploadRecord): Promise<UploadResult> {
    const videoUri = record.videoUri ?? '';
    const video = await this.#videoOrGone(videoUri, STATUS_FIELDS);
    if (!video) return this.#videoGone(record, videoUri);
    this.#notice(
      'already-verified',
      `${basename(record.filePath)} is already uploaded and verified as ${videoUri}: nothing to send ` +
        '(use --new to upload it again as another video).',
      videoUri,
    );
    this.#continued = true;
    return finishWithoutTransfer(this.#ctx, record, video);
  }

  /** The link is gone but Vimeo says the upload is complete: done, without a HEAD. */
  async #completeByStatus(record: UploadRecord, video: VideoInfo): Promise<UploadResult> {
    if (video.upload?.size !== undefined && video.upload.size !== record.fileSize) {
      return this.#newVersion(record, video.uri, 'Vimeo holds a file of another size');
    }
    return finishWithoutTransfer(this.#ctx, record, video);
  }

  #engine(mode: EngineMode, recordId: () => string | undefined, hooks: UploadHooks): Promise<UploadResult> {
    return runRecordedEngine(this.#ctx, mode, recordId, hooks, this.#continued);
  }

  #notice(kind: NoticeEvent['kind'], message: string, videoUri?: string | null): void {
    this.#ctx.reporter.emit('notice', { kind, message, ...(videoUri ? { videoUri } : {}) });
  }
}

/** The engine ended because the upload link is dead (and not because the caller aborted). */
function isLinkGone(error: unknown, signal: AbortSignal): boolean {
  return (error as { code?: unknown }).code === 'E_UPLOAD_LINK_GONE' && !signal.aborted;
}
