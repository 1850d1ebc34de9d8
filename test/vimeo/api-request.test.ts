import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiAgents, requestText } from '../../src/vimeo/api-request.js';
import { errorCode, mapNetworkFailure } from '../../src/vimeo/error-mapping.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const seen: Seen[] = [];
let server: Server;
let base: string;
let releaseHang: (() => void) | undefined;

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
  if (req.url === '/echo') {
    res.writeHead(201, { 'Content-Type': 'application/json', 'X-RateLimit-Remaining': '7' });
    res.end(JSON.stringify({ got: body, bytes: req.headers['content-length'] ?? null }));
  } else if (req.url === '/moved') {
    res.writeHead(302, { Location: '/echo' });
    res.end('go elsewhere');
  } else if (req.url === '/huge') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('x'.repeat(64 * 1024));
  } else if (req.url === '/hang') {
    res.writeHead(200);
    res.write('partial');
    releaseHang = () => res.end();
  } else {
    res.writeHead(404);
    res.end();
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => route(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  releaseHang?.();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('requestText', () => {
  it('sends the body with its Content-Length and reads status, headers and the whole body', async () => {
    const agents = createApiAgents();
    const body = JSON.stringify({ name: 'Talk – é' });
    const answer = await requestText(new URL(`${base}/echo`), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t' },
      body,
      agents,
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('X-RateLimit-Remaining')).toBe('7');
    expect(answer.headers.get('x-ratelimit-limit')).toBeNull();
    expect(JSON.parse(answer.bodyText)).toEqual({ got: body, bytes: String(Buffer.byteLength(body)) });
    const last = seen.at(-1);
    expect(last?.method).toBe('POST');
    expect(last?.headers.authorization).toBe('Bearer t');
    agents.http.destroy();
  });

  it('does not follow a redirect: the 3xx is the answer', async () => {
    const before = seen.length;
    const answer = await requestText(new URL(`${base}/moved`), {
      method: 'GET',
      headers: { Authorization: 'Bearer t' },
    });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe('/echo');
    expect(answer.bodyText).toBe('go elsewhere');
    expect(seen.slice(before).map((s) => s.url)).toEqual(['/moved']);
  });

  it('rejects with the signal when aborted mid-answer', async () => {
    const controller = new AbortController();
    const pending = requestText(new URL(`${base}/hang`), {
      method: 'GET',
      headers: {},
      signal: controller.signal,
    });
    await expect.poll(() => releaseHang !== undefined).toBe(true);
    controller.abort();
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('AbortError');
  });

  it('rejects with the socket error itself when the connection is refused (nothing sent)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await rejection(
      requestText(new URL(`http://127.0.0.1:${port}/me`), { method: 'GET', headers: {} }),
    );
    expect((error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(errorCode(error)).toBe('ECONNREFUSED');
    expect(mapNetworkFailure('POST', 'http://x/me', '/me', error, []).nothingSent).toBe(true);
  });

  it('rejects an answer body beyond the cap', async () => {
    const error = await rejection(
      requestText(new URL(`${base}/huge`), { method: 'GET', headers: {}, maxBodyBytes: 1024 }),
    );
    expect((error as NodeJS.ErrnoException).code).toBe('E_BODY_TOO_LARGE');
    const small = await requestText(new URL(`${base}/huge`), { method: 'GET', headers: {} });
    expect(small.bodyText.length).toBe(64 * 1024);
  });
});
