/**
 * The web demo (`vimeo-tus demo --web`) and the browser tests' harness: an embedded sandbox, a
 * ticket endpoint built with `createTicketHandler`, a confirm endpoint built with `confirmUpload`,
 * the page, and the built `vimeo-tus/browser` module (dist/browser.js), on 127.0.0.1. The page
 * talks to this server (same origin) for tickets and to the sandbox's upload host (another origin,
 * CORS) for the bytes, as a real app talks to its server and to Vimeo.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Sandbox, SandboxOptions } from '../../sandbox/index.js';
import { confirmUpload } from '../../server/confirm-upload.js';
import { createTicketHandler, type TicketBody } from '../../server/ticket-handler.js';
import { demoPageHtml } from './page.js';

/** Options of {@link startWebDemo}. */
export interface WebDemoOptions {
  /**
   * The built browser module (dist/browser.js) the page loads. Given by the caller: this module is
   * bundled into a chunk of the CLI, so its own URL says nothing about where the package is.
   */
  readonly browserModulePath: string;
  /** Port of the page's server; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Options of the embedded sandbox (faults, throttle...). */
  readonly sandbox?: SandboxOptions;
  /** Largest file the ticket endpoint accepts. @default 4 GiB */
  readonly maxSizeBytes?: number;
  /** PATCH size the page uses. @default 8 MiB */
  readonly chunkSizeBytes?: number;
}

/** A ticket the demo server issued (for tests: how many, for what). */
export interface IssuedTicket {
  readonly body: TicketBody;
  readonly videoUri: string;
  /** When this server had the answer (ms since the epoch): the link was issued just before. */
  readonly issuedAtMs: number;
}

/** A running web demo. */
export interface WebDemo {
  /** The page's URL, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  readonly sandbox: Sandbox;
  /** Every ticket issued, oldest first. */
  readonly tickets: readonly IssuedTicket[];
  close(): Promise<void>;
}

/**
 * Start the sandbox and the page's server.
 * @throws Error when dist/browser.js is missing (run `npm run build`).
 */
export async function startWebDemo(options: WebDemoOptions): Promise<WebDemo> {
  const bundle = await readFile(options.browserModulePath, 'utf8').catch(() => {
    throw new Error(`${options.browserModulePath} is missing: run \`npm run build\` first`);
  });
  const { startSandbox } = await import('../../sandbox/index.js');
  const sandbox = await startSandbox(options.sandbox ?? {});
  const tickets: IssuedTicket[] = [];
  const asked = new WeakMap<Request, TicketBody>();
  /** Sizes by video, as the server issued them: the confirm step trusts these, not the page. */
  const sizes = new Map<string, number>();
  const ticketHandler = createTicketHandler({
    token: sandbox.token,
    apiUrl: sandbox.apiUrl,
    maxSizeBytes: options.maxSizeBytes ?? 4 * 1024 ** 3,
    // A demo on loopback: everyone may upload (a real app checks its session here). The checked
    // body is kept to log the ticket once issued.
    authorize: (request, body) => {
      asked.set(request, body);
      return true;
    },
  });
  const page = demoPageHtml({ chunkSizeBytes: options.chunkSizeBytes ?? 8 * 1024 * 1024 });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://demo.invalid').pathname;
    if (req.method === 'GET' && path === '/') return send(res, 200, 'text/html; charset=utf-8', page);
    if (req.method === 'GET' && path === '/vimeo-tus-browser.js') {
      return send(res, 200, 'text/javascript; charset=utf-8', bundle);
    }
    if (path === '/upload-ticket') {
      const request = await webRequest(req);
      const answer = await ticketHandler(request);
      const text = await answer.text();
      const body = asked.get(request);
      if (answer.status === 200 && body) {
        const { videoUri } = JSON.parse(text) as { videoUri: string };
        tickets.push({ body, videoUri, issuedAtMs: Date.now() });
        sizes.set(videoUri, body.size);
      }
      return send(res, answer.status, 'application/json; charset=utf-8', text);
    }
    if (req.method === 'POST' && path === '/confirm') {
      const { videoUri } = JSON.parse(await readBody(req)) as { videoUri?: unknown };
      const size = typeof videoUri === 'string' ? sizes.get(videoUri) : undefined;
      if (typeof videoUri !== 'string' || size === undefined) {
        return send(res, 404, 'application/json', JSON.stringify({ error: 'No ticket was issued for it' }));
      }
      try {
        const report = await confirmUpload({ token: sandbox.token, apiUrl: sandbox.apiUrl, videoUri, size });
        return send(res, 200, 'application/json', JSON.stringify(report));
      } catch (error) {
        const { message, code } = error as { message: string; code?: string };
        return send(res, 409, 'application/json', JSON.stringify({ error: message, code }));
      }
    }
    send(res, 404, 'text/plain; charset=utf-8', 'Not found\n');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error\n');
      else res.destroy();
    });
  });
  try {
    await listen(server, options.port ?? 0);
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    sandbox,
    tickets,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sandbox.close();
    },
  };
}

/** A small request (a ticket's JSON) as a web Request. */
async function webRequest(req: IncomingMessage): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
  return new Request(`http://127.0.0.1${req.url ?? '/'}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > 64 * 1024) req.destroy(new Error('body too large'));
      else parts.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
