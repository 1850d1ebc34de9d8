/**
 * One ledger-backed upload, once the file is identified and its lock is held: ask decide.ts what
 * to do with the newest record, gather the server facts it asks for, and run its plan with small
 * executors that keep the record true at every step (the engine runs with hooks that record it).
 */
import { LedgerError, VimeoApiError } from '../errors.js';
import type { UploadRecord } from '../ledger/types.js';
import type { UploadHooks, UploadResult } from '../upload/types.js';
import type { VideoInfo } from '../vimeo/types.js';
import { decide, type Fact, type Notice, type Plan, type ResumeIntent, type ServerView } from './decide.js';
import { type EngineMode, finishWithoutTransfer, runRecordedEngine } from './engine-run.js';
import { PLACEHOLDER_KEPT_CODE, SUPERSEDED_CODE, VIDEO_GONE_CODE } from './failure-rules.js';
import { classifyPlaceholder, findPlaceholder, tryDeletePlaceholder } from './placeholder.js';
import type { SessionContext } from './types.js';

/** The video fields every rule reads: the page, the upload (status, size, link) and the transcode status. */
const VIDEO_FIELDS = ['uri', 'link', 'upload', 'transcode.status'] as const;

/** Runs the upload the ledger calls for and resolves with its verified result. */
export class LedgerSession {
  readonly #ctx: SessionContext;
  /** True once an earlier record's video or upload was taken up (for `UploadResult.resumed`). */
  #continued = false;
  /** True once a dead upload link was met in this call: a second one ends it. */
  #linkGoneMet = false;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  async run(): Promise<UploadResult> {
    const { options, ledger, key } = this.#ctx;
    const intent: ResumeIntent = { newUpload: options.newUpload === true, replace: options.replace };
    return this.#settle(await ledger.findLatest(key), intent, {});
  }

  /** Decides with what is known, learning the facts asked for, and runs the plan. */
  async #settle(
    record: UploadRecord | undefined,
    intent: ResumeIntent,
    known: ServerView,
  ): Promise<UploadResult> {
    let server = known;
    for (;;) {
      const plan = decide(record, this.#ctx.identity, intent, server);
      if (plan.kind !== 'ask') return this.#execute(plan, record);
      if (!record) throw new Error('decide asked about the server without a record'); // a bug
      server = await this.#learn(plan.fact, record, server);
    }
  }

  async #learn(fact: Fact, record: UploadRecord, server: ServerView): Promise<ServerView> {
    const { client, ledger, source, signal } = this.#ctx;
    if (fact === 'video') return { ...server, video: await this.#videoOrGone(record.videoUri ?? '') };
    if (fact === 'version') {
      const video = server.video;
      if (video === undefined || video === 'gone') return { ...server, candidate: 'none' };
      return {
        ...server,
        candidate: { video, verdict: await classifyPlaceholder(video, source.sizeBytes, signal) },
      };
    }
    const found = await findPlaceholder(client, ledger, record, { signal });
    if (!found) return { ...server, candidate: 'none' };
    const video = await client.getVideo({ videoUri: found.uri, fields: ['uri', 'link', 'upload'], signal });
    return {
      ...server,
      candidate: { video, verdict: await classifyPlaceholder(video, source.sizeBytes, signal) },
    };
  }

  async #execute(
    plan: Exclude<Plan, { kind: 'ask' }>,
    record: UploadRecord | undefined,
  ): Promise<UploadResult> {
    const { ledger } = this.#ctx;
    const latest = record as UploadRecord; // every plan but the first `create` is about a record
    switch (plan.kind) {
      case 'create':
        if (plan.notice) this.#notice(plan.notice);
        if (plan.reuse) this.#continued = true;
        return this.#create(plan.reuse ? record : undefined);
      case 'refuse': {
        const what = latest.videoUri ? ` to ${latest.videoUri}` : '';
        throw new LedgerError(
          `${this.#ctx.source.description} was modified since its upload${what} was recorded (${plan.change}): ` +
            'it will not be continued onto the old video. Use --new (newUpload) to start a new upload.',
          { code: 'E_FILE_MODIFIED_SINCE_LEDGER' },
        );
      }
      case 'supersede':
        await this.#supersede(latest, plan.why);
        return this.#create(undefined);
      case 'finish':
        if (plan.notice) this.#notice(plan.notice);
        this.#continued = true;
        return finishWithoutTransfer(this.#ctx, latest, plan.video);
      case 'continue':
        this.#notice(plan.notice);
        this.#continued = true;
        return this.#engine(
          { kind: 'resume', videoUri: plan.videoUri, uploadLink: plan.uploadLink, link: plan.link },
          latest.id,
          {},
        );
      case 'adopt': {
        if (plan.notice) this.#notice(plan.notice);
        this.#continued = true;
        const adopted = await ledger.update(latest.id, {
          videoUri: plan.videoUri,
          videoLink: plan.link,
          uploadLink: plan.uploadLink,
          state: 'uploading',
        });
        return this.#settle(adopted, { newUpload: false, replace: undefined }, {});
      }
      case 'new-version':
        this.#continued = true;
        return this.#newVersion(latest, plan.videoUri, plan.why);
      case 'video-gone':
        await ledger.update(latest.id, {
          state: 'failed',
          errorCode: VIDEO_GONE_CODE,
          errorMessage: `${plan.videoUri} no longer exists on Vimeo`,
        });
        this.#notice({
          kind: 'restarted',
          message: `${plan.videoUri} no longer exists on Vimeo: starting a new upload.`,
          videoUri: plan.videoUri,
        });
        return this.#create(undefined);
      case 'delete-placeholder':
        return this.#deletePlaceholder(latest, plan.videoUri);
    }
  }

  /** A new video (or, with `replace`, a new version), recorded before the create call. */
  async #create(reuse: UploadRecord | undefined): Promise<UploadResult> {
    const { ledger, key, identity, options, source } = this.#ctx;
    const replaceUri = options.replace ?? null;
    const videoName = replaceUri === null ? (options.video?.name ?? source.name ?? null) : null;
    let recordId = reuse?.id;
    const hooks: UploadHooks = {
      beforeCreate: async () => {
        // A reused record starts over too: nothing of an earlier video or link may remain on it.
        const fields = {
          ...identity,
          videoName,
          createRequestedAt: Date.now(),
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
    return this.#engine(mode, () => recordId, hooks);
  }

  /** A fresh upload link for the SAME video through `POST /videos/{id}/versions`. */
  async #newVersion(record: UploadRecord, videoUri: string, why: string): Promise<UploadResult> {
    const { ledger } = this.#ctx;
    this.#notice({
      kind: 'new-version',
      message:
        `The upload to ${videoUri} cannot continue (${why}): sending the file again as a new version of ` +
        'the same video (no second video is created).',
      videoUri,
    });
    const hooks: UploadHooks = {
      beforeCreate: async () => {
        // The old link is done with: a run that stops inside the version call leaves the record
        // `creating` on this video, and the next run recovers the version (decide: a version call).
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
    return this.#engine({ kind: 'version', videoUri }, record.id, hooks);
  }

  /**
   * Runs the engine on the record. When the upload link dies during it (it expired, or Vimeo
   * dropped it), the same video goes on at once, as a rerun would: decided again with the link
   * known dead. Once per call: a second dead link ends it.
   */
  async #engine(
    mode: EngineMode,
    recordId: string | (() => string | undefined),
    hooks: UploadHooks,
  ): Promise<UploadResult> {
    const idOf = typeof recordId === 'string' ? () => recordId : recordId;
    try {
      return await runRecordedEngine(this.#ctx, mode, idOf, hooks, this.#continued);
    } catch (error) {
      const linkGone =
        (error as { code?: unknown }).code === 'E_UPLOAD_LINK_GONE' && !this.#ctx.signal.aborted;
      const id = idOf();
      if (!linkGone || this.#linkGoneMet || id === undefined) throw error;
      this.#linkGoneMet = true;
      const record = await this.#ctx.ledger.get(id);
      if (record?.videoUri == null || record.uploadLink === null) throw error;
      return this.#settle(record, { newUpload: false, replace: undefined }, { linkGone: true });
    }
  }

  /**
   * Marks `record` given up. A crashed create's placeholder is deleted only when it is provably
   * ours (classifyPlaceholder: it holds no byte, or can never take any); a refused delete is told,
   * never fatal, and the video is kept on the record so the ledger knows it.
   */
  async #supersede(record: UploadRecord, why: string): Promise<void> {
    const { ledger, client, source, signal } = this.#ctx;
    let kept = record.videoUri ? ` (${record.videoUri} stays on Vimeo)` : '';
    let keptUri: string | null = record.videoUri;
    let keptNote = '';
    if (record.state === 'creating' && record.videoUri === null) {
      const found = await findPlaceholder(client, ledger, record, { signal });
      const video = found ? await this.#videoOrGone(found.uri) : undefined;
      const usable = video !== undefined && video !== 'gone' ? video : undefined;
      const verdict = usable ? await classifyPlaceholder(usable, source.sizeBytes, signal) : 'foreign';
      if (usable && verdict !== 'foreign') {
        const refused = await tryDeletePlaceholder(client, usable.uri, signal);
        if (refused !== undefined) {
          keptUri = usable.uri;
          keptNote = `; its placeholder ${usable.uri} could not be deleted (${refused}): delete it by hand`;
          kept = ` (the placeholder ${usable.uri} an earlier run left could not be deleted (${refused}): delete it by hand)`;
        }
      }
    }
    await ledger.update(record.id, {
      state: 'failed',
      errorCode: SUPERSEDED_CODE,
      errorMessage: `Superseded: ${why}${keptNote}`,
      ...(keptUri !== record.videoUri ? { videoUri: keptUri } : {}),
    });
    this.#notice({
      kind: 'superseded',
      message: `Starting a new upload: ${why}${kept}.`,
      ...(keptUri ? { videoUri: keptUri } : {}),
    });
  }

  /** A crashed create's placeholder that can never take the file: deleted, or kept and named. */
  async #deletePlaceholder(record: UploadRecord, videoUri: string): Promise<UploadResult> {
    const { client, ledger, signal } = this.#ctx;
    const refused = await tryDeletePlaceholder(client, videoUri, signal);
    if (refused !== undefined) {
      // Kept on a record of its own (failed), so that the ledger knows it and no later search
      // takes it for a placeholder again; the upload starts again on a new record.
      await ledger.update(record.id, {
        state: 'failed',
        videoUri,
        errorCode: PLACEHOLDER_KEPT_CODE,
        errorMessage: `The placeholder ${videoUri} could not be deleted (${refused}): delete it by hand`,
      });
      this.#notice({
        kind: 'restarted',
        message:
          `An earlier run stopped inside its create call and left ${videoUri}, which cannot take the ` +
          `upload; it could not be deleted (${refused}): delete ${videoUri} by hand ` +
          '(https://vimeo.com/manage/videos). Starting a new upload.',
        videoUri,
      });
      return this.#create(undefined);
    }
    this.#notice({
      kind: 'deleted-placeholder',
      message:
        `An earlier run stopped inside its create call; the video it left (${videoUri}) could not take ` +
        'the upload and was deleted. Starting again.',
      videoUri,
    });
    this.#continued = true;
    return this.#create(record);
  }

  /** The video, or `gone` when Vimeo says it does not exist (404). */
  async #videoOrGone(videoUri: string): Promise<VideoInfo | 'gone'> {
    try {
      return await this.#ctx.client.getVideo({ videoUri, fields: VIDEO_FIELDS, signal: this.#ctx.signal });
    } catch (error) {
      if (error instanceof VimeoApiError && error.status === 404) return 'gone';
      throw error;
    }
  }

  #notice(notice: Notice): void {
    this.#ctx.reporter.emit('notice', notice);
  }
}
