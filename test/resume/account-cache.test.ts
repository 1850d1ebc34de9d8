import { describe, expect, it } from 'vitest';
import { ACCOUNT_CACHE_MS, accountUriOf } from '../../src/resume/account-cache.js';

function fakeClient(apiUrl: string, tokenKey: string, answers: string[]) {
  let calls = 0;
  return {
    apiUrl,
    tokenKey,
    calls: () => calls,
    getMe: async () => {
      const uri = answers[Math.min(calls, answers.length - 1)] ?? '';
      calls += 1;
      return { uri } as Awaited<ReturnType<import('../../src/vimeo/client.js').VimeoClient['getMe']>>;
    },
  };
}

describe('the account of a token', () => {
  it('is asked once per API and token for a while, then again (a restarted sandbox is another instance)', async () => {
    let nowMs = 1_000;
    const now = () => nowMs;
    const client = fakeClient('http://127.0.0.1:1111', 'key-a', ['/users/111', '/users/222']);
    expect(await accountUriOf(client, undefined, now)).toBe('/users/111');
    nowMs += ACCOUNT_CACHE_MS - 1;
    expect(await accountUriOf(client, undefined, now)).toBe('/users/111');
    expect(client.calls()).toBe(1);
    nowMs += 1;
    expect(await accountUriOf(client, undefined, now)).toBe('/users/222');
    expect(client.calls()).toBe(2);
    // Another token on the same API is asked on its own.
    const other = fakeClient('http://127.0.0.1:1111', 'key-b', ['/users/333']);
    expect(await accountUriOf(other, undefined, now)).toBe('/users/333');
  });

  it('does not keep a failed lookup', async () => {
    let fail = true;
    const client = {
      apiUrl: 'http://127.0.0.1:2222',
      tokenKey: 'key-c',
      getMe: async () => {
        if (fail) throw new Error('down');
        return { uri: '/users/9' } as Awaited<
          ReturnType<import('../../src/vimeo/client.js').VimeoClient['getMe']>
        >;
      },
    };
    await expect(accountUriOf(client)).rejects.toThrow('down');
    fail = false;
    expect(await accountUriOf(client)).toBe('/users/9');
  });
});
