/**
 * Options of the ledger-backed upload, and the context one upload session works in.
 */
import type { Ledger, UploadKey } from '../ledger/types.js';
import type { SourceIdentity, UploadSource } from '../sources/source.js';
import type { UploadReporter, UploadSettings } from '../upload/types.js';
import type { VimeoClient } from '../vimeo/client.js';
import type { FileIdentity } from './file-identity.js';

/** What the ledger-backed upload is asked besides the settings of every upload. */
export interface LedgerUploadOptions extends UploadSettings {
  /** Replace this video's file (a new version) rather than create a video. */
  readonly replace?: string;
  /**
   * Start a new video even when the ledger knows an unfinished (or finished) upload of this file
   * (`--new`). The earlier record is marked `failed` (superseded); its video stays on Vimeo.
   */
  readonly newUpload?: boolean;
}

/** Everything a session needs, prepared by `runLedgerUpload`. */
export interface SessionContext {
  readonly options: LedgerUploadOptions;
  readonly ledger: Ledger;
  readonly client: VimeoClient;
  /** What is uploaded: a source that a later run can read again (it has an identity). */
  readonly source: UploadSource & { readonly identity: SourceIdentity };
  readonly identity: FileIdentity;
  /** The key by the canonical path (`realpath`): one file, however it is named. */
  readonly key: UploadKey;
  /** The upload's signal combined with the lock's "lost" signal. */
  readonly signal: AbortSignal;
  /** True once the lock was lost: then the record belongs to someone else and is not written. */
  readonly lockLost: () => boolean;
  readonly reporter: UploadReporter;
  readonly startedMs: number;
}
