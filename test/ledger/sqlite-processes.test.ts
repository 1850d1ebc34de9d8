/**
 * Several processes on one ledger file: the lock has exactly one winner, writers wait for each
 * other instead of failing, and a dead holder's lock is taken over (real pids, real probe).
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPidAlive, uploadLockName } from '../../src/ledger/lock-policy.js';
import { openSqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import { type LedgerChild, spawnLedgerChild } from './child-process.js';
import { sampleRecord } from './sample-record.js';

let dir: string;
let dbPath: string;
let children: LedgerChild[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vimeo-tus-ledger-procs-'));
  dbPath = join(dir, 'ledger.db');
  children = [];
});
afterEach(async () => {
  for (const child of children) child.process.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** Starts `count` children with `args`, waits until each has the ledger open, then says go to all. */
async function startTogether(count: number, args: readonly string[]): Promise<unknown[]> {
  children = Array.from({ length: count }, () => spawnLedgerChild(args));
  for (const child of children) expect(await child.nextLine()).toBe('ready');
  for (const child of children) child.process.stdin.write('go\n');
  const results: unknown[] = [];
  for (const child of children) results.push(JSON.parse(await child.nextLine()));
  return results;
}

describe('SqliteLedger across processes', () => {
  it('processes contending for one lock: exactly one wins, and the ledger names it', async () => {
    const ledger = openSqliteLedger(dbPath);
    const name = uploadLockName({
      filePath: '/videos/talk.mp4',
      apiUrl: 'https://api.vimeo.com',
      accountUri: '/u/1',
    });
    try {
      const results = (await startTogether(3, ['lock', dbPath, name])) as { pid: number; locked: boolean }[];
      const winners = results.filter((result) => result.locked);
      expect(winners).toHaveLength(1);
      expect(await ledger.getLock(name)).toMatchObject({ pid: winners[0]?.pid, hostname: hostname() });
      // While the winner lives, this process cannot take the lock either.
      expect(await ledger.tryLock(name, { pid: process.pid, hostname: hostname() })).toBe(false);

      for (const child of children) await child.finish();
      // The winner exited without unlocking: its pid is dead on this host, so the lock is free to take.
      expect(await ledger.tryLock(name, { pid: process.pid, hostname: hostname() })).toBe(true);
    } finally {
      await ledger.close();
    }
  });

  it('concurrent writers from two processes all land (busy timeout, WAL)', async () => {
    const ledger = openSqliteLedger(dbPath);
    try {
      const results = (await startTogether(2, ['insert', dbPath, '100'])) as { inserted: number }[];
      expect(results.map((result) => result.inserted)).toEqual([100, 100]);
      const records = await ledger.list();
      expect(records).toHaveLength(200);
      expect(new Set(records.map((record) => record.videoName)).size).toBe(200);
      for (const child of children) await child.finish();
    } finally {
      await ledger.close();
    }
  });

  it('the real pid probe: a lock of an exited process is taken over, one of a live process is not', async () => {
    const exited = spawnSync(process.execPath, ['-e', '']);
    const deadPid = exited.pid;
    expect(deadPid).toBeGreaterThan(0);
    expect(isPidAlive(deadPid)).toBe(false);
    expect(isPidAlive(process.pid)).toBe(true);

    const ledger = openSqliteLedger(dbPath);
    try {
      const me = { pid: process.pid, hostname: hostname(), instanceId: 'test' };
      expect(await ledger.tryLock('dead', { pid: deadPid, hostname: hostname() })).toBe(true);
      expect(await ledger.tryLock('dead', me)).toBe(true);

      const live = spawnLedgerChild(['lock', dbPath, 'live']);
      children = [live];
      expect(await live.nextLine()).toBe('ready');
      live.process.stdin.write('go\n');
      expect(JSON.parse(await live.nextLine())).toMatchObject({ locked: true });
      expect(await ledger.tryLock('live', me)).toBe(false);
      await live.finish();
    } finally {
      await ledger.close();
    }
  });

  it('processes creating a brand-new ledger at the same moment all open it, migrated once', async () => {
    const results = (await startTogether(3, ['insert', dbPath, '5'])) as { inserted: number }[];
    expect(results.map((result) => result.inserted)).toEqual([5, 5, 5]);
    for (const child of children) await child.finish();
    const ledger = openSqliteLedger(dbPath);
    try {
      expect(await ledger.list()).toHaveLength(15);
    } finally {
      await ledger.close();
    }
  });

  it('a writer killed with SIGKILL mid-write leaves a consistent ledger that opens and reads', async () => {
    const child = spawnLedgerChild(['churn', dbPath, '50']);
    children = [child];
    expect(await child.nextLine()).toBe('ready');
    child.process.stdin.write('go\n');
    expect(await child.nextLine()).toBe('writing');
    const exited = once(child.process, 'exit');
    child.process.kill('SIGKILL');
    await exited;

    const check = new Database(dbPath);
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      check.close();
    }
    const ledger = openSqliteLedger(dbPath);
    try {
      const records = await ledger.list();
      expect(records.length).toBeGreaterThan(50);
      // Every record is whole: an update either landed completely or not at all.
      for (const record of records) {
        const n = Number(record.videoName?.slice('churn-'.length));
        if (record.state === 'uploading') {
          expect(record).toMatchObject({ ackedBytes: n, uploadLink: `https://up.example/${n}` });
        } else {
          expect(record).toMatchObject({ state: 'creating', ackedBytes: 0, uploadLink: null });
        }
      }
      await ledger.insert(sampleRecord()); // and it is writable again
    } finally {
      await ledger.close();
    }
  });

  it('a record written on one connection is seen on another at once', async () => {
    const writer = openSqliteLedger(dbPath);
    const reader = openSqliteLedger(dbPath);
    try {
      const record = await writer.insert(sampleRecord());
      await writer.update(record.id, { ackedBytes: 4096, state: 'uploading' });
      expect(await reader.get(record.id)).toMatchObject({ ackedBytes: 4096, state: 'uploading' });
    } finally {
      await writer.close();
      await reader.close();
    }
  });
});
