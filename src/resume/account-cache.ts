/**
 * The account a token belongs to (`GET /me` → `/users/123`), asked once per process and token: a
 * batch of uploads makes one `GET /me`, not one per file. A token's account never changes (a
 * revoked token fails its next call anyway), so the answer is kept for the life of the process.
 * The token itself is never kept: entries are keyed by the API URL and a SHA-256 of the token.
 * A failed lookup is not kept.
 */
import { createHash } from 'node:crypto';
import type { VimeoClient } from '../vimeo/client.js';

const accounts = new Map<string, Promise<string>>();

/** The account URI behind `token` on `client.apiUrl`. */
export function accountUriOf(client: VimeoClient, token: string, signal?: AbortSignal): Promise<string> {
  const key = `${client.apiUrl}\n${createHash('sha256').update(token).digest('hex')}`;
  let entry = accounts.get(key);
  if (!entry) {
    entry = client.getMe({ signal }).then((me) => me.uri);
    accounts.set(key, entry);
    entry.catch(() => {
      if (accounts.get(key) === entry) accounts.delete(key);
    });
  }
  return entry;
}
