/**
 * The ledger-backed upload: the engine's upload, recorded from before its video is created until
 * it is verified, so that running it again after any interruption continues the same video.
 *
 * Flow: check the file → fingerprint → `GET /me` (the account) → take the file's upload lock
 * (held with a heartbeat for the whole upload) → ask the ledger → start, continue, recover or
 * only re-check (src/resume/session.ts).
 */
import { EventEmitter } from 'node:events';
import { AbortError, LedgerError, VimeoTusError } from '../errors.js';
import { acquireLock } from '../ledger/lock-holder.js';
import { uploadLockName } from '../ledger/lock-policy.js';
import type { LockInfo } from '../ledger/types.js';
import { inspectFile } from '../sources/file-source.js';
import { resolveUploadOptions } from '../upload/resolve-options.js';
import type { Upload, UploadEvents, UploadProgress, UploadResult } from '../upload/types.js';
import { VimeoClient } from '../vimeo/client.js';
import { AccountCache } from './account-cache.js';
import { identify } from './file-identity.js';
import { LedgerSession } from './session.js';
import type { LedgerUploadOptions } from './types.js';

class LedgerUploadHandle extends EventEmitter<UploadEvents> implements Upload {
  readonly filePath: string;
  readonly done: Promise<UploadResult>;

  constructor(filePath: string, options: LedgerUploadOptions) {
    super();
    this.filePath = filePath;
    // Start on the next microtask, so listeners attached right after the call see every event.
    this.done = Promise.resolve().then(() => runLedgerUpload(filePath, options, this));
  }
}

/**
 * Starts a ledger-backed upload and returns its handle at once (the same shape as
 * `createUpload`'s, plus `notice` events that say what the ledger decided: resumed, adopted, new
 * version, ...). An unchanged file the ledger knows is continued on the same video; a file
 * already verified is only re-checked; a changed file is refused with `LedgerError`
 * `E_FILE_MODIFIED_SINCE_LEDGER` unless `newUpload`; a file another process is uploading is
 * refused with `LedgerError` `E_UPLOAD_LOCKED`.
 * @example
 * const ledger = await openLedger({ path: ledgerPath(stateDir) });
 * const upload = startLedgerUpload('talk.mp4', { token, ledger });
 * upload.on('notice', (n) => console.error(n.message));
 * const result = await upload.done;
 */
export function startLedgerUpload(filePath: string, options: LedgerUploadOptions): Upload {
  return new LedgerUploadHandle(filePath, options);
}

/**
 * {@link startLedgerUpload} as a promise of the verified result.
 * @example const { videoUri } = await uploadWithLedger('talk.mp4', { token, ledger });
 */
export function uploadWithLedger(
  filePath: string,
  options: LedgerUploadOptions & { readonly onProgress?: (progress: UploadProgress) => void },
): Promise<UploadResult> {
  const upload = startLedgerUpload(filePath, options);
  if (options.onProgress) upload.on('progress', options.onProgress);
  return upload.done;
}

async function runLedgerUpload(
  filePath: string,
  options: LedgerUploadOptions,
  events: LedgerUploadHandle,
): Promise<UploadResult> {
  const startedMs = Date.now();
  try {
    if (options.resume !== undefined) {
      throw new LedgerError('startLedgerUpload finds the upload to resume itself: do not pass `resume`');
    }
    const resolved = resolveUploadOptions(options);
    const callerSignal = options.signal;
    if (callerSignal?.aborted) throw new AbortError();
    const file = await inspectFile(filePath);
    const identity = await identify(file, callerSignal);
    const client = new VimeoClient({
      token: resolved.token,
      ...(options.apiUrl !== undefined ? { apiUrl: options.apiUrl } : {}),
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
      ...(callerSignal ? { signal: callerSignal } : {}),
      onRetry: (e) => events.emit('retry', e),
    });
    const accounts = options.accounts ?? new AccountCache();
    const accountUri = await accounts.accountUri(client, resolved.token, callerSignal);
    // Keyed by the canonical path: `./a.mp4`, a symlink to it and its absolute path are one upload.
    const key = { filePath: file.realPath, apiUrl: client.apiUrl, accountUri };
    const held = await acquireLock(options.ledger, uploadLockName(key), {
      ...(options.lockOwner ? { owner: options.lockOwner } : {}),
      ...(options.lockStaleAfterMs !== undefined ? { staleAfterMs: options.lockStaleAfterMs } : {}),
    });
    if (!held.acquired) throw lockedError(file.path, held.holder);
    const { lock } = held;
    const signal = callerSignal ? AbortSignal.any([callerSignal, lock.lostSignal]) : lock.lostSignal;
    try {
      const session = new LedgerSession({
        options,
        ledger: options.ledger,
        client,
        file,
        identity,
        key,
        ...(file.path !== file.realPath ? { legacyKey: { ...key, filePath: file.path } } : {}),
        signal,
        lockLost: () => lock.lostSignal.aborted,
        events,
        startedMs,
      });
      return await session.run();
    } catch (error) {
      if (lock.lostSignal.aborted && !callerSignal?.aborted) throw lock.lostSignal.reason;
      throw error;
    } finally {
      await lock.release().catch(() => undefined);
    }
  } catch (error) {
    const typed =
      options.signal?.aborted && !(error instanceof AbortError)
        ? new AbortError('The upload was aborted; what the server acknowledged stays resumable', {
            cause: error,
          })
        : error;
    if (typed instanceof VimeoTusError && events.listenerCount('error') > 0) events.emit('error', typed);
    throw typed;
  }
}

function lockedError(filePath: string, holder: LockInfo | undefined): LedgerError {
  const who = holder ? `by pid ${holder.pid} on host ${holder.hostname}` : 'by another process';
  return new LedgerError(
    `${filePath} is already being uploaded ${who}; let it finish (or stop it) and run again.`,
    { code: 'E_UPLOAD_LOCKED' },
  );
}
