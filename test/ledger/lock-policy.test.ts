import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { currentLockOwner, isLockTakeable, sameOwner, uploadLockName } from '../../src/ledger/lock-policy.js';
import type { LockInfo } from '../../src/ledger/types.js';

const held: LockInfo = {
  name: 'L',
  pid: 10,
  hostname: 'h1',
  instanceId: '',
  acquiredAt: 1_000,
  heartbeatAt: 1_000,
};
const alive = (): boolean => true;
const dead = (): boolean => false;

describe('lock policy', () => {
  it('isLockTakeable: stale heartbeat, or dead pid on the same host; nothing else', () => {
    expect(isLockTakeable(held, { pid: 11, hostname: 'h1' }, 1_500, 1_000, alive)).toBe(false);
    expect(isLockTakeable(held, { pid: 11, hostname: 'h1' }, 2_000, 1_000, alive)).toBe(true);
    expect(isLockTakeable(held, { pid: 11, hostname: 'h1' }, 1_500, 1_000, dead)).toBe(true);
    expect(isLockTakeable(held, { pid: 11, hostname: 'h2' }, 1_500, 1_000, dead)).toBe(false);
    expect(isLockTakeable(held, { pid: 10, hostname: 'h1', instanceId: 'x' }, 1_500, 1_000, dead)).toBe(
      false,
    );
  });

  it('sameOwner compares pid, hostname and instanceId (missing = empty)', () => {
    expect(sameOwner({ pid: 1, hostname: 'h' }, { pid: 1, hostname: 'h', instanceId: '' })).toBe(true);
    expect(sameOwner({ pid: 1, hostname: 'h' }, { pid: 1, hostname: 'h', instanceId: 'a' })).toBe(false);
    expect(sameOwner({ pid: 1, hostname: 'h' }, { pid: 2, hostname: 'h' })).toBe(false);
    expect(sameOwner({ pid: 1, hostname: 'h' }, { pid: 1, hostname: 'g' })).toBe(false);
  });

  it('uploadLockName is the same for the same key and differs when any part differs', () => {
    const key = { filePath: '/v/a.mp4', apiUrl: 'https://api.vimeo.com', accountUri: '/users/1' };
    expect(uploadLockName({ ...key })).toBe(uploadLockName(key));
    const names = new Set([
      uploadLockName(key),
      uploadLockName({ ...key, filePath: '/v/b.mp4' }),
      uploadLockName({ ...key, apiUrl: 'http://127.0.0.1:1' }),
      uploadLockName({ ...key, accountUri: '/users/2' }),
      // separators inside values cannot make two keys collide
      uploadLockName({ filePath: 'b', apiUrl: 'a', accountUri: '/u' }),
      uploadLockName({ filePath: '","b', apiUrl: 'a', accountUri: '/u' }),
    ]);
    expect(names.size).toBe(6);
  });

  it('currentLockOwner is this process on this host, a new instance each call', () => {
    const one = currentLockOwner();
    const two = currentLockOwner();
    expect(one).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(sameOwner(one, two)).toBe(false);
    expect(currentLockOwner('fixed').instanceId).toBe('fixed');
  });
});
