/**
 * One try of a transfer: learn the server's offset (HEAD, unless it is known), check that the upload
 * is this file's, then PATCH from that offset until the upload is complete. Any failure ends the try;
 * the retry loop (transfer-loop.ts) decides whether another one follows. Platform-free: the requests
 * are made by the platform's {@link TransferPorts} (Node: `node:http` and file reads; the browser:
 * XMLHttpRequest and `Blob.slice`).
 */
import { summarizeRequest, TusError, type VimeoTusError } from '../errors.js';
import type { ChunkSizer } from './chunk-sizer.js';
import type { UploadState } from './responses.js';
import type { TransferCounters } from './transfer-counters.js';

/** The bytes one PATCH carries: [offsetBytes, endBytes). */
export interface ChunkRange {
  readonly offsetBytes: number;
  readonly endBytes: number;
}

/** The platform's side of a transfer: the two requests, and a check before each PATCH. */
export interface TransferPorts {
  /** HEAD the upload link (with the stall timeout); the answer judged by `readHeadAnswer`. */
  probe(signal: AbortSignal): Promise<UploadState>;
  /**
   * PATCH the range and return the server's new `Upload-Offset` (judged by `readPatchAnswer`).
   * `onBytesWritten` is called as parts of the body leave; it never throws.
   */
  send(range: ChunkRange, signal: AbortSignal, onBytesWritten: (deltaBytes: number) => void): Promise<number>;
  /** Runs before each PATCH; what it throws ends the try (Node: FileError when the file changed). */
  beforeSend?(): Promise<void>;
}

/** What every try of one transfer shares. */
export interface AttemptContext {
  readonly url: URL;
  /** The file's size: the server's `Upload-Length` must be this. */
  readonly sizeBytes: number;
  readonly ports: TransferPorts;
  /** The caller's signal joined with the transfer's own (aborted when a callback threw). */
  readonly signal: AbortSignal;
  readonly chunkSizer: ChunkSizer;
  /** The clock a PATCH's pace is timed with (ms). */
  readonly now: () => number;
  readonly counters: TransferCounters;
  /** Called with every offset the server reports, before it is acknowledged (the retry budget). */
  readonly onServerOffset: (offset: number) => void;
}

/**
 * One try: HEAD (unless `known` says where the server is), then PATCHes until complete. Returns the
 * server's final state (offset == length).
 * @throws whatever ended the try: the typed errors of the ports, a CallbackFailure.
 */
export async function runAttempt(context: AttemptContext, known?: UploadState): Promise<UploadState> {
  const state = known ?? (await context.ports.probe(context.signal));
  checkServerState(state, context.sizeBytes, context.url);
  const acks = new Acknowledgements(context);
  acks.report(state.offset);
  let offset = state.offset;
  try {
    while (offset < state.length) {
      const endBytes = Math.min(state.length, offset + context.chunkSizer.sizeBytes);
      const range = { offsetBytes: offset, endBytes };
      const startedMs = context.now();
      offset = await patch(context, range, acks.persist);
      if (offset === endBytes)
        context.chunkSizer.completed(endBytes - range.offsetBytes, context.now() - startedMs);
      await acks.settle();
      acks.report(offset);
    }
    await acks.settle();
  } catch (error) {
    // What the server acknowledged is still persisted (a failure there is kept by the counters).
    await acks.settle().catch(() => undefined);
    throw error;
  }
  return { offset, length: state.length };
}

/**
 * The acknowledgements of one try, in order. An offset the server reports moves `bytesAcked` and is
 * reported as progress at once; the caller's onAcked for it (the ledger's write, which may hold the
 * thread while SQLite syncs) waits until the next PATCH has handed its first bytes to the network,
 * or no PATCH follows, and then runs beside that PATCH: it never delays the next request, so at a
 * chunk boundary the client waits only for the server's answer. An onAcked that fails is recorded
 * by the counters at once, which aborts the PATCH in flight and ends the transfer with its error.
 */
class Acknowledgements {
  #pending: Promise<void> = Promise.resolve();
  #owed: number | undefined;

  constructor(private readonly context: AttemptContext) {}

  /** The server reported `offset`: progress now, onAcked when the next PATCH starts or at `settle`. */
  report(offset: number): void {
    this.context.onServerOffset(offset);
    if (this.context.counters.observe(offset)) this.#owed = offset;
  }

  /** Starts the owed onAcked, if any. Never throws (called from socket callbacks). */
  readonly persist = (): void => {
    const offset = this.#owed;
    if (offset === undefined) return;
    this.#owed = undefined;
    const persisted = this.context.counters.persist(offset);
    persisted.catch((failure: unknown) => this.context.counters.failedAside(failure));
    this.#pending = persisted;
  };

  /** Starts what is owed and waits for every onAcked so far; rethrows a failed one. */
  async settle(): Promise<void> {
    this.persist();
    await this.#pending;
  }
}

/** One PATCH of the range; returns the server's new offset. `started` runs at its first bytes out. */
async function patch(context: AttemptContext, range: ChunkRange, started: () => void): Promise<number> {
  await context.ports.beforeSend?.();
  context.counters.requests += 1;
  try {
    return await context.ports.send(range, context.signal, (deltaBytes) => {
      context.counters.written(deltaBytes);
      started();
    });
  } catch (error) {
    context.chunkSizer.failed();
    const code = (error as Partial<VimeoTusError>).code;
    if (code === 'E_NETWORK' || code === 'E_STALLED') {
      // The same PATCH cut again and again without progress: send less at a time.
      context.chunkSizer.interrupted(range.offsetBytes, range.endBytes - range.offsetBytes);
    }
    throw error;
  }
}

/**
 * The server's upload must be this file: same length. (Its offset is within that length: a HEAD
 * answer with an offset beyond Upload-Length is refused.)
 */
function checkServerState(state: UploadState, sizeBytes: number, url: URL): void {
  if (state.length !== sizeBytes) {
    const request = summarizeRequest('HEAD', url);
    throw new TusError(
      'E_TUS_PROTOCOL',
      `The upload host expects ${state.length} bytes (Upload-Length) but the file has ${sizeBytes}: ` +
        'this upload link belongs to another file or version',
      { request },
    );
  }
}
