/**
 * exchange() against a raw TCP server that plays the upload host byte by byte: an answer that comes
 * while body writes are still queued on the socket must not let those writes send reused buffers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
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

/** A self-signed certificate for 127.0.0.1, made for this test only (its key is no secret). */
const TLS_CERT = new URL('./fixtures/loopback-test.cert.pem', import.meta.url);
const TLS_KEY = new URL('./fixtures/loopback-test.key.pem', import.meta.url);

describe('exchange on a link slower than one piece per stall timeout', () => {
  // Over TLS the socket's own write queue drops only at the end of each write: the TCP one beneath
  // it is what shows the kernel taking bytes.
  it.each(['http', 'https'] as const)(
    '%s: is not cut as stalled while the kernel takes part of a piece',
    async (scheme) => {
      // Pieces of 16 MiB read by a server at 8 MiB/s: a piece's write callback comes ~2 s after the
      // one before, longer than the 1.5 s timeout, while bytes flow all along. The server reads the
      // last 12 MiB at full speed, so the kernel's socket buffers (the end of a PATCH, which no
      // client-side count sees leave) drain at once.
      const pieceBytes = 16 * MiB;
      const bodyBytes = 40 * MiB;
      const slowBytes = 28 * MiB;
      const bytesPerSecond = 8 * MiB;
      const stallTimeoutMs = 1_500;
      const path = join(dir, `slow-link-${scheme}.bin`);
      await writeFile(path, Buffer.alloc(bodyBytes, 1));
      const tlsCert = await readFile(TLS_CERT);
      const onSocket = (socket: net.Socket): void => {
        let head = Buffer.alloc(0);
        let bodyReceived = -1;
        const startedMs = performance.now();
        socket.on('data', (data: Buffer) => {
          let chunk = data;
          if (bodyReceived < 0) {
            head = Buffer.concat([head, chunk]);
            const end = head.indexOf('\r\n\r\n');
            if (end < 0) return;
            bodyReceived = 0;
            chunk = head.subarray(end + 4);
          }
          bodyReceived += chunk.length;
          if (bodyReceived >= bodyBytes) {
            socket.write('HTTP/1.1 204 No Content\r\nUpload-Offset: 0\r\nConnection: close\r\n\r\n');
            return;
          }
          const dueMs =
            (Math.min(bodyReceived, slowBytes) / bytesPerSecond) * 1000 - (performance.now() - startedMs);
          if (dueMs > 5) {
            socket.pause();
            setTimeout(() => socket.resume(), dueMs);
          }
        });
        socket.on('error', () => undefined);
      };
      const server =
        scheme === 'https'
          ? tls.createServer({ key: await readFile(TLS_KEY), cert: tlsCert }, onSocket)
          : net.createServer(onSocket);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const pool = createBufferPool(pieceBytes, 2);
        const reader = await openRangeReader(path, 0, bodyBytes, { pool });
        let lastPieceMs = performance.now();
        let longestQuietMs = 0;
        const response = await exchange({
          method: 'PATCH',
          url: new URL(`${scheme}://127.0.0.1:${port}/files/slow`),
          headers: {},
          ...(scheme === 'https' ? { agent: new https.Agent({ ca: tlsCert }) } : {}),
          body: { reader, lengthBytes: bodyBytes },
          stallTimeoutMs,
          onBodyBytesWritten: () => {
            const nowMs = performance.now();
            longestQuietMs = Math.max(longestQuietMs, nowMs - lastPieceMs);
            lastPieceMs = nowMs;
          },
        });
        expect(response.status).toBe(204);
        expect(response.bodyBytesWritten).toBe(bodyBytes);
        // The premise: a stall timer fed by piece callbacks alone would have fired.
        expect(longestQuietMs).toBeGreaterThan(stallTimeoutMs);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  );
});
