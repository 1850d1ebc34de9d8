/**
 * One upload from start to end: check the file, create the video (or version, or take the resume
 * target), stream the bytes over tus, verify that the server holds all of them, optionally wait
 * for Vimeo's processing. Exposed as an event-emitting handle and as plain promises.
 */
import { EventEmitter } from 'node:events';
import { AbortError, VimeoTusError } from '../errors.js';
import { assertUnchanged, inspectFile } from '../sources/file-source.js';
import { probeOffsetWithRetries } from '../tus/probe-offset.js';
import { runTransfer } from '../tus/transfer.js';
import { VimeoClient } from '../vimeo/client.js';
import { withVideoUri } from '../vimeo/error-video-uri.js';
import { obtainUploadTarget, runHook } from './create-step.js';
import { ListenerGuard } from './listener-guard.js';
import { pollProcessing } from './processing.js';
import { ProgressTracker } from './progress-tracker.js';
import { resolveUploadOptions } from './resolve-options.js';
import type { Upload, UploadEvents, UploadOptions, UploadProgress, UploadResult } from './types.js';
import { verifyTransfer } from './verify.js';

/** The handle returned by {@link createUpload}: a typed EventEmitter with a `done` promise. */
class UploadHandle extends EventEmitter<UploadEvents> implements Upload {
  readonly filePath: string;
  readonly done: Promise<UploadResult>;

  constructor(filePath: string, options: UploadOptions) {
    super();
    this.filePath = filePath;
    // Start on the next microtask, so listeners attached right after createUpload() see every event.
    this.done = Promise.resolve().then(() => runUpload(filePath, options, this));
    // Event-style users listen to 'error' and never touch `done`: its rejection must not count as
    // unhandled (Node would exit). Whoever awaits `done` still gets the rejection.
    this.done.catch(() => undefined);
  }
}

/**
 * Starts an upload and returns its handle at once. Listen to `created`, `progress`, `retry`,
 * `verified` and `error`; await `done` for the {@link UploadResult}.
 * @example
 * const upload = createUpload('talk.mp4', { token, video: { name: 'Talk' } });
 * upload.on('progress', (p) => console.log(p.phase, p.bytesAcked, '/', p.bytesTotal));
 * const result = await upload.done;
 */
export function createUpload(filePath: string, options: UploadOptions): Upload {
  return new UploadHandle(filePath, options);
}

/**
 * Uploads a file as a new Vimeo video (or continues `options.resume`) and resolves once the upload
 * host holds every byte and Vimeo's statuses were read.
 * @example
 * const { videoUri, link } = await uploadVideo('talk.mp4', { token, onProgress: console.log });
 */
export function uploadVideo(
  filePath: string,
  options: UploadOptions & { readonly onProgress?: (progress: UploadProgress) => void },
): Promise<UploadResult> {
  const upload = createUpload(filePath, options);
  if (options.onProgress) upload.on('progress', options.onProgress);
  return upload.done;
}

/**
 * Replaces the file of an existing video (`POST /videos/{id}/versions`, `edit` scope), then the
 * same transfer and verification. The video URI and link stay the same.
 */
export function replaceVideo(
  videoUri: string,
  filePath: string,
  options: UploadOptions,
): Promise<UploadResult> {
  return uploadVideo(filePath, { ...options, replaceVideoUri: videoUri });
}

