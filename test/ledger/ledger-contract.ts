/**
 * The ledger contract: what every `Ledger` backend must do, whatever it stores into. A backend's
 * test file calls `runLedgerContract('name', factory)`. The factory receives a controllable clock
 * and pid probe, so time and process death are simulated, never waited for.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerError } from '../../src/errors.js';
import { DEFAULT_LOCK_STALE_AFTER_MS, type LedgerClockOptions } from '../../src/ledger/lock-policy.js';
import type {
  Ledger,
  LockOwner,
  NewUploadRecord,
  UploadKey,
  UploadRecordPatch,
} from '../../src/ledger/types.js';
import { SAMPLE_KEY, sampleRecord } from './sample-record.js';

export { SAMPLE_KEY, sampleRecord };

/** What a factory returns: a fresh, empty ledger and how to dispose of it. */
export interface LedgerHandle {
  readonly ledger: Ledger;
  cleanup(): Promise<void>;
}

/** Makes a fresh, empty ledger that uses `hooks.now` as its clock and `hooks.isPidAlive` as its probe. */
export type LedgerFactory = (
  hooks: Required<Pick<LedgerClockOptions, 'now' | 'isPidAlive'>> &
    Pick<LedgerClockOptions, 'lockStaleAfterMs'>,
) => Promise<LedgerHandle>;

const KEY: UploadKey = SAMPLE_KEY;

const A: LockOwner = { pid: 4101, hostname: 'host-a' };
const B: LockOwner = { pid: 4102, hostname: 'host-a' };
const REMOTE: LockOwner = { pid: 4103, hostname: 'host-b' };

