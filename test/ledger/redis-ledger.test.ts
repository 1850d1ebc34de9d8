/**
 * The Redis ledger against a real redis-server: the shared contract suite, then what only a
 * networked backend must show: two connections (two workers) see one set of locks and records, the
 * records survive a Redis crash with append-only persistence, and an unreachable Redis is a
 * LedgerError.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerError } from '../../src/errors.js';
import { openRedisLedger, RedisLedger } from '../../src/ledger/redis-ledger.js';
import type { LockOwner } from '../../src/ledger/types.js';
import { type RedisServer, SKIP_REDIS, startRedis } from '../helpers/redis-server.js';
import { runLedgerContract, sampleRecord } from './ledger-contract.js';

describe.skipIf(SKIP_REDIS)('RedisLedger', () => {
  let server: RedisServer;
  const connections: Redis[] = [];

  beforeAll(async () => {
    server = await startRedis({ appendOnly: true });
  });
  afterAll(async () => {
    for (const redis of connections) redis.disconnect();
    await server?.close();
  });

  function connect(): Redis {
    const redis = new Redis(server.url, { maxRetriesPerRequest: null });
    connections.push(redis);
    return redis;
  }

  runLedgerContract('RedisLedger', async (hooks) => {
    const ledger = new RedisLedger(connect(), { ...hooks, keyPrefix: `t:${randomUUID()}:` });
    return { ledger, cleanup: () => ledger.close() };
  });

  it('two workers on two connections share locks and records', async () => {
    const keyPrefix = `t:${randomUUID()}:`;
    const one = await openRedisLedger(server.url, { keyPrefix });
    const two = await openRedisLedger(server.url, { keyPrefix });
    try {
      const owners = Array.from(
        { length: 6 },
        (_, i): LockOwner => ({ pid: 7000 + i, hostname: `host-${i}` }),
      );
      const won = await Promise.all(owners.map((owner, i) => (i % 2 ? one : two).tryLock('L', owner)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const record = await one.insert(sampleRecord());
      await two.update(record.id, { state: 'uploading', videoUri: '/videos/9', ackedBytes: 10 });
      expect(await one.get(record.id)).toMatchObject({ state: 'uploading', ackedBytes: 10 });
      expect((await one.findByVideo('/videos/9')).map((r) => r.id)).toEqual([record.id]);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('records and locks survive a SIGKILL of redis-server (appendfsync always)', async () => {
    const keyPrefix = `t:${randomUUID()}:`;
    const ledger = await openRedisLedger(server.url, { keyPrefix });
    try {
      const record = await ledger.insert(sampleRecord({ state: 'creating', createRequestedAt: 5 }));
      await ledger.tryLock('upload-lock', { pid: 1, hostname: 'elsewhere' });
      await server.restart();
      // The connection comes back by itself; the call waits for it instead of failing.
      expect(await ledger.get(record.id)).toEqual(record);
      expect(await ledger.getLock('upload-lock')).toMatchObject({ pid: 1, hostname: 'elsewhere' });
    } finally {
      await ledger.close();
    }
  });

  it('an unreachable Redis is a LedgerError that names no secret', async () => {
    const error = await openRedisLedger('redis://:s3cret-pass@127.0.0.1:1').catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as Error).message).not.toContain('s3cret-pass');
  });
});
