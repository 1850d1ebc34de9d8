/**
 * A worker on another host dies mid-upload. Its job is handed on by BullMQ at once, but the upload's
 * ledger lock names a host where this machine cannot ask whether the pid lives: the new worker must
 * leave the upload alone while the lock's heartbeat is fresh (its attempts fail E_UPLOAD_LOCKED and
 * are retried), and take it over once the heartbeat lapsed, continuing the same video from the
 * server's offset. Built binary, real redis-server, real sandbox.
 *
 * The other host is played by the test: the killed worker's lock is rewritten under another host
 * name (its pid, dead here, is kept), and the test beats its heartbeat until it lets it lapse.
 */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { uploadLockName } from '../../src/ledger/lock-policy.js';
import { openRedisLedger } from '../../src/ledger/redis-ledger.js';
import type { LockOwner } from '../../src/ledger/types.js';
import { FLEET_LEDGER_PREFIX } from '../../src/queue/connection.js';
import { MiB } from '../e2e/helpers/engine-helpers.js';
import { SKIP_REDIS } from '../helpers/redis-server.js';
import {
  cli,
  expectOneVideoPerSource,
  FAST_TAKEOVER_ENV,
  someUploadHalfway,
  useFleet,
  waitUntil,
  workerEvents,
} from './fleet-helpers.js';

const startFleet = useFleet();
const STALE_MS = Number(FAST_TAKEOVER_ENV.VIMEO_TUS_QUEUE_LEDGER_STALE_MS);

describe.skipIf(SKIP_REDIS)('fleet take-over across hosts', () => {
  it('a dead worker of another host: its upload is left alone while its heartbeat is fresh, continued once it lapsed', async () => {
    const fleet = await startFleet({
      appendOnly: true,
      sandbox: { faults: { throttleBytesPerSecond: 2 * MiB } },
    });
    const { env, dir, sandbox, redis } = fleet;
    const files = await fleet.files(1, 3 * MiB + 99, 'remote');
    expect((await cli(['queue', 'add', dir], env, dir)).code).toBe(0);

    const doomed = await fleet.worker();
    await waitUntil(() => someUploadHalfway(sandbox), 30_000, 'the upload half-way');
    const killed = workerEvents(await fleet.kill(doomed));
    const deadPid = Number(killed.find((e) => e.type === 'ready')?.pid);
    expect(() => process.kill(deadPid, 0)).toThrow(/ESRCH/);
    await sandbox.idle();
    const bytesAtDeath = (await sandbox.state({ hashes: false })).videos[0]?.storedBytes ?? 0;
    expect(bytesAtDeath).toBeGreaterThan(0);

    // The dead worker's lock, as if that worker had run on another host: same pid, other host name.
    const ledger = await openRedisLedger(redis.url, {
      keyPrefix: FLEET_LEDGER_PREFIX,
      lockStaleAfterMs: STALE_MS,
    });
    const remote: LockOwner = { pid: deadPid, hostname: `not-${hostname()}`, instanceId: 'remote-worker' };
    let beat: NodeJS.Timeout | undefined;
    try {
      const [record] = await ledger.list();
      expect(record).toBeDefined();
      const lockName = uploadLockName({
        filePath: record?.filePath ?? '',
        apiUrl: record?.apiUrl ?? '',
        accountUri: record?.accountUri ?? '',
      });
      expect(await ledger.getLock(lockName)).toMatchObject({ pid: deadPid, hostname: hostname() });
      // On this host the dead pid frees the lock at once: take it, hand it to the other host.
      const here: LockOwner = { pid: process.pid, hostname: hostname(), instanceId: 'test' };
      expect(await ledger.tryLock(lockName, here)).toBe(true);
      await ledger.unlock(lockName, here);
      expect(await ledger.tryLock(lockName, remote)).toBe(true);
      beat = setInterval(
        () => void ledger.refreshLock(lockName, remote).catch(() => undefined),
        STALE_MS / 6,
      );

      // The heir gets the job (BullMQ's stalled check) but not the upload while the heartbeat is fresh.
      const heir = await fleet.worker();
      const first = await heir.waitForLine((line) => /"type":"(failed|verified)"/.test(line));
      expect(JSON.parse(first)).toMatchObject({ type: 'failed', code: 'E_UPLOAD_LOCKED', willRetry: true });
      expect(await ledger.getLock(lockName)).toMatchObject({ pid: deadPid, hostname: remote.hostname });
      await sandbox.idle();
      expect((await sandbox.state({ hashes: false })).videos[0]?.storedBytes).toBe(bytesAtDeath);

      // The other host falls silent: once its heartbeat lapsed, the heir takes the upload over.
      clearInterval(beat);
      beat = undefined;
      const verifiedLine = await heir.waitForLine((line) => line.includes('"type":"verified"'));
      expect(JSON.parse(verifiedLine)).toMatchObject({ resumed: true });
      await expectOneVideoPerSource(sandbox, files);
      expect(await ledger.getLock(lockName)).toBeUndefined();
      const events = workerEvents(await fleet.stop(heir));
      const failures = events.filter((e) => e.type === 'failed');
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures)
        expect(failure).toMatchObject({ code: 'E_UPLOAD_LOCKED', willRetry: true });
    } finally {
      if (beat) clearInterval(beat);
      await ledger.close();
    }
  }, 120_000);
});
