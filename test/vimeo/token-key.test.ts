/**
 * `VimeoClient.tokenKey`: what the account cache and the shared first reads key on, so that two
 * clients with one token on one API share, and the token itself is never kept beside them.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { VimeoClient } from '../../src/vimeo/client.js';

const API = 'http://127.0.0.1:1';

describe('the token key', () => {
  it('is equal for one token and different for another, and inspecting a client shows neither token nor key', () => {
    const token = 'secret-token-0123456789';
    const a = new VimeoClient({ token, apiUrl: API });
    const b = new VimeoClient({ token, apiUrl: API });
    const other = new VimeoClient({ token: 'another-token', apiUrl: API });
    expect(a.tokenKey).toMatch(/^[0-9a-f]{64}$/);
    expect(a.tokenKey).toBe(b.tokenKey);
    expect(a.tokenKey).not.toBe(other.tokenKey);
    expect(a.tokenKey).not.toContain(token);
    const shown = inspect(a, { depth: 5, showHidden: true });
    expect(shown).not.toContain(token);
    expect(shown).not.toContain(a.tokenKey);
  });
});
