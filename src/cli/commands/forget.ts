/**
 * `vimeo-tus forget <file | video-uri>`: removes the ledger's records of a file or a video. The
 * video on Vimeo stays. An upload running right now is not forgotten (its lock is held).
 */

import { hostname } from 'node:os';
import { ConfigError, LedgerError } from '../../errors.js';
import { DEFAULT_LOCK_STALE_AFTER_MS, isPidAlive, uploadLockName } from '../../ledger/lock-policy.js';
import type { Ledger, UploadRecord } from '../../ledger/types.js';
import {
  type LedgerCommandIo,
  openExistingLedger,
  parseTarget,
  recordsOf,
  stateDirOf,
  targetName,
} from '../command-support.js';
import { stripControl } from '../render/format.js';

/** Options of {@link forgetCommand}. */
export interface ForgetCommandOptions {
  /** A file path, or a video (`/videos/123`, `123`, `https://vimeo.com/123`). */
  readonly target: string;
  readonly stateDir?: string | undefined;
  /** NDJSON: one `{"type":"forgotten",...}` line per removed record. */
  readonly json?: boolean | undefined;
}

/**
 * Removes every record of the target. Returns 0.
 * @throws ConfigError when the ledger knows nothing of the target.
 * @throws LedgerError E_UPLOAD_LOCKED when one of them is being uploaded now.
 */
export async function forgetCommand(options: ForgetCommandOptions, io: LedgerCommandIo): Promise<0> {
  const target = await parseTarget(options.target, io.cwd ?? process.cwd());
  const stateDir = stateDirOf(options.stateDir, io);
  const ledger = await openExistingLedger(stateDir);
  if (!ledger)
    throw new ConfigError(
      `Nothing to forget: no upload of ${stripControl(targetName(target), '?')} is recorded.`,
    );
  try {
    const records = await recordsOf(ledger, target);
    if (records.length === 0) {
      throw new ConfigError(
        `Nothing to forget: no upload of ${stripControl(targetName(target), '?')} is recorded.`,
      );
    }
    for (const record of records) await refuseIfRunning(ledger, record, (io.now ?? Date.now)());
    for (const record of records) {
      await ledger.remove(record.id);
      if (options.json) {
        io.stdout.write(
          `${JSON.stringify({ type: 'forgotten', id: record.id, file: record.filePath, state: record.state, videoUri: record.videoUri })}\n`,
        );
      } else {
        const video = record.videoUri ? ` (${record.videoUri} stays on Vimeo)` : '';
        io.stdout.write(
          `Forgot the ${record.state} upload of ${stripControl(record.filePath, '?')}${video}.\n`,
        );
      }
    }
    return 0;
  } finally {
    await ledger.close();
  }
}

async function refuseIfRunning(ledger: Ledger, record: UploadRecord, nowMs: number): Promise<void> {
  const lock = await ledger.getLock(uploadLockName(record));
  if (!lock) return;
  const stale = nowMs - lock.heartbeatAt >= DEFAULT_LOCK_STALE_AFTER_MS;
  const gone = lock.hostname === hostname() && lock.pid !== process.pid && !isPidAlive(lock.pid);
  if (stale || gone) return;
  throw new LedgerError(
    `${stripControl(record.filePath, '?')} is being uploaded right now by pid ${lock.pid} on host ${lock.hostname}; ` +
      'stop that upload first.',
    { code: 'E_UPLOAD_LOCKED' },
  );
}
