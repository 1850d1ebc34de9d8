/**
 * The URL source against a real local http server: the size from a one-byte Range GET, ranges read
 * exactly, the object's version (ETag, Last-Modified, size) as its identity, a changed object or a
 * server without Range support refused, and the query string (a presigned URL's signature) never
 * in a name or a message.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileError } from '../../src/errors.js';
import { openUrlSource, probeUrl, redactUrl } from '../../src/sources/url-source.js';
import { type RangeServer, startRangeServer } from '../helpers/range-server.js';

const SECRET = 'X-Amz-Signature=topsecret123';
let server: RangeServer;

beforeEach(async () => {
  server = await startRangeServer();
});
afterEach(async () => {
  await server.close();
});

async function readAll(
  source: Awaited<ReturnType<typeof openUrlSource>>,
  start: number,
  end: number,
): Promise<Buffer> {
  const reader = await source.openRange(start, end);
  const pieces: Buffer[] = [];
  for (let piece = await reader.read(); piece !== null; piece = await reader.read()) {
    pieces.push(Buffer.from(piece));
    reader.release(piece);
  }
  await reader.close();
  return Buffer.concat(pieces);
}

describe('url source', () => {
  it('is named without its query string and reads any range with one Range GET', async () => {
    const bytes = randomBytes(300_000);
    server.put('clip.mp4', bytes);
    const url = `${server.url}/clip.mp4?${SECRET}`;
    const source = await openUrlSource(url);
    expect(source.sizeBytes).toBe(bytes.length);
    expect(source.description).toBe(`${server.url}/clip.mp4`);
    expect(source.name).toBe('clip.mp4');
    expect(source.identity?.key).toBe(`${server.url}/clip.mp4`);
    expect(redactUrl('https://user:pw@host.example/a/b.mp4?sig=1#x')).toBe('https://host.example/a/b.mp4');

    expect((await readAll(source, 123_456, 300_000)).equals(bytes.subarray(123_456))).toBe(true);
    expect(server.requests.map((r) => r.range)).toEqual(['bytes=0-0', 'bytes=123456-299999']);
    // The signature is sent to the server that needs it.
    expect(server.requests.every((r) => r.query === `?${SECRET}`)).toBe(true);
    await expect(source.assertUnchanged()).resolves.toBeUndefined();
  });

  it('refuses an object that changed since it was measured, and tells the versions apart', async () => {
    server.put('clip.mp4', randomBytes(50_000));
    const source = await openUrlSource(`${server.url}/clip.mp4?${SECRET}`);
    const before = await source.identity?.fingerprint();
    server.put('clip.mp4', randomBytes(50_000));
    const error = await readAll(source, 0, 50_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect((error as FileError).code).toBe('E_FILE_CHANGED');
    expect((error as Error).message).not.toContain('topsecret');
    await expect(source.assertUnchanged()).rejects.toMatchObject({ code: 'E_FILE_CHANGED' });
    const after = await (await openUrlSource(`${server.url}/clip.mp4`)).identity?.fingerprint();
    expect(after).not.toBe(before);
  });

  it('refuses a missing object, an empty one and a server without Range support, with the reason', async () => {
    await expect(probeUrl(`${server.url}/nothing.mp4?${SECRET}`)).rejects.toMatchObject({
      code: 'E_FILE_NOT_FOUND',
    });
    server.put('empty.mp4', Buffer.alloc(0));
    await expect(probeUrl(`${server.url}/empty.mp4`)).rejects.toMatchObject({ code: 'E_FILE_EMPTY' });
    server.put('clip.mp4', randomBytes(1000));
    server.ignoreRanges(true);
    const error = (await probeUrl(`${server.url}/clip.mp4?${SECRET}`).catch((e: unknown) => e)) as FileError;
    expect(error.code).toBe('E_FILE_UNREADABLE');
    expect(error.message).toContain('Range');
    expect(error.message).not.toContain('topsecret');
  });

  it('reports an unreachable host as unreadable and retryable, without the query string', async () => {
    const closed = server.url;
    await server.close();
    server = await startRangeServer();
    const error = (await probeUrl(`${closed}/clip.mp4?${SECRET}`).catch((e: unknown) => e)) as FileError;
    expect(error.code).toBe('E_FILE_UNREADABLE');
    expect(error.retryable).toBe(true);
    expect(JSON.stringify(error.toJSON())).not.toContain('topsecret');
  });
});