/** Runs the contract suite against the backend `factory` makes. */
export function runLedgerContract(name: string, factory: LedgerFactory): void {
  describe(`${name}: ledger contract`, () => {
    let clockMs = 1_000_000;
    const deadPids = new Set<number>();
    let handle: LedgerHandle;
    let ledger: Ledger;

    beforeEach(async () => {
      clockMs = 1_000_000;
      deadPids.clear();
      handle = await factory({ now: () => clockMs, isPidAlive: (pid) => !deadPids.has(pid) });
      ledger = handle.ledger;
    });
    afterEach(async () => {
      await handle.cleanup();
    });

    describe('records', () => {
      it('insert returns the record with a fresh id and timestamps, and get returns the same', async () => {
        const input = sampleRecord({
          videoUri: '/videos/7',
          uploadLink: 'https://up.example/x',
          ackedBytes: 5,
        });
        const stored = await ledger.insert(input);
        expect(stored).toEqual({ ...input, id: stored.id, createdAt: 1_000_000, updatedAt: 1_000_000 });
        expect(stored.id).toMatch(/\S/);
        expect(await ledger.get(stored.id)).toEqual(stored);
      });

      it('gives every insert its own id', async () => {
        const ids = new Set<string>();
        for (let i = 0; i < 5; i++) ids.add((await ledger.insert(sampleRecord())).id);
        expect(ids.size).toBe(5);
      });

      it('get of an unknown id is undefined', async () => {
        expect(await ledger.get('no-such-id')).toBeUndefined();
      });

      it('keeps large sizes, fractional mtimes, and text exactly', async () => {
        const input = sampleRecord({
          fileSize: 100 * 1024 ** 3 + 7,
          ackedBytes: 64 * 1024 ** 3 + 3,
          fileMtimeMs: 1_712_345_678_901.25,
          videoName: 'ünïcødé — "quoted" \'name\' 🎬',
          filePath: '/videos/with space/ünï.mp4',
          createRequestedAt: 999_999,
        });
        const stored = await ledger.insert(input);
        expect(await ledger.get(stored.id)).toEqual(stored);
        expect(stored.fileSize).toBe(100 * 1024 ** 3 + 7);
      });

      it('returns copies: changing a returned record changes nothing stored', async () => {
        const stored = await ledger.insert(sampleRecord());
        (stored as { state: string }).state = 'processed';
        const again = await ledger.get(stored.id);
        expect(again?.state).toBe('creating');
        (again as { ackedBytes: number }).ackedBytes = 99;
        expect((await ledger.get(stored.id))?.ackedBytes).toBe(0);
      });

      it('update applies the patch, bumps updatedAt and keeps id and createdAt', async () => {
        const stored = await ledger.insert(sampleRecord());
        clockMs += 1_500;
        const patch: UploadRecordPatch = {
          state: 'uploading',
          videoUri: '/videos/42',
          videoLink: 'https://vimeo.com/42',
          uploadLink: 'https://files.example/upload/abc',
          createRequestedAt: 1_000_100,
          ackedBytes: 1024,
        };
        const updated = await ledger.update(stored.id, patch);
        expect(updated).toEqual({ ...stored, ...patch, updatedAt: 1_001_500 });
        expect(await ledger.get(stored.id)).toEqual(updated);
      });

      it('update never lowers ackedBytes and keeps it when the patch has none', async () => {
        const { id } = await ledger.insert(sampleRecord());
        expect((await ledger.update(id, { ackedBytes: 2_000 })).ackedBytes).toBe(2_000);
        expect((await ledger.update(id, { ackedBytes: 500 })).ackedBytes).toBe(2_000);
        expect((await ledger.update(id, { state: 'failed', errorCode: 'E_NETWORK' })).ackedBytes).toBe(2_000);
        expect((await ledger.update(id, { ackedBytes: 3_000 })).ackedBytes).toBe(3_000);
        expect((await ledger.get(id))?.ackedBytes).toBe(3_000);
      });

      it('a different uploadLink starts ackedBytes again from the patch (a new tus upload)', async () => {
        const { id } = await ledger.insert(sampleRecord());
        await ledger.update(id, { uploadLink: 'https://files.example/upload/old', ackedBytes: 4_000 });
        const sameLink = await ledger.update(id, {
          uploadLink: 'https://files.example/upload/old',
          ackedBytes: 1,
        });
        expect(sameLink.ackedBytes).toBe(4_000);
        const fresh = await ledger.update(id, { uploadLink: 'https://files.example/upload/new' });
        expect(fresh).toMatchObject({ uploadLink: 'https://files.example/upload/new', ackedBytes: 0 });
        expect((await ledger.get(id))?.ackedBytes).toBe(0);
        expect(
          (await ledger.update(id, { uploadLink: 'https://files.example/upload/x', ackedBytes: 7 }))
            .ackedBytes,
        ).toBe(7);
      });

      it('update sets nullable fields and clears them back to null', async () => {
        const { id } = await ledger.insert(sampleRecord());
        await ledger.update(id, { state: 'failed', errorCode: 'E_STALLED', errorMessage: 'no progress' });
        const cleared = await ledger.update(id, { state: 'uploading', errorCode: null, errorMessage: null });
        expect(cleared).toMatchObject({ state: 'uploading', errorCode: null, errorMessage: null });
        expect(await ledger.get(id)).toEqual(cleared);
      });

      it('updatedAt never goes back when the clock does', async () => {
        const { id } = await ledger.insert(sampleRecord());
        clockMs += 10_000;
        await ledger.update(id, { ackedBytes: 1 });
        clockMs -= 5_000;
        expect((await ledger.update(id, { ackedBytes: 2 })).updatedAt).toBe(1_010_000);
      });

      it('update of an unknown id rejects with LedgerError', async () => {
        await expect(ledger.update('no-such-id', { state: 'failed' })).rejects.toBeInstanceOf(LedgerError);
      });

      it('rejects invalid records and patches with LedgerError and stores nothing of them', async () => {
        await expect(ledger.insert(sampleRecord({ fileSize: -1 }))).rejects.toBeInstanceOf(LedgerError);
        await expect(ledger.insert(sampleRecord({ ackedBytes: 1.5 }))).rejects.toBeInstanceOf(LedgerError);
        await expect(ledger.insert(sampleRecord({ filePath: '' }))).rejects.toBeInstanceOf(LedgerError);
        const bogusState = { state: 'done' } as unknown as UploadRecordPatch;
        await expect(
          ledger.insert(sampleRecord(bogusState as Partial<NewUploadRecord>)),
        ).rejects.toBeInstanceOf(LedgerError);
        expect(await ledger.list()).toEqual([]);

        const stored = await ledger.insert(sampleRecord());
        await expect(ledger.update(stored.id, bogusState)).rejects.toBeInstanceOf(LedgerError);
        await expect(ledger.update(stored.id, { ackedBytes: -5 })).rejects.toBeInstanceOf(LedgerError);
        const keyChange = { filePath: '/elsewhere.mp4' } as unknown as UploadRecordPatch;
        await expect(ledger.update(stored.id, keyChange)).rejects.toBeInstanceOf(LedgerError);
        expect(await ledger.get(stored.id)).toEqual(stored);
      });

      it('remove deletes one record and says whether it existed', async () => {
        const a = await ledger.insert(sampleRecord());
        const b = await ledger.insert(sampleRecord());
        expect(await ledger.remove(a.id)).toBe(true);
        expect(await ledger.remove(a.id)).toBe(false);
        expect(await ledger.get(a.id)).toBeUndefined();
        expect((await ledger.list()).map((r) => r.id)).toEqual([b.id]);
      });
    });

    describe('queries', () => {
      it('list is newest first by createdAt, then by insertion order, and updates do not reorder', async () => {
        const first = await ledger.insert(sampleRecord({ videoName: 'first' }));
        clockMs += 10;
        const second = await ledger.insert(sampleRecord({ videoName: 'second' }));
        const third = await ledger.insert(sampleRecord({ videoName: 'third' })); // same ms as second
        clockMs += 10;
        await ledger.update(first.id, { state: 'uploading' });
        expect((await ledger.list()).map((r) => r.videoName)).toEqual(['third', 'second', 'first']);
        expect((await ledger.list()).map((r) => r.id)).toEqual([third.id, second.id, first.id]);
      });

      it('list of an empty ledger is empty', async () => {
        expect(await ledger.list()).toEqual([]);
      });

      it('findLatest returns the newest record of this key whatever its state', async () => {
        expect(await ledger.findLatest(KEY)).toBeUndefined();
        await ledger.insert(sampleRecord({ state: 'uploading' }));
        clockMs += 1;
        const done = await ledger.insert(sampleRecord({ state: 'processed' }));
        clockMs += 1;
        await ledger.insert(sampleRecord({ state: 'creating', accountUri: '/users/2' }));
        expect((await ledger.findLatest(KEY))?.id).toBe(done.id);
        const sameMs = await ledger.insert(sampleRecord({ state: 'verified' }));
        const tie = await ledger.insert(sampleRecord({ state: 'failed' }));
        expect(sameMs.createdAt).toBe(tie.createdAt);
        expect((await ledger.findLatest(KEY))?.id).toBe(tie.id);
      });

      it('findByFile returns every record of that path, for any account, newest first', async () => {
        const a = await ledger.insert(sampleRecord());
        clockMs += 1;
        const b = await ledger.insert(sampleRecord({ accountUri: '/users/2', apiUrl: 'http://127.0.0.1:9' }));
        await ledger.insert(sampleRecord({ filePath: '/videos/other.mp4' }));
        expect((await ledger.findByFile(SAMPLE_KEY.filePath)).map((r) => r.id)).toEqual([b.id, a.id]);
        expect(await ledger.findByFile('/videos/none.mp4')).toEqual([]);
      });

      it('findByVideo returns every record of that video, newest first', async () => {
        const a = await ledger.insert(sampleRecord({ videoUri: '/videos/1' }));
        clockMs += 1;
        await ledger.insert(sampleRecord({ videoUri: '/videos/2' }));
        clockMs += 1;
        const c = await ledger.insert(sampleRecord({ videoUri: null }));
        const d = await ledger.update(c.id, { videoUri: '/videos/1' });
        expect((await ledger.findByVideo('/videos/1')).map((r) => r.id)).toEqual([d.id, a.id]);
        expect(await ledger.findByVideo('/videos/3')).toEqual([]);
      });
    });

    describe('locks', () => {
      it('a free lock is taken; another live owner is refused; getLock tells who holds it', async () => {
        expect(await ledger.getLock('L')).toBeUndefined();
        expect(await ledger.tryLock('L', A)).toBe(true);
        expect(await ledger.tryLock('L', B)).toBe(false);
        expect(await ledger.tryLock('L', REMOTE)).toBe(false);
        expect(await ledger.getLock('L')).toEqual({
          name: 'L',
          pid: A.pid,
          hostname: A.hostname,
          instanceId: '',
          acquiredAt: 1_000_000,
          heartbeatAt: 1_000_000,
        });
      });

      it('the holder may take its own lock again (re-entrant), which refreshes the heartbeat', async () => {
        expect(await ledger.tryLock('L', A)).toBe(true);
        clockMs += 30;
        expect(await ledger.tryLock('L', A)).toBe(true);
        expect(await ledger.getLock('L')).toMatchObject({ acquiredAt: 1_000_000, heartbeatAt: 1_000_030 });
      });

      it('two owners in one process are told apart by instanceId', async () => {
        const one: LockOwner = { ...A, instanceId: 'one' };
        const two: LockOwner = { ...A, instanceId: 'two' };
        expect(await ledger.tryLock('L', one)).toBe(true);
        expect(await ledger.tryLock('L', two)).toBe(false);
        deadPids.add(A.pid); // even a (wrong) "dead" answer for our own pid must not let `two` steal it
        expect(await ledger.tryLock('L', two)).toBe(false);
        await ledger.unlock('L', two);
        expect(await ledger.getLock('L')).toMatchObject({ instanceId: 'one' });
      });

      it('locks with different names are independent, and need no record', async () => {
        expect(await ledger.tryLock('L1', A)).toBe(true);
        expect(await ledger.tryLock('L2', B)).toBe(true);
        expect(await ledger.list()).toEqual([]);
      });

      it('unlock by a non-owner is ignored; unlock by the owner frees the lock', async () => {
        await ledger.tryLock('L', A);
        await ledger.unlock('L', B);
        expect(await ledger.tryLock('L', B)).toBe(false);
        expect((await ledger.getLock('L'))?.pid).toBe(A.pid);
        await ledger.unlock('L', A);
        expect(await ledger.getLock('L')).toBeUndefined();
        expect(await ledger.tryLock('L', B)).toBe(true);
        await ledger.unlock('free', A); // unlocking a free lock is a no-op
      });

      it('a lock whose heartbeat is staleAfterMs old is taken over, and the old holder learns it lost it', async () => {
        expect(await ledger.tryLock('L', A)).toBe(true);
        clockMs += 59;
        expect(await ledger.tryLock('L', REMOTE, 60)).toBe(false);
        clockMs += 1;
        expect(await ledger.tryLock('L', REMOTE, 60)).toBe(true);
        expect(await ledger.getLock('L')).toMatchObject({
          pid: REMOTE.pid,
          hostname: 'host-b',
          acquiredAt: 1_000_060,
        });
        const lost = await ledger.refreshLock('L', A).catch((error: unknown) => error);
        expect(lost).toBeInstanceOf(LedgerError);
        expect((lost as LedgerError).code).toBe('E_UPLOAD_LOCKED');
      });

      it('refreshLock keeps a lock from going stale', async () => {
        await ledger.tryLock('L', A);
        clockMs += 50;
        await ledger.refreshLock('L', A);
        clockMs += 30;
        expect(await ledger.tryLock('L', B, 60)).toBe(false);
        expect(await ledger.getLock('L')).toMatchObject({ heartbeatAt: 1_000_050 });
        clockMs += 30;
        expect(await ledger.tryLock('L', B, 60)).toBe(true);
      });

      it('the default stale period is long: a minute-old heartbeat holds, a much older one does not', async () => {
        await ledger.tryLock('L', REMOTE);
        clockMs += 30_000;
        expect(await ledger.tryLock('L', A)).toBe(false);
        clockMs += 10 * 60_000;
        expect(await ledger.tryLock('L', A)).toBe(true);
      });

      it("tryLock's default stale period is the ledger's lockStaleAfterMs (60 s when it has none)", async () => {
        const short = await factory({
          now: () => clockMs,
          isPidAlive: (pid) => !deadPids.has(pid),
          lockStaleAfterMs: 5_000,
        });
        try {
          const staleAfterMs = short.ledger.lockStaleAfterMs ?? DEFAULT_LOCK_STALE_AFTER_MS;
          await short.ledger.tryLock('L', REMOTE);
          clockMs += staleAfterMs - 1;
          expect(await short.ledger.tryLock('L', A)).toBe(false);
          clockMs += 1;
          expect(await short.ledger.tryLock('L', A)).toBe(true);
        } finally {
          await short.cleanup();
        }
      });

      it('a lock held by a dead pid on the same host is taken over at once', async () => {
        await ledger.tryLock('L', A);
        expect(await ledger.tryLock('L', B)).toBe(false);
        deadPids.add(A.pid);
        expect(await ledger.tryLock('L', B)).toBe(true);
        expect((await ledger.getLock('L'))?.pid).toBe(B.pid);
      });

      it('a pid on another host is never probed: its lock holds until stale', async () => {
        await ledger.tryLock('L', REMOTE);
        deadPids.add(REMOTE.pid);
        expect(await ledger.tryLock('L', A, 60_000)).toBe(false);
        clockMs += 60_000;
        expect(await ledger.tryLock('L', A, 60_000)).toBe(true);
      });

      it('refreshLock of a lock never held rejects with E_UPLOAD_LOCKED', async () => {
        const error = await ledger.refreshLock('L', A).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(LedgerError);
        expect((error as LedgerError).code).toBe('E_UPLOAD_LOCKED');
      });

      it('concurrent tryLock calls: exactly one owner wins', async () => {
        const owners = Array.from(
          { length: 8 },
          (_, i): LockOwner => ({ pid: 5000 + i, hostname: 'host-a' }),
        );
        const results = await Promise.all(owners.map((owner) => ledger.tryLock('L', owner)));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = owners[results.indexOf(true)];
        expect((await ledger.getLock('L'))?.pid).toBe(winner?.pid);
      });

      it('rejects nonsense lock arguments with LedgerError', async () => {
        await expect(ledger.tryLock('', A)).rejects.toBeInstanceOf(LedgerError);
        await expect(ledger.tryLock('L', { pid: 0, hostname: 'h' })).rejects.toBeInstanceOf(LedgerError);
        await expect(ledger.tryLock('L', A, -1)).rejects.toBeInstanceOf(LedgerError);
        expect(await ledger.getLock('L')).toBeUndefined();
      });
    });

    describe('close', () => {
      it('is idempotent, and every later call rejects with LedgerError', async () => {
        await ledger.insert(sampleRecord());
        await ledger.close();
        await ledger.close();
        await expect(ledger.list()).rejects.toBeInstanceOf(LedgerError);
        await expect(ledger.insert(sampleRecord())).rejects.toBeInstanceOf(LedgerError);
        await expect(ledger.tryLock('L', A)).rejects.toBeInstanceOf(LedgerError);
      });
    });
  });
}
