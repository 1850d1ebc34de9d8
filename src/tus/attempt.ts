/**
 * One try of a transfer: learn the server's offset (HEAD, unless it is known), check that the upload
 * is this file's, then PATCH from that offset until the upload is complete. Any failure ends the try;
 * the retry loop (transfer.ts) decides whether another one follows.
 */
import type http from 'node:http';
import { summarizeRequest, TusError, type VimeoTusError } from '../errors.js';
import { assertUnchanged, type FileSnapshot } from '../sources/file-source.js';
import type { BufferPool } from '../sources/range-reader.js';
import type { ChunkSizer } from './chunk-sizer.js';
import { probeOffset, type UploadState } from './probe-offset.js';
import { sendChunk } from './send-chunk.js';
import type { TransferCounters } from './transfer-counters.js';

/** What every try of one transfer shares. */
export interface AttemptContext {
  readonly url: URL;
  readonly file: FileSnapshot;
  readonly stallTimeoutMs: number;
  /** The caller's signal joined with the transfer's own (aborted when a callback threw). */
  readonly signal: AbortSignal;
  /** Keep-alive agent: one socket for the HEADs and PATCHes of the transfer. */
  readonly agent: http.Agent;
  readonly pool: BufferPool;
  readonly chunkSizer: ChunkSizer;
  readonly counters: TransferCounters;
  /** Called with every offset the server reports, before it is acknowledged (the retry budget). */
  readonly onServerOffset: (offset: number) => void;
}

/**
 * One try: HEAD (unless `known` says where the server is), then PATCHes until complete. Returns the
 * server's final state (offset == length).
 * @throws whatever ended the try: the typed errors of probeOffset and sendChunk, a FileError, a
 *   CallbackFailure.
 */
export async function runAttempt(context: AttemptContext, known?: UploadState): Promise<UploadState> {
  const state = known ?? (await probeOffset(context.url, context));
  checkServerState(state, context.file, context.url);
  await acknowledge(context, state.offset);
  let offset = state.offset;
  while (offset < state.length) {
    const endBytes = Math.min(state.length, offset + context.chunkSizer.sizeBytes);
    offset = await patch(context, offset, endBytes);
    await acknowledge(context, offset);
  }
  return { offset, length: state.length };
}

async function acknowledge(context: AttemptContext, offset: number): Promise<void> {
  context.onServerOffset(offset);
  await context.counters.acknowledged(offset);
}

/** One PATCH of [offsetBytes, endBytes); returns the server's new offset. */
async function patch(context: AttemptContext, offsetBytes: number, endBytes: number): Promise<number> {
  await assertUnchanged(context.file);
  context.counters.requests += 1;
  try {
    const sent = await sendChunk({
      url: context.url,
      filePath: context.file.path,
      offsetBytes,
      endBytes,
      stallTimeoutMs: context.stallTimeoutMs,
      signal: context.signal,
      agent: context.agent,
      pool: context.pool,
      onBytesWritten: (deltaBytes) => context.counters.written(deltaBytes),
    });
    return sent.offset;
  } catch (error) {
    const code = (error as Partial<VimeoTusError>).code;
    if (code === 'E_NETWORK' || code === 'E_STALLED') {
      // The same PATCH cut again and again without progress: send less at a time.
      context.chunkSizer.interrupted(offsetBytes, endBytes - offsetBytes);
    }
    throw error;
  }
}

/**
 * The server's upload must be this file: same length. (Its offset is within that length: probeOffset
 * refuses an offset beyond Upload-Length.)
 */
function checkServerState(state: UploadState, file: FileSnapshot, url: URL): void {
  if (state.length !== file.sizeBytes) {
    const request = summarizeRequest('HEAD', url);
    throw new TusError(
      'E_TUS_PROTOCOL',
      `The upload host expects ${state.length} bytes (Upload-Length) but the file has ${file.sizeBytes}: ` +
        'this upload link belongs to another file or version',
      { request },
    );
  }
}
