/**
 * Reads a byte range of a file into a small pool of reusable buffers: the PATCH body source.
 *
 * Why not fs.createReadStream: every read of a stream allocates a fresh Buffer; the garbage is only
 * collected when V8's external-memory pressure says so, so a process streaming a large file grows by
 * tens of MiB of dead buffers, and every fresh multi-MiB buffer costs page faults. Here a fixed
 * number of buffers cycle between disk and socket: the caller hands each piece back (`release`) once
 * the socket no longer needs it, so memory is `maxBuffers * bufferBytes` (2 MiB by default), whatever
 * the range size or the number of PATCHes (one pool serves a whole transfer). Reads are small and run
 * on the calling thread until one is slow (src/sources/read-size.ts says why).
 */
import { readSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { FileError } from '../errors.js';
import { fileErrorOf } from './file-error.js';
import {
  READ_BUFFER_COUNT,
  READ_SIZE_BYTES,
  SLOW_READ_MS,
  SLOW_READ_WINDOW,
  SLOW_READS_TO_SWITCH,
} from './read-size.js';

/**
 * Buffers shared by the successive readers of one transfer (one reader at a time), so a chunked
 * upload allocates its few buffers once rather than once per PATCH.
 *
 * A buffer comes back to the pool only through `release` (the socket's write callback: the kernel
 * took the bytes, or the write was cancelled), never because its reader closed: a request answered
 * early may still have writes queued on its socket, and the next reader must not fill those bytes.
 */
export interface BufferPool {
  readonly bufferBytes: number;
  readonly maxBuffers: number;
  /** Buffers nobody uses, ready for the next read (at most maxBuffers are kept). */
  readonly idle: Buffer[];
  /** True while a reader uses the pool. */
  busy: boolean;
  /**
   * Read through the thread pool rather than on the calling thread: set once synchronous reads were
   * slow (see SLOW_READS_TO_SWITCH), and kept for the rest of the transfer.
   */
  asyncReads: boolean;
  /** Synchronous reads made so far, and the indices of the recent slow ones. */
  readonly readLog: { count: number; slow: number[] };
  /** Set by {@link retireBufferPool}: buffers released from now on go to the process's spares. */
  retired: boolean;
}

/**
 * Read buffers no transfer uses, kept for the next transfer of the process (at most SPARE_BUFFERS, of
 * READ_SIZE_BYTES each). A buffer of a finished transfer is otherwise freed only when V8 collects it,
 * and a new one may be memory the kernel has to fault in and zero on its first read: 200 reads of
 * 1 MiB from the page cache took 260 ms into fresh buffers the first time in a process (36-55 ms once
 * the allocator reused freed memory), 30-37 ms into one reused buffer; a batch of small files pays
 * that per file. Only buffers some transfer already needed are kept, so a process's peak memory
 * does not grow.
 */
const spareBuffers: Buffer[] = [];

/** How many idle read buffers a process keeps between transfers (8 MiB). */
export const SPARE_BUFFERS = 8;

/** Hand a buffer nobody uses to the process's spares (dropped when they are full). */
function spare(buffer: Buffer): void {
  if (buffer.length === READ_SIZE_BYTES && spareBuffers.length < SPARE_BUFFERS) spareBuffers.push(buffer);
}

/**
 * The pool's transfer is over: its idle buffers, and the ones its sockets release later, become spares
 * for the process's next transfers.
 */
export function retireBufferPool(pool: BufferPool): void {
  pool.retired = true;
  for (let buffer = pool.idle.pop(); buffer !== undefined; buffer = pool.idle.pop()) spare(buffer);
}

/** Idle read buffers the process keeps for its next transfers (for tests). */
export function spareBufferCount(): number {
  return spareBuffers.length;
}

/**
 * A pool of `maxBuffers` buffers of `bufferBytes`: one being filled from disk while the others wait
 * in the socket. `asyncReads` starts the pool on thread-pool reads (tests; slow storage known ahead).
 */
export function createBufferPool(
  bufferBytes: number = READ_SIZE_BYTES,
  maxBuffers: number = READ_BUFFER_COUNT,
  asyncReads = false,
): BufferPool {
  if (
    !Number.isSafeInteger(bufferBytes) ||
    bufferBytes < 1 ||
    !Number.isSafeInteger(maxBuffers) ||
    maxBuffers < 1
  ) {
    throw new RangeError(`createBufferPool needs positive integers (got ${bufferBytes}, ${maxBuffers})`);
  }
  return {
    bufferBytes,
    maxBuffers,
    idle: [],
    busy: false,
    asyncReads,
    readLog: { count: 0, slow: [] },
    retired: false,
  };
}

/** A spare buffer of that size, else a new one with its own ArrayBuffer (not the shared slab), so
 * `release` can find it by its memory. */
function newBuffer(bufferBytes: number): Buffer {
  return (
    (bufferBytes === READ_SIZE_BYTES ? spareBuffers.pop() : undefined) ?? Buffer.allocUnsafeSlow(bufferBytes)
  );
}

/** Options of {@link openRangeReader}. */
export interface RangeReaderOptions {
  /** Buffers to read into; a private default pool when absent or busy. */
  readonly pool?: BufferPool;
}

/** A pull source of the pieces of one byte range. */
export interface RangeReader {
  /**
   * The next piece of the range (a view into a pooled buffer), or `null` when the range is done.
   * Waits while every buffer is out.
   * @throws FileError E_FILE_CHANGED when the file ends before the range does, E_FILE_UNREADABLE
   *   when a read fails.
   */
  read(): Promise<Buffer | null>;
  /**
   * Give back a piece returned by `read` once nothing uses its bytes any more (also after `close`:
   * the buffer then returns to the pool for the next reader).
   */
  release(piece: Buffer): void;
  /**
   * Close the file; pending and later reads return `null`. Pieces still out stay out of the pool
   * until released: the next reader allocates its own meanwhile.
   */
  close(): Promise<void>;
}

/** Throws a RangeError (a caller's bug) unless 0 <= startByte < endByte, both whole numbers. */
export function checkRange(caller: string, startByte: number, endByte: number): void {
  if (
    !Number.isSafeInteger(startByte) ||
    !Number.isSafeInteger(endByte) ||
    startByte < 0 ||
    endByte <= startByte
  ) {
    throw new RangeError(`${caller} needs 0 <= startByte < endByte (got ${startByte}, ${endByte})`);
  }
}

/**
 * Open `path` for reading the bytes [startByte, endByte) through a pool of reusable buffers.
 * @throws FileError E_FILE_NOT_FOUND / E_FILE_UNREADABLE when the file cannot be opened.
 */
export async function openRangeReader(
  path: string,
  startByte: number,
  endByte: number,
  options: RangeReaderOptions = {},
): Promise<RangeReader> {
  checkRange('openRangeReader', startByte, endByte);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileErrorOf(path, error);
  }
  const pool = options.pool && !options.pool.busy ? options.pool : createBufferPool();
  pool.busy = true;
  /** Buffers this reader lent out (by their memory), until released. */
  const out = new Map<ArrayBufferLike, Buffer>();
  let waiter: (() => void) | undefined;
  let position = startByte;
  let closed = false;

  /** An idle (or new) buffer, lent out; undefined when every buffer is out or the reader closed. */
  const takeIdle = (): Buffer | undefined => {
    if (closed) return undefined;
    // A buffer lent by an earlier reader and not yet released is not idle: it is never reused here.
    const buffer = pool.idle.pop() ?? (out.size < pool.maxBuffers ? newBuffer(pool.bufferBytes) : undefined);
    if (buffer) out.set(buffer.buffer, buffer);
    return buffer;
  };
  const takeBuffer = async (): Promise<Buffer | undefined> => {
    for (;;) {
      if (closed) return undefined;
      const buffer = takeIdle();
      if (buffer) return buffer;
      await new Promise<void>((resolve) => {
        waiter = resolve;
      });
    }
  };
  // Synchronous while reads are fast (the page cache), through the thread pool once a few were slow.
  const readLater = async (buffer: Buffer, lengthBytes: number): Promise<number> =>
    (await handle.read(buffer, 0, lengthBytes, position)).bytesRead;
  const readNow = (buffer: Buffer, lengthBytes: number): number => {
    const startedMs = performance.now();
    const bytesRead = readSync(handle.fd, buffer, 0, lengthBytes, position);
    const log = pool.readLog;
    log.count += 1;
    if (performance.now() - startedMs > SLOW_READ_MS) {
      log.slow = log.slow.filter((index) => index > log.count - SLOW_READ_WINDOW);
      log.slow.push(log.count);
      if (log.slow.length >= SLOW_READS_TO_SWITCH) pool.asyncReads = true;
    }
    return bytesRead;
  };
  const giveBack = (buffer: Buffer): void => {
    out.delete(buffer.buffer);
    if (pool.retired) spare(buffer);
    else if (pool.idle.length < pool.maxBuffers) pool.idle.push(buffer);
    const resolve = waiter;
    waiter = undefined;
    resolve?.();
  };

  return {
    async read() {
      if (position >= endByte) return null;
      // Without an await while a buffer is at hand and reads are synchronous: this runs per piece.
      const buffer = takeIdle() ?? (await takeBuffer());
      if (!buffer) return null;
      const wantBytes = Math.min(buffer.length, endByte - position);
      let bytesRead: number;
      try {
        bytesRead = pool.asyncReads ? await readLater(buffer, wantBytes) : readNow(buffer, wantBytes);
      } catch (error) {
        giveBack(buffer);
        if (closed) return null;
        throw fileErrorOf(path, error);
      }
      if (closed) {
        giveBack(buffer);
        return null;
      }
      if (bytesRead === 0) {
        giveBack(buffer);
        throw new FileError(
          'E_FILE_CHANGED',
          path,
          `${path} ended at byte ${position}, before the expected ${endByte}: it changed during the upload`,
        );
      }
      position += bytesRead;
      return buffer.subarray(0, bytesRead);
    },
    release(piece) {
      const owner = out.get(piece.buffer);
      if (owner) giveBack(owner);
    },
    async close() {
      if (closed) return;
      closed = true;
      pool.busy = false;
      const resolve = waiter;
      waiter = undefined;
      resolve?.();
      await handle.close().catch(() => undefined);
    },
  };
}
