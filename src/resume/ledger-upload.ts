/**
 * The ledger-backed upload: the engine's upload, recorded from before its video is created until
 * it is verified, so that running it again after any interruption continues the same video.
 *
 * Flow: check the file → fingerprint → `GET /me` (the account) → take the file's upload lock
 * (held with a heartbeat for the whole upload) → ask the ledger → start, continue, recover or
 * only re-check (src/resume/session.ts). The handle of `createUpload` runs it with `ledger` set.
 */
import { AbortError, ConfigError, LedgerError } from '../errors.js';
import { acquireLock } from '../ledger/lock-holder.js';
import { uploadLockName } from '../ledger/lock-policy.js';
import type { Ledger, LockInfo } from '../ledger/types.js';
import type { SourceIdentity, UploadSource } from '../sources/source.js';
import { resolveUploadOptions } from '../upload/resolve-options.js';
import type { UploadReporter, UploadResult } from '../upload/types.js';
import { VimeoClient } from '../vimeo/client.js';
import { accountUriOf } from './account-cache.js';
import { identify } from './file-identity.js';
import { LedgerSession } from './session.js';
import type { LedgerUploadOptions } from './types.js';

/**
 * Runs one ledger-backed upload. An unchanged file the ledger knows is continued on the same
 * video; a file already verified is only re-checked; a changed file is refused with `LedgerError`
 * `E_FILE_MODIFIED_SINCE_LEDGER` unless `newUpload`; a file another process is uploading is
 * refused with `LedgerError` `E_UPLOAD_LOCKED`. `options.signal` stops it.
 */
export async function runLedgerUpload(
  source: UploadSource,
  options: LedgerUploadOptions,
  ledger: Ledger,
  reporter: UploadReporter,
): Promise<UploadResult> {
  const startedMs = Date.now();
  const resolved = resolveUploadOptions(options);
  const callerSignal = options.signal;
  if (callerSignal?.aborted) throw new AbortError();
  if (!isRereadable(source)) {
    throw new ConfigError(
      `The ledger records only what a later run can read again (a file); ${source.description} cannot be: ` +
        'upload it without a ledger',
    );
  }
  const identity = await identify(source, callerSignal);
  const client = new VimeoClient({
    token: resolved.token,
    ...(options.apiUrl !== undefined ? { apiUrl: options.apiUrl } : {}),
    ...(options.retry !== undefined ? { retry: options.retry } : {}),
    ...(callerSignal ? { signal: callerSignal } : {}),
    onRetry: (e) => reporter.emit('retry', e),
    onRateLimit: (reading) => reporter.emit('rateLimit', reading),
  });
  const accountUri = await accountUriOf(client, callerSignal);
  // Keyed by the canonical path: `./a.mp4`, a symlink to it and its absolute path are one upload.
  const key = { filePath: source.identity.key, apiUrl: client.apiUrl, accountUri };
  const held = await acquireLock(ledger, uploadLockName(key));
  if (!held.acquired) throw lockedError(source.description, held.holder);
  const { lock } = held;
  const signal = callerSignal ? AbortSignal.any([callerSignal, lock.lostSignal]) : lock.lostSignal;
  try {
    const session = new LedgerSession({
      options,
      ledger,
      client,
      source,
      identity,
      key,
      signal,
      lockLost: () => lock.lostSignal.aborted,
      reporter,
      startedMs,
    });
    return await session.run();
  } catch (error) {
    if (lock.lostSignal.aborted && !callerSignal?.aborted) throw lock.lostSignal.reason;
    throw error;
  } finally {
    await lock.release().catch(() => undefined);
  }
}

function isRereadable(source: UploadSource): source is UploadSource & { readonly identity: SourceIdentity } {
  return source.identity !== undefined;
}

function lockedError(filePath: string, holder: LockInfo | undefined): LedgerError {
  const who = holder ? `by pid ${holder.pid} on host ${holder.hostname}` : 'by another process';
  return new LedgerError(
    `${filePath} is already being uploaded ${who}; let it finish (or stop it) and run again.`,
    { code: 'E_UPLOAD_LOCKED' },
  );
}
