/**
 * exchange() against a raw TCP server that plays the upload host byte by byte: an answer that comes
 * while body writes are still queued on the socket must not let those writes send reused buffers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBufferPool, openRangeReader, type RangeReader } from '../../src/sources/range-reader.js';
import { exchange } from '../../src/tus/http-exchange.js';

const MiB = 1024 * 1024;
/** Two pooled reads of 4 MiB: both queued on the socket whatever the kernel takes. */
const BODY_BYTES = 8 * MiB;

let dir: string;
let bodyPath: string;
let zerosPath: string;
let content: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vimeo-tus-exchange-'));
  content = randomBytes(BODY_BYTES);
  bodyPath = join(dir, 'body.bin');
  zerosPath = join(dir, 'zeros.bin');
  await writeFile(bodyPath, content);
  await writeFile(zerosPath, Buffer.alloc(BODY_BYTES));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A reader that says when its last piece was handed out (the pump then queues it at once). */
function watched(reader: RangeReader, lengthBytes: number): { reader: RangeReader; lastRead: Promise<void> } {
  let readBytes = 0;
  let markLast: () => void = () => undefined;
  const lastRead = new Promise<void>((resolve) => {
    markLast = resolve;
  });
  return {
    lastRead,
    reader: {
      async read() {
        const piece = await reader.read();
        readBytes += piece?.length ?? 0;
        if (readBytes >= lengthBytes) setImmediate(markLast);
        return piece;
      },
      release: (piece) => reader.release(piece),
      close: () => reader.close(),
    },
  };
}

describe('exchange with an early answer', () => {
  it('never lets queued body writes send a buffer the next reader refilled', async () => {
    const received: Buffer[] = [];
    let receivedBytes = 0;
    let serverSocket: net.Socket | undefined;
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    let bodyDone: () => void = () => undefined;
    const bodyEnded = new Promise<void>((resolve) => {
      bodyDone = resolve;
    });
    const server = net.createServer((socket) => {
      serverSocket = socket;
      let head = Buffer.alloc(0);
      let inBody = false;
      socket.on('data', (data: Buffer) => {
        let chunk = data;
        if (!inBody) {
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) return;
          inBody = true;
          chunk = head.subarray(end + 4);
          // Stop reading: the kernel buffers fill and the client's writes stay queued. Answer once
          // the client has handed its whole body to the socket.
          socket.pause();
          void answered.then(() =>
            socket.write(
              'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n',
            ),
          );
        }
        received.push(Buffer.from(chunk));
        receivedBytes += chunk.length;
        if (receivedBytes >= BODY_BYTES) bodyDone();
      });
      socket.on('close', bodyDone);
      socket.on('error', bodyDone);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const pool = createBufferPool(4 * MiB, 2);
      const body = watched(await openRangeReader(bodyPath, 0, BODY_BYTES, { pool }), BODY_BYTES);
      void body.lastRead.then(answer);
      const response = await exchange({
        method: 'PATCH',
        url: new URL(`http://127.0.0.1:${port}/files/abc`),
        headers: {},
        body: { reader: body.reader, lengthBytes: BODY_BYTES },
        stallTimeoutMs: 30_000,
      });
      expect(response.status).toBe(500);

      // The next PATCH of the transfer reads other bytes into the same pool.
      const next = await openRangeReader(zerosPath, 0, BODY_BYTES, { pool });
      expect(await next.read()).not.toBeNull();
      expect(await next.read()).not.toBeNull();

      serverSocket?.resume();
      await bodyEnded;
      await next.close();
      // Whatever reached the server is the file's own prefix: no refilled buffer went out.
      const got = Buffer.concat(received);
      expect(got.length).toBeGreaterThan(0);
      expect(got.equals(content.subarray(0, got.length))).toBe(true);
    } finally {
      serverSocket?.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
