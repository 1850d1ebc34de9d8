/**
 * The account a token belongs to (`GET /me` → `/users/123`), asked once per API, token and half
 * minute: a batch of uploads makes one `GET /me`, not one per file. The answer is kept only that
 * long because the account behind an API URL can change under a long-lived process: a sandbox
 * restarted on a new data folder is another instance with another user id (and reuses video ids),
 * and records of another account or instance must not be trusted. The token itself is never kept:
 * entries are keyed by the API URL and the client's `tokenKey` (a SHA-256 of the token). A failed
 * lookup is not kept.
 */
import type { VimeoClient } from '../vimeo/client.js';

/** How long an answer of `GET /me` is reused. */
export const ACCOUNT_CACHE_MS = 30_000;

const accounts = new Map<string, { readonly atMs: number; readonly uri: Promise<string> }>();

/** The account URI behind the client's token on `client.apiUrl`. */
export function accountUriOf(
  client: Pick<VimeoClient, 'apiUrl' | 'getMe' | 'tokenKey'>,
  signal?: AbortSignal,
  now: () => number = Date.now,
): Promise<string> {
  const key = `${client.apiUrl}\n${client.tokenKey}`;
  const nowMs = now();
  const cached = accounts.get(key);
  if (cached && nowMs - cached.atMs < ACCOUNT_CACHE_MS) return cached.uri;
  const uri = client.getMe({ signal }).then((me) => me.uri);
  const entry = { atMs: nowMs, uri };
  accounts.set(key, entry);
  uri.catch(() => {
    if (accounts.get(key) === entry) accounts.delete(key);
  });
  return uri;
}
