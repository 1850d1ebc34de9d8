/**
 * The one upload entry point: {@link createUpload} (a handle with events and `done`), and the
 * promise forms {@link uploadVideo} and {@link replaceVideo}. With `ledger`, the ledger layer
 * (src/resume) runs the upload; without, the engine (src/upload) alone. Either way the same
 * handle (src/entry/upload-handle.ts) owns the listeners and settles `done`.
 */
import { resolveStateDir } from '../config/state-dir.js';
import { ConfigError } from '../errors.js';
import type { Ledger } from '../ledger/types.js';
import { runLedgerUpload } from '../resume/ledger-upload.js';
import { runUpload } from '../upload/run-upload.js';
import type { UploadProgress, UploadResult } from '../upload/types.js';
import type { Upload, UploadOptions } from './types.js';
import { type RunContext, UploadHandle } from './upload-handle.js';

/**
 * Starts uploading `filePath` as a new Vimeo video (or, with `replace`, a new version of one; with
 * `resume`, the rest of an earlier upload) and returns its handle at once. Listen to `created`,
 * `progress`, `retry`, `notice`, `verified` and `error`; await `done` for the result.
 * @example
 * const upload = createUpload('talk.mp4', { token, video: { name: 'Talk' } });
 * upload.on('progress', (p) => console.log(p.phase, p.bytesAcked, '/', p.bytesTotal));
 * const result = await upload.done;
 * @example
 * // Recorded in the ledger: running it again after a crash continues the same video.
 * const result = await createUpload('talk.mp4', { token, ledger: true }).done;
 */
export function createUpload(filePath: string, options: UploadOptions): Upload {
  const signal = isObject(options) ? options.signal : undefined;
  return new UploadHandle((context) => run(filePath, options, context), signal);
}

/**
 * {@link createUpload} as a promise of the verified result, with an optional progress callback.
 * @example
 * const { videoUri, link } = await uploadVideo('talk.mp4', { token, onProgress: console.log });
 */
export function uploadVideo(
  filePath: string,
  options: UploadOptions & { readonly onProgress?: (progress: UploadProgress) => void },
): Promise<UploadResult> {
  const upload = createUpload(filePath, options);
  if (isObject(options) && options.onProgress) upload.on('progress', options.onProgress);
  return upload.done;
}

/**
 * Replaces the file of an existing video (`POST /videos/{id}/versions`, `edit` scope): the same
 * as `uploadVideo(filePath, { ...options, replace: videoUri })`. The URI and page stay the same.
 * @example
 * await replaceVideo('/videos/123', 'talk-v2.mp4', { token });
 */
export function replaceVideo(
  videoUri: string,
  filePath: string,
  options: UploadOptions & { readonly onProgress?: (progress: UploadProgress) => void },
): Promise<UploadResult> {
  return uploadVideo(filePath, { ...options, replace: videoUri });
}

async function run(filePath: string, options: UploadOptions, context: RunContext): Promise<UploadResult> {
  if (!isObject(options)) {
    throw new ConfigError('createUpload needs options with at least a token: createUpload(path, { token })');
  }
  if (typeof filePath !== 'string' || filePath === '') {
    throw new ConfigError('createUpload needs the path of the file to upload');
  }
  const { ledger = false, stateDir, newUpload, resume, ...settings } = options;
  const signal = context.signal;
  if (ledger === false)
    return runUpload(filePath, { ...settings, ...(resume ? { resume } : {}), signal }, context);
  if (resume !== undefined) {
    throw new ConfigError(
      'With a ledger, the upload to continue is found in it: give `ledger` or `resume`, not both',
    );
  }
  const flow = { ...settings, signal, ...(newUpload !== undefined ? { newUpload } : {}) };
  if (ledger !== true) {
    if (!isObject(ledger)) throw new ConfigError('ledger must be true, false or a Ledger');
    return runLedgerUpload(filePath, flow, ledger, context);
  }
  const opened = await openStateLedger(stateDir);
  try {
    return await runLedgerUpload(filePath, flow, opened, context);
  } finally {
    await opened.close();
  }
}

/** The SQLite ledger of the state folder (imported on demand: SQLite is start-up cost). */
async function openStateLedger(stateDir: string | undefined): Promise<Ledger> {
  const { ledgerPath, openLedger } = await import('../ledger/open-ledger.js');
  const dir = stateDir === undefined ? resolveStateDir() : resolveStateDir({ flag: stateDir });
  return openLedger({ path: ledgerPath(dir) });
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}
