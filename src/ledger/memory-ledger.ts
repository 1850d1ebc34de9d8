/**
 * A ledger in memory: nothing survives the process. For unit tests of code that uses a `Ledger`,
 * and as the second backend that keeps the contract suite honest.
 */
import { randomUUID } from 'node:crypto';
import { LedgerError } from '../errors.js';
import {
  checkLockArgs,
  DEFAULT_LOCK_STALE_AFTER_MS,
  isLockTakeable,
  isPidAlive,
  type LedgerClockOptions,
  lockLostError,
  type PidProbe,
  sameOwner,
} from './lock-policy.js';
import { checkNewRecord, hasKey, mergePatch } from './record-rules.js';
import type {
  Ledger,
  LockInfo,
  LockOwner,
  NewUploadRecord,
  UploadKey,
  UploadRecord,
  UploadRecordPatch,
} from './types.js';

interface Stored {
  readonly record: UploadRecord;
  readonly seq: number;
}

function newestFirst(a: Stored, b: Stored): number {
  return b.record.createdAt - a.record.createdAt || b.seq - a.seq;
}

/**
 * A `Ledger` held in a Map. Records are copied in and out, so callers cannot alias them.
 * @example
 * const ledger = new MemoryLedger();
 * await createUpload('clip.mp4', { token, apiUrl: sandbox.apiUrl, ledger }).done;
 * expect((await ledger.list())[0]?.state).toBe('verified');
 */
export class MemoryLedger implements Ledger {
  readonly #records = new Map<string, Stored>();
  readonly #locks = new Map<string, LockInfo>();
  readonly #now: () => number;
  readonly #probe: PidProbe;
  /** How long a silent lock holder is trusted (the default of `tryLock`, and of upload locks). */
  readonly lockStaleAfterMs: number;
  #seq = 0;
  #closed = false;

  /** @param options clock and pid probe, for tests */
  constructor(options: LedgerClockOptions = {}) {
    const clock = options.now ?? Date.now;
    this.#now = () => Math.floor(clock());
    this.#probe = options.isPidAlive ?? isPidAlive;
    this.lockStaleAfterMs = options.lockStaleAfterMs ?? DEFAULT_LOCK_STALE_AFTER_MS;
  }

  #open(): void {
    if (this.#closed) throw new LedgerError('The in-memory ledger is closed');
  }

  #sorted(filter: (record: UploadRecord) => boolean): UploadRecord[] {
    return [...this.#records.values()]
      .filter((stored) => filter(stored.record))
      .sort(newestFirst)
      .map((stored) => ({ ...stored.record }));
  }

  async insert(record: NewUploadRecord): Promise<UploadRecord> {
    this.#open();
    const nowMs = this.#now();
    const stored: UploadRecord = {
      ...checkNewRecord(record),
      id: randomUUID(),
      createdAt: nowMs,
      updatedAt: nowMs,
    };
    this.#records.set(stored.id, { record: stored, seq: this.#seq++ });
    return { ...stored };
  }

  async update(id: string, patch: UploadRecordPatch): Promise<UploadRecord> {
    this.#open();
    const stored = this.#records.get(id);
    if (!stored) throw new LedgerError(`No ledger record with id ${id}`);
    const record = mergePatch(stored.record, patch, this.#now());
    this.#records.set(id, { record, seq: stored.seq });
    return { ...record };
  }

  async get(id: string): Promise<UploadRecord | undefined> {
    this.#open();
    const stored = this.#records.get(id);
    return stored ? { ...stored.record } : undefined;
  }

  async findLatest(key: UploadKey): Promise<UploadRecord | undefined> {
    this.#open();
    return this.#sorted((record) => hasKey(record, key))[0];
  }

  async findByFile(filePath: string): Promise<UploadRecord[]> {
    this.#open();
    return this.#sorted((record) => record.filePath === filePath);
  }

  async findByVideo(videoUri: string): Promise<UploadRecord[]> {
    this.#open();
    return this.#sorted((record) => record.videoUri === videoUri);
  }

  async list(): Promise<UploadRecord[]> {
    this.#open();
    return this.#sorted(() => true);
  }

  async remove(id: string): Promise<boolean> {
    this.#open();
    return this.#records.delete(id);
  }

  async tryLock(name: string, owner: LockOwner, staleAfterMs = this.lockStaleAfterMs): Promise<boolean> {
    this.#open();
    checkLockArgs(name, owner, staleAfterMs);
    const nowMs = this.#now();
    const held = this.#locks.get(name);
    if (held && sameOwner(held, owner)) {
      this.#locks.set(name, { ...held, heartbeatAt: Math.max(nowMs, held.heartbeatAt) });
      return true;
    }
    if (held && !isLockTakeable(held, owner, nowMs, staleAfterMs, this.#probe)) return false;
    this.#locks.set(name, {
      name,
      pid: owner.pid,
      hostname: owner.hostname,
      instanceId: owner.instanceId ?? '',
      acquiredAt: nowMs,
      heartbeatAt: nowMs,
    });
    return true;
  }

  async refreshLock(name: string, owner: LockOwner): Promise<void> {
    this.#open();
    checkLockArgs(name, owner);
    const held = this.#locks.get(name);
    if (!held || !sameOwner(held, owner)) throw lockLostError(name, held);
    this.#locks.set(name, { ...held, heartbeatAt: Math.max(this.#now(), held.heartbeatAt) });
  }

  async unlock(name: string, owner: LockOwner): Promise<void> {
    this.#open();
    checkLockArgs(name, owner);
    const held = this.#locks.get(name);
    if (held && sameOwner(held, owner)) this.#locks.delete(name);
  }

  async getLock(name: string): Promise<LockInfo | undefined> {
    this.#open();
    const held = this.#locks.get(name);
    return held ? { ...held } : undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
