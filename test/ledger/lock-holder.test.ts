import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LedgerError } from '../../src/errors.js';
import { acquireLock } from '../../src/ledger/lock-holder.js';
import { MemoryLedger } from '../../src/ledger/memory-ledger.js';
import type { LockOwner } from '../../src/ledger/types.js';

const ME: LockOwner = { pid: 100, hostname: 'h', instanceId: 'me' };
const OTHER: LockOwner = { pid: 200, hostname: 'h2' };

describe('acquireLock', () => {
  let clockMs: number;
  let ledger: MemoryLedger;

  beforeEach(() => {
    vi.useFakeTimers();
    clockMs = 1_000_000;
    ledger = new MemoryLedger({ now: () => clockMs, isPidAlive: () => true });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await ledger.close();
  });

  it('takes a free lock and keeps its heartbeat fresh until released', async () => {
    const result = await acquireLock(ledger, 'L', { owner: ME, staleAfterMs: 400, heartbeatMs: 100 });
    if (!result.acquired) throw new Error('expected the lock');
    clockMs += 350;
    await vi.advanceTimersByTimeAsync(100);
    expect((await ledger.getLock('L'))?.heartbeatAt).toBe(1_000_350);
    clockMs += 350; // 350 ms after the last beat: still fresh for a 400 ms stale period
    expect(await ledger.tryLock('L', OTHER, 400)).toBe(false);

    await result.lock.release();
    await result.lock.release();
    expect(await ledger.getLock('L')).toBeUndefined();
    expect(result.lock.lostSignal.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports the holder when another live owner has the lock', async () => {
    await ledger.tryLock('L', OTHER);
    const result = await acquireLock(ledger, 'L', { owner: ME });
    expect(result.acquired).toBe(false);
    if (result.acquired) return;
    expect(result.holder).toMatchObject({ pid: OTHER.pid, hostname: OTHER.hostname });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts lostSignal with E_UPLOAD_LOCKED when the lock is taken over, and stops beating', async () => {
    const result = await acquireLock(ledger, 'L', { owner: ME, staleAfterMs: 1_000, heartbeatMs: 100 });
    if (!result.acquired) throw new Error('expected the lock');
    clockMs += 5_000; // e.g. the machine slept: the heartbeat went stale
    expect(await ledger.tryLock('L', OTHER, 1_000)).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(result.lock.lostSignal.aborted).toBe(true);
    const reason: unknown = result.lock.lostSignal.reason;
    expect(reason).toBeInstanceOf(LedgerError);
    expect((reason as LedgerError).code).toBe('E_UPLOAD_LOCKED');
    expect(vi.getTimerCount()).toBe(0);
    await result.lock.release(); // does not free the new holder's lock
    expect((await ledger.getLock('L'))?.pid).toBe(OTHER.pid);
  });

  it('a heartbeat that fails for another reason (ledger busy) is retried, not treated as lost', async () => {
    let failures = 1;
    const refresh = ledger.refreshLock.bind(ledger);
    ledger.refreshLock = async (name, owner) => {
      if (failures-- > 0) throw new LedgerError('busy for a moment');
      return refresh(name, owner);
    };
    const result = await acquireLock(ledger, 'L', { owner: ME, staleAfterMs: 1_000, heartbeatMs: 100 });
    if (!result.acquired) throw new Error('expected the lock');
    clockMs += 100;
    await vi.advanceTimersByTimeAsync(100);
    expect(result.lock.lostSignal.aborted).toBe(false);
    expect((await ledger.getLock('L'))?.heartbeatAt).toBe(1_000_000);
    clockMs += 100;
    await vi.advanceTimersByTimeAsync(100);
    expect((await ledger.getLock('L'))?.heartbeatAt).toBe(1_000_200);
    await result.lock.release();
  });
});
