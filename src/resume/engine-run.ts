/**
 * The two ways a ledger-backed upload ends: through the engine (create, resume or version, with
 * the record kept in step by hooks), or without any transfer (the ledger or Vimeo already says
 * complete: only Vimeo's statuses are read).
 */
import type { UploadRecord, UploadRecordPatch } from '../ledger/types.js';
import { confirmWithVimeo } from '../upload/confirm.js';
import { pollProcessing } from '../upload/processing.js';
import { resolveUploadOptions } from '../upload/resolve-options.js';
import { runUpload } from '../upload/run-upload.js';
import type {
  CreatedEvent,
  EngineOptions,
  UploadHooks,
  UploadReporter,
  UploadResult,
  VimeoStatus,
} from '../upload/types.js';
import type { VideoInfo } from '../vimeo/types.js';
import { type FailureStage, failurePatch } from './failure-rules.js';
import type { SessionContext } from './types.js';

/** How the engine is started: a new video, an earlier link continued, or a new version. */
export type EngineMode =
  | { readonly kind: 'create' }
  | { readonly kind: 'resume'; readonly videoUri: string; readonly uploadLink: string; readonly link: string }
  | { readonly kind: 'version'; readonly videoUri: string };

/**
 * Runs the engine once, keeping the record `recordId()` in step: each acknowledged offset, the
 * verified end, or the error (see failure-rules.ts). `continued` marks the result `resumed`.
 */
export async function runRecordedEngine(
  ctx: SessionContext,
  mode: EngineMode,
  recordId: () => string | undefined,
  hooks: UploadHooks,
  continued: boolean,
): Promise<UploadResult> {
  const { options, ledger, source, reporter, signal } = ctx;
  let answered = mode.kind === 'resume';
  const { replace: _replace, newUpload: _newUpload, ...settings } = options;
  const engineOptions: EngineOptions = {
    ...settings,
    signal,
    ...(mode.kind === 'resume'
      ? { resume: { videoUri: mode.videoUri, uploadLink: mode.uploadLink, link: mode.link } }
      : {}),
    ...(mode.kind === 'version' ? { replace: mode.videoUri } : {}),
    hooks: {
      ...hooks,
      afterCreate: async (info) => {
        await hooks.afterCreate?.(info);
        answered = true;
      },
      onAcked: async (offset) => {
        const id = recordId();
        if (id === undefined) return;
        const patch: UploadRecordPatch = { ackedBytes: offset };
        await ledger.update(id, offset >= source.sizeBytes ? { ...patch, state: 'uploaded' } : patch);
      },
    },
  };
  // A new version of a known video is not a created video, for whoever watches.
  const engineReporter: UploadReporter = {
    target: (known) => reporter.target(known),
    emit: (event, payload) => {
      if (event === 'created') {
        reporter.emit('created', { ...(payload as CreatedEvent), created: mode.kind === 'create' });
      } else reporter.emit(event, payload);
    },
  };
  try {
    const result = await runUpload(source, engineOptions, engineReporter);
    const id = recordId();
    if (id !== undefined) {
      const processed = result.uploadStatus === 'complete' && result.transcodeStatus === 'complete';
      await ledger.update(id, {
        state: options.waitForProcessing && processed ? 'processed' : 'verified',
        ackedBytes: result.uploadOffset,
        videoLink: result.link === '' ? null : result.link,
        errorCode: null,
        errorMessage: null,
      });
    }
    return { ...result, resumed: continued || result.resumed };
  } catch (error) {
    const stage: FailureStage = answered ? 'transfer' : mode.kind === 'create' ? 'create' : 'version';
    await recordFailure(ctx, recordId(), error, stage);
    throw error;
  }
}

/**
 * Ends without sending a byte: the ledger says verified, or Vimeo says the upload is complete.
 * Reads (and, when asked, waits for) Vimeo's statuses and records the end.
 */
export async function finishWithoutTransfer(
  ctx: SessionContext,
  record: UploadRecord,
  video: VideoInfo,
): Promise<UploadResult> {
  const { ledger, reporter, options, source, signal } = ctx;
  const link = video.link ?? record.videoLink ?? '';
  reporter.target({ videoUri: video.uri, link });
  reporter.emit('created', { videoUri: video.uri, link, bytesTotal: source.sizeBytes, created: false });
  const resolved = resolveUploadOptions(options);
  // The phases a transfer would show from here on (a batch then gives this file's place to the
  // next one: it sends nothing).
  const phase = (name: 'verifying' | 'processing'): void =>
    reporter.emit('progress', {
      phase: name,
      bytesSent: 0,
      bytesAcked: source.sizeBytes,
      bytesTotal: source.sizeBytes,
      bytesPerSecond: 0,
      etaSeconds: 0,
    });
  phase('verifying');
  // Nothing is sent, but nothing is called verified either before Vimeo agrees that it holds the
  // file (its size, upload.status complete): the same check as after a transfer.
  const confirmed = await confirmWithVimeo(ctx.client, video.uri, source.sizeBytes, {
    signal,
    timeoutMs: resolved.verifyTimeoutMs,
  });
  let statuses: { uploadStatus: VimeoStatus; transcodeStatus: VimeoStatus } = {
    uploadStatus: confirmed.uploadStatus,
    transcodeStatus: confirmed.transcodeStatus,
  };
  const processing = resolved.processing;
  if (processing) {
    phase('processing');
    statuses = await pollProcessing(ctx.client, video.uri, { ...processing, signal, initial: statuses });
  }
  await ledger.update(record.id, {
    state: processing || record.state === 'processed' ? 'processed' : 'verified',
    ackedBytes: source.sizeBytes,
    errorCode: null,
    errorMessage: null,
  });
  const result: UploadResult = {
    videoUri: video.uri,
    link,
    ...(source.path !== undefined ? { filePath: source.path } : {}),
    bytesTotal: source.sizeBytes,
    bytesSent: 0,
    uploadOffset: source.sizeBytes,
    uploadLength: source.sizeBytes,
    // No HEAD this time: the ledger (or Vimeo) already knew the upload complete.
    checks: { headOffsets: false, apiSize: true, apiUploadStatus: true },
    ...statuses,
    requests: 0,
    retries: 0,
    durationMs: Date.now() - ctx.startedMs,
    resumed: true,
  };
  return result;
}

/** Notes an error on the record; a ledger failure here is not fatal (the upload's error is). */
async function recordFailure(
  ctx: SessionContext,
  id: string | undefined,
  error: unknown,
  stage: FailureStage,
): Promise<void> {
  if (id === undefined || ctx.lockLost()) return;
  try {
    const current = await ctx.ledger.get(id);
    if (current) await ctx.ledger.update(id, failurePatch(current, error, stage));
  } catch {
    // The upload's own error is what the caller must see.
  }
}
