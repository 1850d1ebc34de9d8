/**
 * The account a token belongs to (`GET /me` → `/users/123`), asked once per run and per token:
 * a batch of uploads makes one `GET /me`, not one per file.
 */
import { createHash } from 'node:crypto';
import type { VimeoClient } from '../vimeo/client.js';

/**
 * Caches `GET /me` answers for the life of one run (create one per CLI run or program). The token
 * itself is never kept: entries are keyed by the API URL and a SHA-256 of the token. A failed
 * lookup is not cached.
 * @example
 * const accounts = new AccountCache();
 * startLedgerUpload(a, { token, ledger, accounts }); startLedgerUpload(b, { token, ledger, accounts });
 */
export class AccountCache {
  readonly #entries = new Map<string, Promise<string>>();

  /** The account URI behind `token` on `client.apiUrl`. */
  accountUri(client: VimeoClient, token: string, signal?: AbortSignal): Promise<string> {
    const key = `${client.apiUrl}\n${createHash('sha256').update(token).digest('hex')}`;
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = client.getMe(signal).then((me) => me.uri);
      this.#entries.set(key, entry);
      entry.catch(() => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      });
    }
    return entry;
  }
}
