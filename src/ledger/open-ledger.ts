/**
 * The one way the CLI and the engine open "the" ledger: a backend chosen from options (SQLite
 * today), behind the `Ledger` interface.
 */
import { join } from 'node:path';
import { openSqliteLedger, type SqliteLedgerOptions } from './sqlite-ledger.js';
import type { Ledger } from './types.js';

/** The ledger's file name inside the state folder. */
export const LEDGER_FILE_NAME = 'ledger.db';

/** `<stateDir>/ledger.db`. */
export function ledgerPath(stateDir: string): string {
  return join(stateDir, LEDGER_FILE_NAME);
}

/** Options for `openLedger`. */
export interface OpenLedgerOptions extends SqliteLedgerOptions {
  /** The ledger file, usually `ledgerPath(resolveStateDir(...))`. */
  readonly path: string;
}

/**
 * Opens the ledger at `options.path`, creating it (owner-only) when missing. Rejects with
 * `LedgerError` when the file is not a usable ledger (never overwriting it).
 * @example const ledger = await openLedger({ path: ledgerPath(resolveStateDir({ flag, env })) });
 */
export async function openLedger(options: OpenLedgerOptions): Promise<Ledger> {
  const { path, ...rest } = options;
  return openSqliteLedger(path, rest);
}
