import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileError } from '../../src/errors.js';
import {
  createBufferPool,
  openRangeReader,
  type RangeReader,
  retireBufferPool,
  SPARE_BUFFERS,
  spareBufferCount,
} from '../../src/sources/range-reader.js';
import { READ_SIZE_BYTES, SLOW_READ_MS, SLOW_READS_TO_SWITCH } from '../../src/sources/read-size.js';

let dir: string;
let path: string;
const content = randomBytes(10_000);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vimeo-tus-reader-'));
  path = join(dir, 'r.bin');
  await writeFile(path, content);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function drain(reader: RangeReader): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let piece = await reader.read(); piece; piece = await reader.read()) {
    pieces.push(Buffer.from(piece));
    reader.release(piece);
  }
  await reader.close();
  return Buffer.concat(pieces);
}

describe('openRangeReader', () => {
  it('returns exactly the bytes [start, end) through pooled buffers', async () => {
    const pool = createBufferPool(1_000, 2);
    expect(await drain(await openRangeReader(path, 0, 10_000, { pool }))).toEqual(content);
    expect(await drain(await openRangeReader(path, 1_234, 5_678, { pool }))).toEqual(
      content.subarray(1_234, 5_678),
    );
    // Each piece was released before the next read: one buffer served both readers.
    expect(pool.idle).toHaveLength(1);
    expect(pool.busy).toBe(false);
  });

  it('never has more pieces out than the pool holds; read waits for a release', async () => {
    const pool = createBufferPool(1_000, 2);
    const reader = await openRangeReader(path, 0, 10_000, { pool });
    const a = await reader.read();
    const b = await reader.read();
    let third: Buffer | null | undefined;
    const pending = reader.read().then((piece) => {
      third = piece;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).toBeUndefined();
    expect(a && b).toBeTruthy();
    if (a) reader.release(a);
    await pending;
    expect(third).toEqual(content.subarray(2_000, 3_000));
    await reader.close();
    expect(await reader.read()).toBeNull();
  });

  it('never hands the next reader a buffer that was not released (a write still queued)', async () => {
    const pool = createBufferPool(1_000, 2);
    const first = await openRangeReader(path, 0, 10_000, { pool });
    const kept = await first.read(); // still "in the socket"
    const done = await first.read();
    if (!kept || !done) throw new Error('expected two pieces');
    first.release(done);
    await first.close();
    const copy = Buffer.from(kept);

    const second = await openRangeReader(path, 5_000, 10_000, { pool });
    const pieces: Buffer[] = [];
    for (let piece = await second.read(); piece; piece = await second.read()) {
      expect(piece.buffer).not.toBe(kept.buffer);
      pieces.push(Buffer.from(piece));
      second.release(piece);
    }
    expect(Buffer.concat(pieces)).toEqual(content.subarray(5_000, 10_000));
    expect(kept).toEqual(copy); // untouched while it was out
    // Its write callback came at last: the buffer goes back to the pool.
    first.release(kept);
    expect(pool.idle.map((b) => b.buffer)).toContain(kept.buffer);
    expect(pool.idle.length).toBeLessThanOrEqual(2);
    await second.close();
  });

  it('uses a private pool when the shared one is busy', async () => {
    const pool = createBufferPool(1_000, 1);
    const first = await openRangeReader(path, 0, 10_000, { pool });
    const second = await openRangeReader(path, 0, 3_000, { pool });
    expect(await drain(second)).toEqual(content.subarray(0, 3_000));
    await first.close();
  });

  it('fails with E_FILE_CHANGED when the file ends before the range', async () => {
    const short = join(dir, 'short.bin');
    await writeFile(short, content);
    const reader = await openRangeReader(short, 0, 10_000, { pool: createBufferPool(4_000, 2) });
    await truncate(short, 5_000);
    const error = await drain(reader).catch((e: unknown) => e);
    await reader.close();
    expect(error).toBeInstanceOf(FileError);
    expect((error as FileError).code).toBe('E_FILE_CHANGED');
  });

  it('reads the same bytes through the thread pool (slow storage mode)', async () => {
    const pool = createBufferPool(1_000, 2, true);
    expect(await drain(await openRangeReader(path, 17, 9_999, { pool }))).toEqual(
      content.subarray(17, 9_999),
    );
    expect(pool.asyncReads).toBe(true);
  });

  it('fails with E_FILE_NOT_FOUND for a missing file', async () => {
    const error = await openRangeReader(join(dir, 'nope.bin'), 0, 1).catch((e: unknown) => e);
    expect((error as FileError).code).toBe('E_FILE_NOT_FOUND');
  });
});

describe('spare buffers between transfers', () => {
  let big: string;
  let bigContent: Buffer;
  beforeAll(async () => {
    bigContent = randomBytes(READ_SIZE_BYTES + 123);
    big = join(dir, 'big.bin');
    await writeFile(big, bigContent);
  });

  it("a finished transfer's buffers serve the next transfer's reads", async () => {
    const first = createBufferPool();
    const bytes = await drain(await openRangeReader(big, 0, bigContent.length, { pool: first }));
    expect(bytes.equals(bigContent)).toBe(true);
    const used = new Set(first.idle.map((buffer) => buffer.buffer));
    expect(used.size).toBeGreaterThan(0);
    const sparesBefore = spareBufferCount();
    retireBufferPool(first);
    expect(first.idle).toHaveLength(0);
    expect(spareBufferCount()).toBe(Math.min(SPARE_BUFFERS, sparesBefore + used.size));

    const second = createBufferPool();
    const reader = await openRangeReader(big, 0, bigContent.length, { pool: second });
    const piece = await reader.read();
    if (!piece) throw new Error('expected a piece');
    // The same memory, not a new allocation; and the bytes are this read's.
    expect(used.has(piece.buffer)).toBe(true);
    expect(piece.equals(bigContent.subarray(0, READ_SIZE_BYTES))).toBe(true);
    reader.release(piece);
    await reader.close();
    retireBufferPool(second);
  });

  it('a buffer still in a socket becomes a spare only when released, and spares stay bounded', async () => {
    const pool = createBufferPool();
    const reader = await openRangeReader(big, 0, bigContent.length, { pool });
    const kept = await reader.read(); // a write still queued when the transfer ends
    if (!kept) throw new Error('expected a piece');
    await reader.close();
    retireBufferPool(pool);
    const sparesNow = spareBufferCount();

    // A transfer starting meanwhile never gets the buffer that is still out.
    const next = createBufferPool();
    const other = await openRangeReader(big, 0, bigContent.length, { pool: next });
    const fresh = await other.read();
    expect(fresh?.buffer).not.toBe(kept.buffer);
    if (fresh) other.release(fresh);
    await other.close();

    reader.release(kept); // its write callback, after the transfer ended
    expect(pool.idle).toHaveLength(0); // not back in the retired pool
    retireBufferPool(next);
    expect(spareBufferCount()).toBeLessThanOrEqual(SPARE_BUFFERS);
    expect(spareBufferCount()).toBeGreaterThanOrEqual(Math.min(SPARE_BUFFERS, sparesNow));

    // Many retired pools never keep more than SPARE_BUFFERS.
    const pools = Array.from({ length: SPARE_BUFFERS + 3 }, () => createBufferPool());
    const readers = await Promise.all(
      pools.map((p) => openRangeReader(big, 0, READ_SIZE_BYTES, { pool: p })),
    );
    for (const r of readers) await drain(r);
    for (const p of pools) retireBufferPool(p);
    expect(spareBufferCount()).toBe(SPARE_BUFFERS);
  });
});

describe('where reads run', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('stays on the calling thread while reads are fast', async () => {
    const pool = createBufferPool(1_000, 2);
    expect(await drain(await openRangeReader(path, 0, 10_000, { pool }))).toEqual(content);
    expect(pool.asyncReads).toBe(false);
  });

  /** Make the clock advance `stepMs` at each reading: every read then takes `stepMs`. */
  function everyReadTakes(stepMs: number): void {
    let nowMs = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => {
      nowMs += stepMs;
      return nowMs;
    });
  }

  it('stays on the calling thread when only a few reads were slow (a scheduling pause)', async () => {
    everyReadTakes(SLOW_READ_MS + 1);
    const pool = createBufferPool(1_000, 2);
    const reader = await openRangeReader(path, 0, 10_000, { pool });
    for (let i = 1; i < SLOW_READS_TO_SWITCH; i += 1) {
      const piece = await reader.read();
      if (piece) reader.release(piece);
    }
    vi.restoreAllMocks(); // the next reads are fast
    const rest: Buffer[] = [];
    for (let p = await reader.read(); p; p = await reader.read()) {
      rest.push(Buffer.from(p));
      reader.release(p);
    }
    await reader.close();
    expect(Buffer.concat(rest)).toEqual(content.subarray((SLOW_READS_TO_SWITCH - 1) * 1_000));
    expect(pool.asyncReads).toBe(false);
  });

  it('moves to the thread pool for the rest of the transfer after a few slow reads', async () => {
    everyReadTakes(SLOW_READ_MS + 1);
    const pool = createBufferPool(1_000, 2);
    const first = await openRangeReader(path, 0, 10_000, { pool });
    const seen: Buffer[] = [];
    for (let i = 0; i < SLOW_READS_TO_SWITCH; i += 1) {
      const piece = await first.read();
      expect(pool.asyncReads).toBe(i === SLOW_READS_TO_SWITCH - 1);
      if (piece) {
        seen.push(Buffer.from(piece));
        first.release(piece);
      }
    }
    const callsAfterSwitch = vi.mocked(performance.now).mock.calls.length;
    // The rest of this range, and the next PATCH's reader, read through the thread pool (no clock).
    for (let p = await first.read(); p; p = await first.read()) {
      seen.push(Buffer.from(p));
      first.release(p);
    }
    await first.close();
    expect(Buffer.concat(seen)).toEqual(content);
    expect(await drain(await openRangeReader(path, 2_000, 3_000, { pool }))).toEqual(
      content.subarray(2_000, 3_000),
    );
    expect(vi.mocked(performance.now).mock.calls.length).toBe(callsAfterSwitch);
  });
});
