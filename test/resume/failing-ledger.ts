/**
 * A ledger whose writes fail on demand, as an unwritable ledger file does (tests run as root,
 * so chmod cannot make one). It wraps a real ledger and throws the LedgerError that the SQLite
 * backend makes of SQLITE_READONLY.
 */
import type { LedgerError } from '../../src/errors.js';
import { ledgerFailure } from '../../src/ledger/sqlite-errors.js';
import type { Ledger } from '../../src/ledger/types.js';

/** The ledger methods that write. */
export type WriteMethod = 'insert' | 'update' | 'remove' | 'tryLock' | 'refreshLock' | 'unlock';

/** A wrapped ledger and the switch of its failing writes. */
export interface FailingLedger {
  readonly ledger: Ledger;
  /** Which writes fail from now on (empty: none). */
  failing: ReadonlySet<WriteMethod>;
  /** How many writes were refused. */
  readonly refused: () => number;
}

function readonlyError(path: string, method: WriteMethod): LedgerError {
  const cause = Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' });
  return ledgerFailure(path, `${method} in`, cause);
}

/** Wraps `inner` (stored at `path`, for the message); nothing fails until `failing` is set. */
export function failingLedger(inner: Ledger, path: string): FailingLedger {
  let refused = 0;
  const state: FailingLedger = {
    failing: new Set<WriteMethod>(),
    refused: () => refused,
    ledger: new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        const method = property as WriteMethod;
        return (...args: unknown[]) => {
          if (state.failing.has(method)) {
            refused++;
            return Promise.reject(readonlyError(path, method));
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }),
  };
  return state;
}
