/**
 * When a lock may be taken over. Shared by every ledger backend so that they decide alike.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { LedgerError } from '../errors.js';
import type { LockInfo, LockOwner, UploadKey } from './types.js';

/**
 * A lock whose heartbeat is this old is taken over even if its owner may still be alive on
 * another host. Holders refresh well within it (see `DEFAULT_LOCK_HEARTBEAT_MS`).
 */
export const DEFAULT_LOCK_STALE_AFTER_MS = 60_000;

/** How often a holder should call `refreshLock`: a few heartbeats fit in one stale period. */
export const DEFAULT_LOCK_HEARTBEAT_MS = 15_000;

/** Tells whether a process id is alive on this host. */
export type PidProbe = (pid: number) => boolean;

/** Options shared by the ledger backends (mostly for tests). */
export interface LedgerClockOptions {
  /** The clock, in epoch ms. @default Date.now */
  readonly now?: () => number;
  /** Whether a pid is alive on this host. @default isPidAlive (process.kill(pid, 0)) */
  readonly isPidAlive?: PidProbe;
  /**
   * How long a silent lock holder is trusted (every process sharing the ledger must agree).
   * @default DEFAULT_LOCK_STALE_AFTER_MS (60 s)
   */
  readonly lockStaleAfterMs?: number;
}

/**
 * `process.kill(pid, 0)`: ESRCH means no such process; EPERM means it exists but belongs to
 * someone else (alive). Anything else is treated as alive (never steal on doubt).
 */
export const isPidAlive: PidProbe = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
};

/** The lock name that guards one file's upload to one account (use before creating a record). */
export function uploadLockName(key: UploadKey): string {
  return `upload:${JSON.stringify([key.apiUrl, key.accountUri, key.filePath])}`;
}

/**
 * The lock owner for this process: its pid, this host's name, and a fresh `instanceId` so that
 * two uploads in one process are two owners. Keep the returned object for the upload's lifetime.
 */
export function currentLockOwner(instanceId: string = randomUUID()): LockOwner {
  return { pid: process.pid, hostname: hostname(), instanceId };
}

/** True when `a` and `b` are the same owner. */
export function sameOwner(a: LockOwner, b: LockOwner): boolean {
  return a.pid === b.pid && a.hostname === b.hostname && (a.instanceId ?? '') === (b.instanceId ?? '');
}

/**
 * True when `requester` may take `held` over: the holder's heartbeat is `staleAfterMs` old or
 * older, or the holder ran on the requester's host and its pid is gone. A holder in the
 * requester's own process (same pid, another instanceId) is alive by definition.
 */
export function isLockTakeable(
  held: LockInfo,
  requester: LockOwner,
  nowMs: number,
  staleAfterMs: number,
  probe: PidProbe,
): boolean {
  if (nowMs - held.heartbeatAt >= staleAfterMs) return true;
  if (held.hostname !== requester.hostname) return false;
  if (held.pid === requester.pid) return false;
  return !probe(held.pid);
}

/** Checks a lock call's arguments; throws `LedgerError` on nonsense (a bug in the caller). */
export function checkLockArgs(name: string, owner: LockOwner, staleAfterMs?: number): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new LedgerError('A ledger lock needs a non-empty name');
  }
  if (!Number.isSafeInteger(owner.pid) || owner.pid <= 0) {
    throw new LedgerError(`A ledger lock owner needs a positive integer pid (got ${String(owner.pid)})`);
  }
  if (typeof owner.hostname !== 'string') {
    throw new LedgerError('A ledger lock owner needs a hostname');
  }
  if (staleAfterMs !== undefined && !(Number.isFinite(staleAfterMs) && staleAfterMs >= 0)) {
    throw new LedgerError(`staleAfterMs must be a finite number >= 0 (got ${String(staleAfterMs)})`);
  }
}

/** The error `refreshLock` throws when the caller no longer holds the lock. */
export function lockLostError(name: string, holder: LockInfo | undefined): LedgerError {
  const who = holder
    ? `it is now held by pid ${holder.pid} on ${holder.hostname}`
    : 'it is not held by anyone (it was released or never taken)';
  return new LedgerError(`Lost the ledger lock ${name}: ${who}. Stop and let the holder continue.`, {
    code: 'E_UPLOAD_LOCKED',
  });
}
