/**
 * The sources beyond a file (src/sources): a buffer (every range, as views) and a stream of a
 * declared size (read once; the current range kept until a later one starts past it), and the one
 * place that tells the kinds of input apart.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, FileError } from '../../src/errors.js';
import { bufferSource } from '../../src/sources/buffer-source.js';
import { openSource } from '../../src/sources/open-source.js';
import { createBufferPool, type RangeReader } from '../../src/sources/range-reader.js';
import { streamSource } from '../../src/sources/stream-source.js';

/** Reads a whole range, releasing each piece at once; returns the bytes and the pieces. */
async function readAll(reader: RangeReader): Promise<{ bytes: Buffer; pieces: Buffer[] }> {
  const pieces: Buffer[] = [];
  for (let piece = await reader.read(); piece !== null; piece = await reader.read()) {
    pieces.push(piece);
    reader.release(piece);
  }
  await reader.close();
  return { bytes: Buffer.concat(pieces), pieces };
}

/**
 * An async iterable (no read-ahead of its own, unlike a Readable) that delivers `data` in pieces of
 * `pieceBytes`, counting what was pulled from it.
 */
function pieces(data: Buffer, pieceBytes: number): { stream: AsyncGenerator<Buffer>; pulled: () => number } {
  let pulled = 0;
  async function* generate(): AsyncGenerator<Buffer> {
    for (let at = 0; at < data.length; at += pieceBytes) {
      const piece = data.subarray(at, at + pieceBytes);
      pulled += piece.length;
      yield piece;
    }
  }
  return { stream: generate(), pulled: () => pulled };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('bufferSource', () => {
  it('serves any range, in any order, as views of the caller’s bytes (no copy)', async () => {
    const data = randomBytes(300_000);
    const source = bufferSource(new Uint8Array(data.buffer, data.byteOffset, data.length));
    expect(source.sizeBytes).toBe(300_000);
    expect(source.identity).toBeUndefined();
    const late = await readAll(await source.openRange(200_000, 300_000));
    const early = await readAll(await source.openRange(10, 150_000));
    expect(late.bytes.equals(data.subarray(200_000))).toBe(true);
    expect(early.bytes.equals(data.subarray(10, 150_000))).toBe(true);
    for (const piece of early.pieces) expect(piece.buffer).toBe(data.buffer);
  });

  it('lends at most the pool’s number of pieces until they are released', async () => {
    const source = bufferSource(randomBytes(10 * 1024));
    const pool = createBufferPool(1024, 2);
    const reader = await source.openRange(0, 10 * 1024, pool);
    const first = await reader.read();
    const second = await reader.read();
    let third: Buffer | null | undefined;
    const pending = reader.read().then((piece) => {
      third = piece;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).toBeUndefined();
    if (first) reader.release(first);
    await pending;
    expect(third?.length).toBe(1024);
    expect(second?.length).toBe(1024);
    await reader.close();
  });

  it('refuses an empty buffer', () => {
    expect(() => bufferSource(new Uint8Array(0))).toThrow(ConfigError);
  });
});

describe('streamSource', () => {
  it('reads the stream once, and serves the current range again after a failure (from memory)', async () => {
    const data = randomBytes(1_000_000);
    const { stream, pulled } = pieces(data, 70_000);
    const source = streamSource({ stream, sizeBytes: data.length, name: 'clip.mp4' }, 400_000);
    expect(source.name).toBe('clip.mp4');
    // A PATCH of [0, 400000) cut after 250 000 bytes: the server kept 180 000 of them.
    const cut = await source.openRange(0, 400_000);
    let readBytes = 0;
    while (readBytes < 250_000) {
      const piece = await cut.read();
      if (!piece) break;
      readBytes += piece.length;
      cut.release(piece);
    }
    await cut.close();
    const again = await readAll(await source.openRange(180_000, 400_000));
    expect(again.bytes.equals(data.subarray(180_000, 400_000))).toBe(true);
    const rest = await readAll(await source.openRange(400_000, 1_000_000));
    expect(rest.bytes.equals(data.subarray(400_000))).toBe(true);
    expect(pulled()).toBe(data.length);
    // Bytes before the last range's start were dropped: the stream cannot go back there.
    const error = await failure(source.openRange(100_000, 400_000));
    expect(error).toBeInstanceOf(FileError);
    expect(error).toMatchObject({ code: 'E_FILE_UNREADABLE' });
    await source.close?.();
  });

  it('keeps no more than the current range and the stream piece it is in', async () => {
    const data = randomBytes(600_000);
    const { stream, pulled } = pieces(data, 50_000);
    const source = streamSource({ stream, sizeBytes: data.length }, 100_000);
    await readAll(await source.openRange(0, 100_000));
    expect(pulled()).toBe(100_000);
    await readAll(await source.openRange(100_000, 200_000));
    // The first range is gone: reading it again is refused, not served from memory.
    expect(await failure(source.openRange(0, 100_000))).toMatchObject({ code: 'E_FILE_UNREADABLE' });
    expect(pulled()).toBe(200_000);
    await source.close?.();
  });

  it('a stream shorter or longer than declared is a changed source (E_FILE_CHANGED)', async () => {
    const data = randomBytes(100_000);
    const short = streamSource({ stream: pieces(data, 30_000).stream, sizeBytes: 150_000 }, 200_000);
    const shortError = await failure(readAll(await short.openRange(0, 150_000)));
    expect(shortError).toMatchObject({ code: 'E_FILE_CHANGED' });
    expect((shortError as Error).message).toContain('ended after 100000 bytes');
    const long = streamSource({ stream: pieces(data, 30_000).stream, sizeBytes: 80_000 }, 200_000);
    const longError = await failure(readAll(await long.openRange(0, 80_000)));
    expect(longError).toMatchObject({ code: 'E_FILE_CHANGED' });
  });

  it('refuses what cannot work: no size, an unbounded chunk size, text instead of bytes', async () => {
    const stream = (): Readable => Readable.from([Buffer.from('abc')]);
    expect(() => streamSource({ stream: stream(), sizeBytes: 0 }, 1024)).toThrow(ConfigError);
    expect(() => streamSource({ stream: stream(), sizeBytes: 3 }, Number.POSITIVE_INFINITY)).toThrow(
      ConfigError,
    );
    const text = streamSource({ stream: Readable.from(['abc']), sizeBytes: 3 }, 1024);
    expect(await failure(readAll(await text.openRange(0, 3)))).toBeInstanceOf(ConfigError);
  });

  it('close() ends the stream it read from', async () => {
    const stream = Readable.from(pieces(randomBytes(200_000), 10_000).stream);
    const source = streamSource({ stream, sizeBytes: 200_000 }, 100_000);
    await readAll(await source.openRange(0, 50_000));
    await source.close?.();
    expect(stream.destroyed).toBe(true);
  });
});

describe('openSource', () => {
  it('tells a path, bytes and a stream apart, and refuses anything else', async () => {
    const bytes = await openSource(Buffer.from('hello'), { chunkSizeBytes: 1024 });
    expect(bytes.sizeBytes).toBe(5);
    const streamed = await openSource(
      { stream: Readable.from([Buffer.from('hi')]), sizeBytes: 2 },
      { chunkSizeBytes: 1024 },
    );
    expect(streamed.description).toBe('the stream');
    expect(await failure(openSource('/no/such/file.mp4', { chunkSizeBytes: 1024 }))).toMatchObject({
      code: 'E_FILE_NOT_FOUND',
    });
    for (const input of [42, null, {}, '']) {
      expect(await failure(openSource(input as never, { chunkSizeBytes: 1024 }))).toBeInstanceOf(ConfigError);
    }
  });
});
