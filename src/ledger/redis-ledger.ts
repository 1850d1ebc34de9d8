/**
 * The ledger on Redis, for fleets: every worker on every host reads and writes the same records and
 * locks, so any worker can continue any upload on the same video. The rules are the SQLite
 * ledger's (record-rules.ts, lock-policy.ts); Redis only stores, and Lua compare-and-set scripts
 * (redis-scripts.ts) make each change atomic. It passes the contract suite in test/ledger/.
 *
 * Layout under the key prefix (default `vimeo-tus:ledger:`): `rec:<id>` one record as JSON (with
 * its insertion number), `all` a sorted set of ids by insertion, `file:<path>` and `video:<uri>`
 * sets of ids, `lock:<name>` one lock as JSON, `seq` the insertion counter.
 *
 * Durability is Redis's: run it with `appendonly yes` and `appendfsync always` for the guarantee
 * the SQLite ledger gives (a `creating` record survives a crash of the server). The lock clock is
 * each host's own: keep the hosts' clocks synchronised (NTP), well within the stale period.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
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
import { REMOVE_RECORD_SCRIPT, SWAP_LOCK_SCRIPT, UPDATE_RECORD_SCRIPT } from './redis-scripts.js';
import type {
  Ledger,
  LockInfo,
  LockOwner,
  NewUploadRecord,
  UploadKey,
  UploadRecord,
  UploadRecordPatch,
} from './types.js';

/** The key prefix unless told otherwise. */
export const DEFAULT_REDIS_LEDGER_PREFIX = 'vimeo-tus:ledger:';

/** Compare-and-set tries before a change is given up as contended (never seen in practice). */
const MAX_SWAPS = 50;
/** Records fetched per MGET. */
const READ_BATCH = 500;

/** Options of {@link RedisLedger} and {@link openRedisLedger}. */
export interface RedisLedgerOptions extends LedgerClockOptions {
  /** Every key starts with this; one prefix is one ledger. @default DEFAULT_REDIS_LEDGER_PREFIX */
  readonly keyPrefix?: string;
  /**
   * How long a silent lock holder is trusted (every worker sharing the ledger must agree).
   * @default DEFAULT_LOCK_STALE_AFTER_MS (60 s)
   */
  readonly lockStaleAfterMs?: number;
}

/** What to do with a lock: write it (`null` deletes), or leave it; and what the call returns. */
interface LockChange<T> {
  readonly write?: LockInfo | null;
  readonly result: T;
}

interface Stored {
  readonly r: UploadRecord;
  readonly s: number;
}

function newestFirst(a: Stored, b: Stored): number {
  return b.r.createdAt - a.r.createdAt || b.s - a.s;
}

/** A `Ledger` in Redis. Records are copied in and out, so callers cannot alias them. */
export class RedisLedger implements Ledger {
  readonly lockStaleAfterMs: number;
  readonly #redis: Redis;
  readonly #ownsConnection: boolean;
  readonly #prefix: string;
  readonly #now: () => number;
  readonly #probe: PidProbe;
  #closed = false;

  /**
   * @param redis an ioredis connection (left open by `close()` unless `ownsConnection`)
   * @param options key prefix, stale period, and (for tests) clock and pid probe
   */
  constructor(redis: Redis, options: RedisLedgerOptions & { readonly ownsConnection?: boolean } = {}) {
    this.#redis = redis;
    this.#ownsConnection = options.ownsConnection ?? false;
    this.#prefix = options.keyPrefix ?? DEFAULT_REDIS_LEDGER_PREFIX;
    const clock = options.now ?? Date.now;
    this.#now = () => Math.floor(clock());
    this.#probe = options.isPidAlive ?? isPidAlive;
    this.lockStaleAfterMs = options.lockStaleAfterMs ?? DEFAULT_LOCK_STALE_AFTER_MS;
  }

