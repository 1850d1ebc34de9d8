/**
 * The part of the upload engine the CLI uses (see docs/architecture.md and the engine's
 * `createUpload`). The CLI depends on this small port so that commands can be driven in tests by a
 * fake upload, and so that the ledger layer can wrap the engine without the CLI changing.
 */
import type { VimeoTusError } from '../errors.js';
import type { UploadEvents, UploadResult, VideoFields } from '../upload/types.js';

/** The options the CLI passes to the engine (a subset of the engine's `UploadOptions`). */
export interface EngineUploadOptions {
  readonly token: string;
  readonly apiUrl: string;
  readonly video?: VideoFields;
  readonly chunkSizeBytes?: number;
  readonly signal?: AbortSignal;
  readonly waitForProcessing?: boolean;
  /** Replace the file of this existing video instead of creating one. */
  readonly replaceVideoUri?: string;
}

/** A running upload, as the engine's `createUpload` returns it. */
export interface UploadHandle {
  readonly filePath: string;
  /** Resolves verified; rejects with a {@link VimeoTusError}. */
  readonly done: Promise<UploadResult>;
  on<E extends keyof UploadEvents>(event: E, listener: (...args: UploadEvents[E]) => void): unknown;
}

/** What the CLI asks of each upload besides the engine options. */
export interface UploadIntent {
  /** `--new`: start a new video even when the ledger knows an unfinished upload of this file. */
  readonly forceNew: boolean;
}

/**
 * Starts one upload. The plain engine ignores `intent`; the ledger-backed starter (issue 4) uses it
 * to resume instead of creating a second video.
 */
export type StartUpload = (
  filePath: string,
  options: EngineUploadOptions,
  intent: UploadIntent,
) => UploadHandle;

/** Re-exported for command code that handles engine errors. */
export type { VimeoTusError };
