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
  // Each acknowledgement (the caller's onAcked: the ledger's write) runs while the next PATCH goes
  // out, so the connection never waits for it at a chunk boundary. They stay in order (each waits
  // for the one before), one that fails aborts the PATCH in flight (the counters keep its error,
  // which ends the transfer), and the last is awaited before the try ends.
  let pending = acknowledgeAside(context, state.offset);
  let offset = state.offset;
  while (offset < state.length) {
    const endBytes = Math.min(state.length, offset + context.chunkSizer.sizeBytes);
    const range = { offsetBytes: offset, endBytes };
    offset = await patch(context, range);
    if (offset === endBytes) context.chunkSizer.completed(endBytes - range.offsetBytes);
    await pending;
    pending = acknowledgeAside(context, offset);
  }
  await pending;
  return { offset, length: state.length };
}

/** Starts acknowledging `offset`; a failure is also recorded at once, aborting the PATCH in flight. */
function acknowledgeAside(context: AttemptContext, offset: number): Promise<void> {
  context.onServerOffset(offset);
  const acknowledged = context.counters.acknowledged(offset);
  acknowledged.catch((failure: unknown) => context.counters.failedAside(failure));
  return acknowledged;
}

/** One PATCH of the range; returns the server's new offset. */
async function patch(context: AttemptContext, range: ChunkRange): Promise<number> {
  await context.ports.beforeSend?.();
  context.counters.requests += 1;
  try {
    return await context.ports.send(range, context.signal, (deltaBytes) =>
      context.counters.written(deltaBytes),
    );
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
