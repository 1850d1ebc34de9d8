/**
 * The engine: one upload from start to end, of a source already opened (src/sources: a checked
 * file, a buffer, a stream). Create the video (or version, or take
 * the resume target), stream the bytes over tus, verify that the server holds all of them,
 * optionally wait for Vimeo's processing. It reports to the handle of `createUpload` (src/entry),
 * which owns the listeners; the ledger layer (src/resume) runs it with hooks.
 */
import { AbortError } from '../errors.js';
import type { UploadSource } from '../sources/source.js';
import { probeOffsetWithRetries } from '../tus/probe-offset.js';
import { runTransfer } from '../tus/transfer.js';
import { VimeoClient } from '../vimeo/client.js';
import { assertUploadLinkAllowed } from '../vimeo/upload-link.js';
import { obtainUploadTarget, runHook } from './create-step.js';
import { pollProcessing } from './processing.js';
import { ProgressTracker } from './progress-tracker.js';
import { resolveUploadOptions } from './resolve-options.js';
import type { EngineOptions, RetryEvent, UploadReporter, UploadResult } from './types.js';
import { verifyTransfer } from './verify.js';

/**
 * Runs one upload and resolves with its verified result. `options.signal` stops it (the caller
 * turns what that causes into an AbortError).
 */
export async function runUpload(
  source: UploadSource,
  raw: EngineOptions,
  reporter: UploadReporter,
): Promise<UploadResult> {
  const startedMs = Date.now();
  let tracker: ProgressTracker | undefined;
  // Retries of API calls and of the verify HEAD; the transfer counts its own.
  let apiRetries = 0;
  const onApiRetry = (event: RetryEvent): void => {
    apiRetries++;
    reporter.emit('retry', event);
  };
  try {
    const options = resolveUploadOptions(raw);
    const { signal } = options;
    if (signal?.aborted) throw new AbortError();
    const progress = new ProgressTracker({
      bytesTotal: source.sizeBytes,
      intervalMs: options.progressIntervalMs,
      emit: (p) => reporter.emit('progress', p),
    });
    tracker = progress;
    progress.setPhase('creating');
    const client = new VimeoClient({
      token: options.token,
      ...(options.apiUrl !== undefined ? { apiUrl: options.apiUrl } : {}),
      retry: options.retry,
      onRetry: onApiRetry,
      onRateLimit: (reading) => reporter.emit('rateLimit', reading),
      // An adopted video (its create answer was lost) must hold no byte yet: asked with a HEAD.
      probeUpload: (uploadLink, probeSignal) =>
        probeOffsetWithRetries(uploadLink, {
          signal: probeSignal,
          retry: options.retry,
          stallTimeoutMs: options.stallTimeoutMs,
        }),
    });
    if (options.resume) {
      reporter.target({ link: '', ...options.resume });
      // A link kept from an earlier answer (a ledger, the caller) obeys the same rules as a new one.
      assertUploadLinkAllowed(client.apiUrl, options.resume.uploadLink, 'The upload to continue');
    }
    const target = await obtainUploadTarget(client, source, options, signal, (created) =>
      reporter.target(created),
    );
    reporter.target(target);
    // Whatever the API host says next about this video may quote its link: never shown.
    client.protectUploadLink(target.uploadLink);
    reporter.emit('created', {
      videoUri: target.videoUri,
      link: target.link,
      bytesTotal: source.sizeBytes,
      created: target.created,
      ...(target.adopted ? { adopted: true } : {}),
    });

    // A continued upload enters 'uploading' with the server's offset (its HEAD, the transfer's first
    // report), not with 0: a display of a half-sent file never starts from the beginning.
    if (target.created) progress.setPhase('uploading');
    const onAcked = options.hooks?.onAcked;
    const transfer = await runTransfer({
      uploadUrl: target.uploadLink,
      source,
      chunkSizeBytes: options.chunkSizeBytes,
      stallTimeoutMs: options.stallTimeoutMs,
      ...(signal ? { signal } : {}),
      retry: options.retry,
      // A video or version made by this call has no bytes yet (an adopted one was checked empty by
      // probeUpload): no HEAD needed to learn that.
      ...(target.created ? { knownOffset: 0 } : {}),
      onProgress: (p) => {
        progress.update(p);
        if (progress.phase === 'creating') progress.setPhase('uploading');
      },
      onRetry: (e) => {
        progress.setPhase('retrying');
        reporter.emit('retry', e);
      },
      ...(onAcked ? { onAcked: (offset: number) => runHook('onAcked', () => onAcked(offset)) } : {}),
    });
    // The last PATCH's answer: Vimeo's agreement is awaited from here (a call that sent nothing
    // found the upload complete already, so its first read is immediate).
    const finishedAtMs = transfer.bytesSent > 0 ? Date.now() : undefined;
    await source.assertUnchanged();

    progress.setPhase('verifying');
    const stepOptions = {
      signal,
      retry: options.retry,
      stallTimeoutMs: options.stallTimeoutMs,
      onRetry: onApiRetry,
      verifyTimeoutMs: options.verifyTimeoutMs,
      finishedAtMs,
      // Only a new video: a version's listing could still show the previous file as complete.
      shareFirstRead: target.created && options.replace === undefined,
    };
    const verified = await verifyTransfer(client, target, source.sizeBytes, stepOptions, transfer);
    progress.update({ bytesSent: transfer.bytesSent, bytesAcked: verified.uploadOffset });
    let statuses = { uploadStatus: verified.uploadStatus, transcodeStatus: verified.transcodeStatus };
    if (options.processing) {
      progress.setPhase('processing');
      statuses = await pollProcessing(client, target.videoUri, {
        ...options.processing,
        signal,
        initial: statuses,
      });
    }

    const result: UploadResult = {
      videoUri: target.videoUri,
      link: verified.link,
      ...(source.path !== undefined ? { filePath: source.path } : {}),
      bytesTotal: source.sizeBytes,
      bytesSent: transfer.bytesSent,
      uploadOffset: verified.uploadOffset,
      uploadLength: verified.uploadLength,
      ...(verified.headUnavailable ? { headUnavailable: true } : {}),
      ...statuses,
      checks: verified.checks,
      requests: transfer.requests,
      retries: transfer.retries + apiRetries,
      durationMs: Date.now() - startedMs,
      resumed: options.resume !== undefined,
    };
    progress.setPhase('done');
    return result;
  } finally {
    tracker?.stop();
  }
}
