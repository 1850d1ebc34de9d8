/**
 * The retry budget of one transfer: failed tries in a row, reset whenever the server's offset
 * advanced beyond the best it reported so far (a long upload over a flaky link keeps going as long
 * as each try delivers something).
 */

/** Counts failures in a row; see the module comment. */
export class RetryBudget {
  readonly #maxAttempts: number;
  #failuresInARow = 0;
  /** Highest offset the server reported during this transfer; -1 before the first. */
  #bestOffset = -1;

  /** @param maxAttempts tries in a row without progress before giving up (>= 1). */
  constructor(maxAttempts: number) {
    this.#maxAttempts = maxAttempts;
  }

  /** Failed tries since the server's offset last advanced. */
  get failuresInARow(): number {
    return this.#failuresInARow;
  }

  /** True once `maxAttempts` tries in a row have failed. */
  get exhausted(): boolean {
    return this.#failuresInARow >= this.#maxAttempts;
  }

  /** The server reported `offset`: beyond the best so far (not the first report), the count resets. */
  observed(offset: number): void {
    if (offset <= this.#bestOffset) return;
    if (this.#bestOffset >= 0) this.#failuresInARow = 0;
    this.#bestOffset = offset;
  }

  /** One more failed try; returns the failures in a row. */
  failed(): number {
    this.#failuresInARow += 1;
    return this.#failuresInARow;
  }
}
