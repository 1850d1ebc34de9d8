/**
 * Holding a ledger lock for the length of an upload: take it, refresh its heartbeat on a timer,
 * and tell the holder (through an AbortSignal) if it was taken over, so it stops instead of
 * fighting another process over the offset.
 */
import type { LedgerError } from '../errors.js';
import { currentLockOwner, DEFAULT_LOCK_HEARTBEAT_MS, DEFAULT_LOCK_STALE_AFTER_MS } from './lock-policy.js';
import type { Ledger, LockInfo, LockOwner } from './types.js';

/** A lock this process holds until `release()`. */
export interface HeldLock {
  readonly name: string;
  readonly owner: LockOwner;
  /** Aborts, with a `LedgerError` (`E_UPLOAD_LOCKED`) as its reason, if the lock is lost. */
  readonly lostSignal: AbortSignal;
  /** Stops the heartbeat and releases the lock (if still held). Idempotent. */
  release(): Promise<void>;
}

/** Result of `acquireLock`: the held lock, or who holds it instead. */
export type AcquireResult =
  | { readonly acquired: true; readonly lock: HeldLock }
  | { readonly acquired: false; readonly holder: LockInfo | undefined };

/** Options for `acquireLock`. */
export interface AcquireLockOptions {
  /** @default currentLockOwner() */
  readonly owner?: LockOwner;
  /** @default ledger.lockStaleAfterMs, else DEFAULT_LOCK_STALE_AFTER_MS */
  readonly staleAfterMs?: number;
  /** How often the heartbeat is refreshed; keep it well under staleAfterMs. @default DEFAULT_LOCK_HEARTBEAT_MS */
  readonly heartbeatMs?: number;
}

/**
 * Tries to take lock `name` in `ledger` and keep it alive. Resolves `{ acquired: false, holder }`
 * when another live owner has it (the caller reports "already running"). A failed heartbeat
 * for another reason (the ledger busy for a moment) is retried at the next beat; only a lost
 * lock aborts `lostSignal`. The timer does not keep the process alive.
 * @example
 * const result = await acquireLock(ledger, uploadLockName(key));
 * if (!result.acquired) throw new LedgerError('already running', { code: 'E_UPLOAD_LOCKED' });
 * try { ...; } finally { await result.lock.release(); }
 */
export async function acquireLock(
  ledger: Ledger,
  name: string,
  options: AcquireLockOptions = {},
): Promise<AcquireResult> {
  const owner = options.owner ?? currentLockOwner();
  const staleAfterMs = options.staleAfterMs ?? ledger.lockStaleAfterMs ?? DEFAULT_LOCK_STALE_AFTER_MS;
  const heartbeatMs = options.heartbeatMs ?? Math.min(DEFAULT_LOCK_HEARTBEAT_MS, staleAfterMs / 4);
  if (!(await ledger.tryLock(name, owner, staleAfterMs))) {
    return { acquired: false, holder: await ledger.getLock(name) };
  }

  const lost = new AbortController();
  let beating: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    beating = ledger.refreshLock(name, owner).catch((error: unknown) => {
      if ((error as LedgerError).code === 'E_UPLOAD_LOCKED') {
        clearInterval(timer);
        lost.abort(error);
      }
    });
  }, heartbeatMs);
  timer.unref();

  let released: Promise<void> | undefined;
  const lock: HeldLock = {
    name,
    owner,
    lostSignal: lost.signal,
    release() {
      released ??= (async () => {
        clearInterval(timer);
        await beating;
        await ledger.unlock(name, owner);
      })();
      return released;
    },
  };
  return { acquired: true, lock };
}
