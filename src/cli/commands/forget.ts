/**
 * `vimeo-tus forget <file | video-uri> [--force]`: removes the ledger's records of a file or a
 * video. The video on Vimeo stays. Each record is removed while holding its upload lock (the one
 * `upload` and `resume` take), so an upload running now is never forgotten under its feet. A
 * record still `creating` is refused without `--force`: its create call may have made a video
 * that only the ledger can still find and adopt.
 */

import { ConfigError, LedgerError } from '../../errors.js';
import { acquireLock, type HeldLock } from '../../ledger/lock-holder.js';
import { uploadLockName } from '../../ledger/lock-policy.js';
import type { Ledger, LockInfo, UploadRecord } from '../../ledger/types.js';
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
  /** `--force`: also forget records in state `creating` (a video may exist that nothing will find). */
  readonly force?: boolean | undefined;
}

/**
 * Removes every record of the target, each under its upload lock. Returns 0.
 * @throws ConfigError when the ledger knows nothing of the target, or (without `force`) when a
 *   record is still `creating`.
 * @throws LedgerError E_UPLOAD_LOCKED when one of them is being uploaded now (nothing is removed).
 */
export async function forgetCommand(options: ForgetCommandOptions, io: LedgerCommandIo): Promise<0> {
  const target = await parseTarget(options.target, io.cwd ?? process.cwd());
  const stateDir = stateDirOf(options.stateDir, io);
  const nothing = (): ConfigError =>
    new ConfigError(`Nothing to forget: no upload of ${stripControl(targetName(target), '?')} is recorded.`);
  const ledger = await openExistingLedger(stateDir);
  if (!ledger) throw nothing();
  const held: HeldLock[] = [];
  try {
    const records = await recordsOf(ledger, target);
    if (records.length === 0) throw nothing();
    if (!options.force) for (const record of records) refuseIfCreating(record, options.target);
    // Every lock first, then remove: all of them or none.
    for (const name of new Set(records.map((record) => uploadLockName(record)))) {
      held.push(await lockOrThrow(ledger, name, records));
    }
    for (const record of records) {
      await ledger.remove(record.id);
      if (options.json) {
        io.stdout.write(
          `${JSON.stringify({ type: 'forgotten', id: record.id, file: record.filePath, state: record.state, videoUri: record.videoUri })}\n`,
        );
      } else {
        io.stdout.write(`${forgottenSentence(record)}\n`);
      }
    }
    return 0;
  } finally {
    for (const lock of held) await lock.release().catch(() => undefined);
    await ledger.close();
  }
}

/**
 * What was forgotten, in words a person reads: what the record was, and what stays on Vimeo only
 * when the ledger knows a video holds this upload (an upload link was answered, or it was verified).
 * A failed replace whose version call never answered made nothing, and says so.
 */
export function forgottenSentence(record: UploadRecord): string {
  const file = stripControl(record.filePath, '?');
  const video = record.videoUri === null ? null : stripControl(record.videoUri);
  const made = record.uploadLink !== null || record.state === 'verified' || record.state === 'processed';
  if (record.state === 'verified' || record.state === 'processed') {
    return `Removed the ledger's record of ${file}, uploaded and verified as ${video ?? 'a video'}: the video stays on Vimeo.`;
  }
  if (video !== null && made) {
    return (
      `Removed the ledger's record of the unfinished upload of ${file} to ${video}: the video stays on ` +
      'Vimeo, and a new upload of this file will not continue it.'
    );
  }
  if (video !== null) {
    return `Removed the ledger's record of ${file}: its upload to ${video} never started (nothing was sent for it).`;
  }
  return `Removed the ledger's record of ${file}: no video was made for it.`;
}

async function lockOrThrow(
  ledger: Ledger,
  name: string,
  records: readonly UploadRecord[],
): Promise<HeldLock> {
  const result = await acquireLock(ledger, name);
  if (result.acquired) return result.lock;
  const record = records.find((r) => uploadLockName(r) === name);
  throw lockedError(record?.filePath ?? name, result.holder);
}

function lockedError(filePath: string, holder: LockInfo | undefined): LedgerError {
  const who = holder ? `by pid ${holder.pid} on host ${holder.hostname}` : 'by another process';
  return new LedgerError(
    `${stripControl(filePath, '?')} is being uploaded right now ${who}; nothing was forgotten. ` +
      'Stop that upload first (or let it finish), then run forget again.',
    { code: 'E_UPLOAD_LOCKED' },
  );
}

/**
 * A `creating` record whose create call was (or was about to be) sent, its answer never recorded. Vimeo may hold a video for it that only the ledger can still find (by name and time).
 */
function refuseIfCreating(record: UploadRecord, targetText: string): void {
  if (record.state !== 'creating') return;
  // Never sent (null before the call goes out): no video can exist for it.
  if (record.createRequestedAt === null && record.videoUri === null) return;
  const file = stripControl(record.filePath, '?');
  const when =
    record.createRequestedAt === null ? '' : ` at ${new Date(record.createRequestedAt).toISOString()}`;
  const video = record.videoUri
    ? `Vimeo may hold video ${record.videoUri} for it.`
    : `A video may exist on Vimeo for it${record.videoName ? ` (named "${stripControl(record.videoName, '?')}")` : ''}, ` +
      'but its URI was never recorded.';
  throw new ConfigError(
    `The upload of ${file} is still "creating": its create call was sent${when} and its answer was not recorded. ` +
      `${video} Run \`vimeo-tus resume\` to find and adopt that video (no second one is made), ` +
      `or check your videos on Vimeo; to forget the record anyway, run \`vimeo-tus forget ${stripControl(targetText, '?')} --force\`.`,
  );
}