  async insert(record: NewUploadRecord): Promise<UploadRecord> {
    return this.#run(async (redis) => {
      const checked = checkNewRecord(record);
      const nowMs = this.#now();
      const stored: UploadRecord = { ...checked, id: randomUUID(), createdAt: nowMs, updatedAt: nowMs };
      const seq = await redis.incr(this.#key('seq'));
      const tx = redis
        .multi()
        .set(this.#recordKey(stored.id), JSON.stringify({ r: stored, s: seq }))
        .zadd(this.#key('all'), seq, stored.id)
        .sadd(this.#fileKey(stored.filePath), stored.id);
      if (stored.videoUri !== null) tx.sadd(this.#videoKey(stored.videoUri), stored.id);
      await execOrThrow(tx);
      return { ...stored };
    });
  }

  async update(id: string, patch: UploadRecordPatch): Promise<UploadRecord> {
    return this.#run(async (redis) => {
      for (let swap = 0; swap < MAX_SWAPS; swap++) {
        const raw = await redis.get(this.#recordKey(id));
        if (raw === null) throw new LedgerError(`No ledger record with id ${id}`);
        const stored = parseStored(raw);
        const next = mergePatch(stored.r, patch, this.#now());
        const done = await redis.eval(
          UPDATE_RECORD_SCRIPT,
          3,
          this.#recordKey(id),
          this.#videoKey(stored.r.videoUri ?? ''),
          this.#videoKey(next.videoUri ?? ''),
          raw,
          JSON.stringify({ r: next, s: stored.s }),
          id,
          stored.r.videoUri === null ? '0' : '1',
          next.videoUri === null ? '0' : '1',
        );
        if (done === 1) return { ...next };
      }
      throw contended(`record ${id}`);
    });
  }

  async get(id: string): Promise<UploadRecord | undefined> {
    return this.#run(async (redis) => {
      const raw = await redis.get(this.#recordKey(id));
      return raw === null ? undefined : parseStored(raw).r;
    });
  }

  async findLatest(key: UploadKey): Promise<UploadRecord | undefined> {
    const records = await this.findByFile(key.filePath);
    return records.find((record) => hasKey(record, key));
  }

  async findByFile(filePath: string): Promise<UploadRecord[]> {
    return this.#run(async (redis) => this.#read(await redis.smembers(this.#fileKey(filePath))));
  }

  async findByVideo(videoUri: string): Promise<UploadRecord[]> {
    return this.#run(async (redis) => this.#read(await redis.smembers(this.#videoKey(videoUri))));
  }

  async list(): Promise<UploadRecord[]> {
    return this.#run(async (redis) => this.#read(await redis.zrange(this.#key('all'), 0, -1)));
  }

  async remove(id: string): Promise<boolean> {
    return this.#run(async (redis) => {
      for (let swap = 0; swap < MAX_SWAPS; swap++) {
        const raw = await redis.get(this.#recordKey(id));
        if (raw === null) return false;
        const { r } = parseStored(raw);
        const done = await redis.eval(
          REMOVE_RECORD_SCRIPT,
          4,
          this.#recordKey(id),
          this.#key('all'),
          this.#fileKey(r.filePath),
          this.#videoKey(r.videoUri ?? ''),
          raw,
          id,
          r.videoUri === null ? '0' : '1',
        );
        if (done === 1) return true;
      }
      throw contended(`record ${id}`);
    });
  }

  async tryLock(name: string, owner: LockOwner, staleAfterMs = this.lockStaleAfterMs): Promise<boolean> {
    checkLockArgs(name, owner, staleAfterMs);
    return this.#changeLock(name, (held, nowMs) => {
      if (held && sameOwner(held, owner)) {
        return { write: { ...held, heartbeatAt: Math.max(nowMs, held.heartbeatAt) }, result: true };
      }
      if (held && !isLockTakeable(held, owner, nowMs, staleAfterMs, this.#probe)) return { result: false };
      const instanceId = owner.instanceId ?? '';
      const fresh = { name, pid: owner.pid, hostname: owner.hostname, instanceId };
      return { write: { ...fresh, acquiredAt: nowMs, heartbeatAt: nowMs }, result: true };
    });
  }

  async refreshLock(name: string, owner: LockOwner): Promise<void> {
    checkLockArgs(name, owner);
    return this.#changeLock(name, (held, nowMs) => {
      if (!held || !sameOwner(held, owner)) throw lockLostError(name, held);
      return { write: { ...held, heartbeatAt: Math.max(nowMs, held.heartbeatAt) }, result: undefined };
    });
  }

  async unlock(name: string, owner: LockOwner): Promise<void> {
    checkLockArgs(name, owner);
    return this.#changeLock(name, (held) =>
      held && sameOwner(held, owner) ? { write: null, result: undefined } : { result: undefined },
    );
  }

  async getLock(name: string): Promise<LockInfo | undefined> {
    return this.#run(async (redis) => {
      const raw = await redis.get(this.#lockKey(name));
      return raw === null ? undefined : parseLock(raw);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsConnection) await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  /** Runs one operation: refused once closed, and any Redis failure becomes a `LedgerError`. */
  async #run<T>(operation: (redis: Redis) => Promise<T>): Promise<T> {
    if (this.#closed) throw new LedgerError('The Redis ledger is closed');
    try {
      return await operation(this.#redis);
    } catch (error) {
      if (error instanceof LedgerError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new LedgerError(`The Redis ledger could not be read or written: ${reason}`, { cause: error });
    }
  }

  /**
   * Reads lock `name`, lets `decide` say what to write (a lock, `null` to delete it, nothing to
   * leave it) and writes that only if the lock is still what was read; else reads again.
   */
  async #changeLock<T>(
    name: string,
    decide: (held: LockInfo | undefined, nowMs: number) => LockChange<T>,
  ): Promise<T> {
    return this.#run(async (redis) => {
      const key = this.#lockKey(name);
      for (let swap = 0; swap < MAX_SWAPS; swap++) {
        const raw = await redis.get(key);
        const change = decide(raw === null ? undefined : parseLock(raw), this.#now());
        if (change.write === undefined) return change.result;
        const next = change.write === null ? '' : JSON.stringify(change.write);
        const written =
          raw === null
            ? next === '' || (await redis.set(key, next, 'NX')) === 'OK'
            : (await redis.eval(SWAP_LOCK_SCRIPT, 1, key, raw, next)) === 1;
        if (written) return change.result;
      }
      throw contended(`lock ${name}`);
    });
  }

  async #read(ids: readonly string[]): Promise<UploadRecord[]> {
    const stored: Stored[] = [];
    for (let from = 0; from < ids.length; from += READ_BATCH) {
      const keys = ids.slice(from, from + READ_BATCH).map((id) => this.#recordKey(id));
      for (const raw of await this.#redis.mget(...keys)) if (raw !== null) stored.push(parseStored(raw));
    }
    return stored.sort(newestFirst).map((entry) => entry.r);
  }

  #key(name: string): string {
    return `${this.#prefix}${name}`;
  }
  #recordKey(id: string): string {
    return this.#key(`rec:${id}`);
  }
  #fileKey(filePath: string): string {
    return this.#key(`file:${filePath}`);
  }
  #videoKey(videoUri: string): string {
    return this.#key(`video:${videoUri}`);
  }
  #lockKey(name: string): string {
    return this.#key(`lock:${name}`);
  }
}

