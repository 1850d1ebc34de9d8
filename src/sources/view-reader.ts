/**
 * A range reader over bytes already in memory (a buffer, or what a stream delivered): each piece is
 * a view, never a copy. Like the pooled file reader it lends at most `maxBuffers` pieces at once and
 * waits for their release, so what waits in the socket's queue stays bounded and each write
 * callback stays close to "the kernel took these bytes" (progress, and the stall timer, count on it).
 */
import { type BufferPool, checkRange, createBufferPool, type RangeReader } from './range-reader.js';

/** The view of at most `maxBytes` bytes from `position` (fewer only where a stored piece ends). */
export type PieceAt = (position: number, maxBytes: number) => Buffer | Promise<Buffer>;

/** Reads [startByte, endByte) as views from `pieceAt`, at most `pool.bufferBytes` per piece. */
export function openViewReader(
  pieceAt: PieceAt,
  startByte: number,
  endByte: number,
  pool: BufferPool = createBufferPool(),
): RangeReader {
  checkRange('openViewReader', startByte, endByte);
  let position = startByte;
  let lent = 0;
  let closed = false;
  let waiter: (() => void) | undefined;
  const wake = (): void => {
    const resolve = waiter;
    waiter = undefined;
    resolve?.();
  };
  return {
    async read() {
      while (!closed && lent >= pool.maxBuffers) {
        await new Promise<void>((resolve) => {
          waiter = resolve;
        });
      }
      if (closed || position >= endByte) return null;
      const piece = await pieceAt(position, Math.min(pool.bufferBytes, endByte - position));
      if (closed) return null;
      lent += 1;
      position += piece.length;
      return piece;
    },
    release() {
      lent = Math.max(0, lent - 1);
      wake();
    },
    async close() {
      closed = true;
      wake();
    },
  };
}
