/**
 * The one way the CLI, the entry point and library users open "the" ledger: SQLite in a file,
 * behind the `Ledger` interface. SQLite (a native module) is loaded only when a ledger is opened,
 * and its types stay out of the public declarations.
 */
import { join } from 'node:path';
import type { LedgerClockOptions } from './lock-policy.js';
import type { Ledger } from './types.js';

/** The ledger's file name inside the state folder. */
export const LEDGER_FILE_NAME = 'ledger.db';

/** `<stateDir>/ledger.db`. */
export function ledgerPath(stateDir: string): string {
  return join(stateDir, LEDGER_FILE_NAME);
}

/** Options of {@link openLedger}. */
export interface OpenLedgerOptions extends LedgerClockOptions {
  /** The ledger file (created owner-only, with its folder, when missing), e.g. `~/.local/state/vimeo-tus/ledger.db`. */
  readonly path: string;
  /** How long a write waits for another process's lock on the file. @default 5000 */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens the SQLite ledger at `options.path`, creating it (owner-only) when missing. Rejects with
 * `LedgerError` when the file is not a usable ledger (never overwriting it). One ledger can serve
 * many uploads of a program at once; close it when they are done.
 * @example
 * const ledger = await openLedger({ path: '/var/lib/uploader/ledger.db' });
 * try {
 *   await Promise.all(files.map((file) => createUpload(file, { token, ledger }).done));
 * } finally {
 *   await ledger.close();
 * }
 */
export async function openLedger(options: OpenLedgerOptions): Promise<Ledger> {
  const { path, ...rest } = options;
  const { openSqliteLedger } = await import('./sqlite-ledger.js');
  return openSqliteLedger(path, rest);
}