/**
 * Opens a Redis ledger on its own connection (closed by `close()`). Waits until Redis answers, so a
 * wrong URL fails here with a `LedgerError` rather than at the first upload.
 * @example
 * const ledger = await openRedisLedger('redis://127.0.0.1:6379', { lockStaleAfterMs: 30_000 });
 * await uploadWithLedger('talk.mp4', { token, ledger });
 */
export async function openRedisLedger(url: string, options: RedisLedgerOptions = {}): Promise<RedisLedger> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  // ioredis reports each failed reconnection as an 'error' event; calls wait for the connection to
  // come back (maxRetriesPerRequest: null) and fail with their own error, so the events are noise.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    throw new LedgerError(`Cannot reach the Redis ledger: ${reason}`, { cause: error });
  }
  return new RedisLedger(redis, { ...options, ownsConnection: true });
}

async function execOrThrow(tx: ReturnType<Redis['multi']>): Promise<void> {
  const results = await tx.exec();
  if (results === null) throw new LedgerError('A Redis ledger transaction was discarded');
  for (const [error] of results) if (error) throw error;
}

function parseStored(raw: string): Stored {
  const parsed = JSON.parse(raw) as Partial<Stored>;
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.s !== 'number' || !parsed.r) {
    throw new LedgerError('A Redis ledger record is not one this version wrote');
  }
  return { r: parsed.r, s: parsed.s };
}

function parseLock(raw: string): LockInfo {
  const parsed = JSON.parse(raw) as Partial<LockInfo>;
  if (typeof parsed.pid !== 'number' || typeof parsed.heartbeatAt !== 'number') {
    throw new LedgerError('A Redis ledger lock is not one this version wrote');
  }
  return parsed as LockInfo;
}

function contended(what: string): LedgerError {
  return new LedgerError(`The Redis ledger's ${what} kept changing under this worker; try again`);
}