async function runUpload(filePath: string, raw: UploadOptions, events: UploadHandle): Promise<UploadResult> {
  const startedMs = Date.now();
  let tracker: ProgressTracker | undefined;
  // Retries of API calls and of the verify HEAD; the transfer counts its own.
  let apiRetries = 0;
  // Known once the video exists: every later error names it (`error.videoUri`).
  let videoUri: string | undefined;
  // A listener that throws (a caller's bug) stops the upload through this controller.
  const listeners = new ListenerGuard();
  const emit = <E extends keyof UploadEvents>(event: E, payload: UploadEvents[E][0]): void => {
    try {
      (events.emit as (name: string, value: unknown) => boolean).call(events, event, payload);
    } catch (error) {
      listeners.failed(event, error);
    }
  };
  try {
    const options = resolveUploadOptions(raw);
    const signal = options.signal ? AbortSignal.any([options.signal, listeners.signal]) : listeners.signal;
    if (signal.aborted) throw new AbortError();
    // The file is checked before anything is created: no placeholder video for a bad path.
    const file = await inspectFile(filePath);
    const progress = new ProgressTracker({
      bytesTotal: file.sizeBytes,
      intervalMs: options.progressIntervalMs,
      emit: (p) => events.emit('progress', p),
      onEmitError: (error) => listeners.failed('progress', error),
    });
    tracker = progress;
    progress.setPhase('creating');
    const client = new VimeoClient({
      token: options.token,
      ...(options.apiUrl !== undefined ? { apiUrl: options.apiUrl } : {}),
      retry: options.retry,
      onRetry: (e) => {
        apiRetries++;
        emit('retry', e);
      },
      // An adopted video (its create answer was lost) must hold no byte yet: asked with a HEAD.
      probeUpload: (uploadLink, probeSignal) =>
        probeOffsetWithRetries(uploadLink, {
          signal: probeSignal,
          retry: options.retry,
          stallTimeoutMs: options.stallTimeoutMs,
        }),
    });
    videoUri = options.resume?.videoUri;
    const target = await obtainUploadTarget(client, file, options, signal, (uri) => {
      videoUri = uri;
    });
    emit('created', {
      videoUri: target.videoUri,
      link: target.link,
      bytesTotal: file.sizeBytes,
      created: target.created,
      ...(target.adopted ? { adopted: true } : {}),
    });

    progress.setPhase('uploading');
    const onAcked = options.hooks?.onAcked;
    const transfer = await runTransfer({
      uploadUrl: target.uploadLink,
      file,
      chunkSizeBytes: options.chunkSizeBytes,
      stallTimeoutMs: options.stallTimeoutMs,
      ...(signal ? { signal } : {}),
      retry: options.retry,
      // A video or version made by this call has no bytes yet (an adopted one was checked empty by
      // probeUpload): no HEAD needed to learn that.
      ...(target.created ? { knownOffset: 0 } : {}),
      onProgress: (p) => progress.update(p),
      onRetry: (e) => {
        progress.setPhase('retrying');
        emit('retry', e);
      },
      ...(onAcked ? { onAcked: (offset: number) => runHook('onAcked', () => onAcked(offset)) } : {}),
    });
    await assertUnchanged(file);

    progress.setPhase('verifying');
    const stepOptions = {
      signal,
      retry: options.retry,
      stallTimeoutMs: options.stallTimeoutMs,
      onRetry: (e: UploadEvents['retry'][0]) => {
        apiRetries++;
        emit('retry', e);
      },
    };
    const verified = await verifyTransfer(client, target, file.sizeBytes, stepOptions, transfer);
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
      filePath: file.path,
      bytesTotal: file.sizeBytes,
      bytesSent: transfer.bytesSent,
      uploadOffset: verified.uploadOffset,
      uploadLength: verified.uploadLength,
      ...(verified.headUnavailable ? { headUnavailable: true } : {}),
      ...statuses,
      requests: transfer.requests,
      retries: transfer.retries + apiRetries,
      durationMs: Date.now() - startedMs,
      resumed: options.resume !== undefined,
    };
    progress.setPhase('done');
    emit('verified', result);
    listeners.check();
    return result;
  } catch (error) {
    const typed = listeners.error ?? asUploadError(error, raw.signal);
    if (videoUri !== undefined) withVideoUri(typed, videoUri);
    if (typed instanceof VimeoTusError && events.listenerCount('error') > 0) {
      try {
        events.emit('error', typed);
      } catch {
        // An 'error' listener that throws cannot be told anything more; `done` still rejects.
      }
    }
    throw typed;
  } finally {
    tracker?.stop();
  }
}

/**
 * Abort wins over whatever the abort caused. Errors of ours pass through; anything else (a bug)
 * is rethrown unchanged so its stack is not lost.
 */
function asUploadError(error: unknown, signal: AbortSignal | undefined): unknown {
  if (error instanceof AbortError) return error;
  if (signal?.aborted) {
    return new AbortError('The upload was aborted; what the server acknowledged stays resumable', {
      cause: error,
    });
  }
  return error;
}
