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
import { openSource, type UploadInput } from '../sources/open-source.js';
import { SMALL_CHUNK_SIZE_BYTES } from '../tus/constants.js';
import { resolveUploadOptions } from '../upload/resolve-options.js';
import { runUpload } from '../upload/run-upload.js';
import type { UploadProgress, UploadResult } from '../upload/types.js';
import type { Upload, UploadOptions } from './types.js';
import { type RunContext, UploadHandle } from './upload-handle.js';

/**
 * Starts uploading `input` (a file path, a Buffer/Uint8Array, or `{ stream, sizeBytes }`) as a new
 * Vimeo video (or, with `replace`, a new version of one; with `resume`, the rest of an earlier
 * upload) and returns its handle at once. Listen to `created`, `progress`, `retry`, `notice`,
 * `verified` and `error`; await `done` for the result.
 * @example
 * const upload = createUpload('talk.mp4', { token, video: { name: 'Talk' } });
 * upload.on('progress', (p) => console.log(p.phase, p.bytesAcked, '/', p.bytesTotal));
 * const result = await upload.done;
 * @example
 * // Recorded in the ledger: running it again after a crash continues the same video.
 * const result = await createUpload('talk.mp4', { token, ledger: true }).done;
 * @example
 * // A stream of a known size (kept in memory one PATCH at a time, so retries within the run work).
 * await createUpload({ stream: response.body, sizeBytes, name: 'talk.mp4' }, { token, chunkSizeBytes: 32 * 2 ** 20 }).done;
 */
export function createUpload(input: UploadInput, options: UploadOptions): Upload {
  const signal = isObject(options) ? options.signal : undefined;
  return new UploadHandle((context) => run(input, options, context), signal);
}

/**
 * {@link createUpload} as a promise of the verified result, with an optional progress callback.
 * @example
 * const { videoUri, link } = await uploadVideo('talk.mp4', { token, onProgress: console.log });
 */
export function uploadVideo(
  input: UploadInput,
  options: UploadOptions & { readonly onProgress?: (progress: UploadProgress) => void },
): Promise<UploadResult> {
  const upload = createUpload(input, options);
  if (isObject(options) && options.onProgress) upload.on('progress', options.onProgress);
  return upload.done;
}

/**
 * Replaces the file of an existing video (`POST /videos/{id}/versions`, `edit` scope): the same
 * as `uploadVideo(input, { ...options, replace: videoUri })`. The URI and page stay the same.
 * @example
 * await replaceVideo('/videos/123', 'talk-v2.mp4', { token });
 */
export function replaceVideo(
  videoUri: string,
  input: UploadInput,
  options: UploadOptions & { readonly onProgress?: (progress: UploadProgress) => void },
): Promise<UploadResult> {
  return uploadVideo(input, { ...options, replace: videoUri });
}

async function run(input: UploadInput, options: UploadOptions, context: RunContext): Promise<UploadResult> {
  if (!isObject(options)) {
    throw new ConfigError('createUpload needs options with at least a token: createUpload(path, { token })');
  }
  checkOptionNames(options);
  const { ledger = false, stateDir, newUpload, resume, ...settings } = options;
  const signal = context.signal;
  if (ledger !== false && resume !== undefined) {
    throw new ConfigError(
      'With a ledger, the upload to continue is found in it: give `ledger` or `resume`, not both',
    );
  }
  if (ledger !== false && ledger !== true && !isObject(ledger)) {
    throw new ConfigError('ledger must be true, false or a Ledger');
  }
  // Options are checked before the source is touched; the source before anything is created.
  const resolved = resolveUploadOptions({ ...settings, ...(resume ? { resume } : {}), signal });
  // A stream keeps one PATCH in memory: at the default policy, the small size (128 MiB).
  const source = await openSource(input, {
    chunkSizeBytes: resolved.chunkSizeBytes ?? SMALL_CHUNK_SIZE_BYTES,
  });
  const target = resolved.replace !== undefined ? { replace: resolved.replace } : {};
  try {
    if (ledger === false) {
      const engine = {
        ...settings,
        ...target,
        ...(resolved.resume ? { resume: resolved.resume } : {}),
        signal,
      };
      return await runUpload(source, engine, context);
    }
    const flow = { ...settings, ...target, signal, ...(newUpload !== undefined ? { newUpload } : {}) };
    if (ledger !== true) return await runLedgerUpload(source, flow, ledger, context);
    const opened = await openStateLedger(stateDir);
    try {
      return await runLedgerUpload(source, flow, opened, context);
    } finally {
      await opened.close();
    }
  } finally {
    await source.close?.();
  }
}

/** The SQLite ledger of the state folder (imported on demand: SQLite is start-up cost). */
async function openStateLedger(stateDir: string | undefined): Promise<Ledger> {
  const { ledgerPath, openLedger } = await import('../ledger/open-ledger.js');
  const dir = stateDir === undefined ? resolveStateDir() : resolveStateDir({ flag: stateDir });
  return openLedger({ path: ledgerPath(dir) });
}

/**
 * Every option of createUpload and uploadVideo. A Record, so that the compiler insists on each
 * option of the type; anything else is a typo that plain JavaScript would let pass unseen.
 */
const OPTION_NAMES: Readonly<Record<keyof UploadOptions | 'onProgress', true>> = {
  token: true,
  apiUrl: true,
  video: true,
  chunkSizeBytes: true,
  signal: true,
  retry: true,
  stallTimeoutMs: true,
  verifyTimeoutMs: true,
  waitForProcessing: true,
  progressIntervalMs: true,
  ledger: true,
  stateDir: true,
  newUpload: true,
  replace: true,
  resume: true,
  onProgress: true,
};

/** @throws ConfigError naming an unknown option, and the known one it most likely meant. */
function checkOptionNames(options: object): void {
  const known = Object.keys(OPTION_NAMES);
  for (const name of Object.keys(options)) {
    if (Object.hasOwn(OPTION_NAMES, name)) continue;
    const lower = name.toLowerCase();
    const meant = known.find((k) => k.toLowerCase() === lower || k.toLowerCase().startsWith(lower));
    throw new ConfigError(
      `Unknown option ${JSON.stringify(name)}${meant ? ` (did you mean ${meant}?)` : ''}; the options are ${known.join(', ')}`,
    );
  }
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}
