/**
 * The counts of one transfer (bytes the socket accepted, the server's acknowledged offset) and the
 * caller's callbacks around them. A callback that throws ends the transfer: its error is carried in
 * a {@link CallbackFailure}, which the retry loop passes through untouched (never retried).
 */

/** Progress of one transfer. */
export interface TransferProgress {
  /** Body bytes the socket accepted during this transfer, retries included. */
  readonly bytesSent: number;
  /** The server's latest `Upload-Offset`; never decreases. */
  readonly bytesAcked: number;
}

/** The caller's callbacks the counters call. */
export interface CounterCallbacks {
  readonly onProgress?: ((p: TransferProgress) => void) | undefined;
  readonly onAcked?: ((offset: number) => void | Promise<void>) | undefined;
}

/** An error thrown by a caller's callback, wrapped so that no retry loop mistakes it for its own. */
export class CallbackFailure {
  constructor(readonly error: unknown) {}
}

/** bytesSent / bytesAcked of one transfer, reported to the caller; see the module comment. */
export class TransferCounters {
  bytesSent = 0;
  bytesAcked = 0;
  /** PATCH requests started. */
  requests = 0;
  #ackedOnce = false;
  #failure: CallbackFailure | undefined;
  readonly #callbacks: CounterCallbacks;
  readonly #onFailure: () => void;

  /**
   * @param onFailure called once when a callback threw inside a socket callback (where throwing
   *   would escape into the event loop): the transfer aborts its request with it.
   */
  constructor(callbacks: CounterCallbacks, onFailure: () => void) {
    this.#callbacks = callbacks;
    this.#onFailure = onFailure;
  }

  /** The first error a callback threw from a socket callback, if any. */
  get failure(): CallbackFailure | undefined {
    return this.#failure;
  }

  /** The socket accepted `deltaBytes` more of a body. Never throws (runs in a socket callback). */
  written(deltaBytes: number): void {
    this.bytesSent += deltaBytes;
    try {
      this.#callbacks.onProgress?.({ bytesSent: this.bytesSent, bytesAcked: this.bytesAcked });
    } catch (error) {
      this.failedAside(new CallbackFailure(error));
    }
  }

  /**
   * A callback failed outside the request in flight (in a socket callback, or an acknowledgement
   * running beside the next PATCH): the first such failure is kept and `onFailure` aborts the
   * request. Never throws.
   */
  failedAside(failure: unknown): void {
    if (this.#failure) return;
    this.#failure = failure instanceof CallbackFailure ? failure : new CallbackFailure(failure);
    this.#onFailure();
  }

  /**
   * The server reported `offset`. The first report, and every one beyond the last, moves
   * bytesAcked and is reported as progress at once; a lower or equal one changes nothing, so
   * bytesAcked never decreases. Returns true when it moved: `persist(offset)` is then owed.
   * @throws CallbackFailure when onProgress threw.
   */
  observe(offset: number): boolean {
    if (this.#ackedOnce && offset <= this.bytesAcked) return false;
    this.#ackedOnce = true;
    this.bytesAcked = Math.max(this.bytesAcked, offset);
    try {
      this.#callbacks.onProgress?.({ bytesSent: this.bytesSent, bytesAcked: this.bytesAcked });
    } catch (error) {
      throw new CallbackFailure(error);
    }
    return true;
  }

  /**
   * Awaits the caller's onAcked for an offset `observe` moved to (the ledger persists it).
   * @throws CallbackFailure when onAcked threw.
   */
  async persist(offset: number): Promise<void> {
    try {
      await this.#callbacks.onAcked?.(offset);
    } catch (error) {
      throw new CallbackFailure(error);
    }
  }
}
