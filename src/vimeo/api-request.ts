/**
 * One HTTP exchange with the API host over `node:http`/`node:https`, the whole body read as text.
 * Not fetch: Node 20's fetch loads undici and compiles its WebAssembly parser on first use
 * (+0.16 CPU-s, +36–41 MiB peak RSS per process). Redirects are never followed (a 3xx is returned
 * like any other answer: the token must not follow it), and a socket failure rejects with the
 * socket error itself, so its `code` (ECONNREFUSED, ECONNRESET, ...) reaches the error mapping.
 */

import http, { type Agent, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';

/** Read-only access to response headers by case-insensitive name (first value when repeated). */
export interface HeaderReader {
  get(name: string): string | null;
}

/** What {@link requestText} sends. */
export interface TextRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as UTF-8 with its Content-Length. */
  readonly body?: string;
  readonly signal?: AbortSignal;
  /** The agents to use (keep-alive per client); the global agents when absent. */
  readonly agents?: { readonly http: Agent; readonly https: Agent };
  /** Reject a body larger than this. @default 8 MiB */
  readonly maxBodyBytes?: number;
}

/** An answer of any status (2xx, 3xx, 4xx, 5xx alike). */
export interface TextAnswer {
  readonly status: number;
  readonly headers: HeaderReader;
  readonly bodyText: string;
}

const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Keep-alive agents for one client. Idle sockets are unref'd by Node: they never hold a process open. */
export function createApiAgents(): { http: Agent; https: https.Agent } {
  // An idle socket is closed after 4 s, before a server's own idle cut could reset a reused one.
  const options = { keepAlive: true, timeout: 4_000, maxSockets: 8 };
  return { http: new http.Agent(options), https: new https.Agent(options) };
}

/**
 * Sends one request and reads the whole answer. Rejects with the socket error (its `code` kept),
 * with the signal's abort error, or with an Error `code: 'E_BODY_TOO_LARGE'` past the cap.
 */
export function requestText(url: URL, request: TextRequest): Promise<TextAnswer> {
  const isHttps = url.protocol === 'https:';
  const headers: Record<string, string> = { ...request.headers };
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  if (body) headers['Content-Length'] = String(body.byteLength);
  const maxBodyBytes = request.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return new Promise<TextAnswer>((resolve, reject) => {
    const send = isHttps ? https.request : http.request;
    const req = send(url, {
      method: request.method,
      headers,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.agents ? { agent: isHttps ? request.agents.https : request.agents.http } : {}),
    });
    req.once('error', reject);
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.byteLength;
        if (received > maxBodyBytes) {
          const error = Object.assign(new Error(`answer body larger than ${maxBodyBytes} bytes`), {
            code: 'E_BODY_TOO_LARGE',
          });
          req.destroy(error);
          reject(error);
          return;
        }
        chunks.push(chunk);
      });
      res.once('error', reject);
      res.once('close', () => {
        // Cut mid-body (reset, or destroyed on abort: then the request's own error came first).
        if (!res.complete)
          reject(Object.assign(new Error('answer cut before its end'), { code: 'ECONNRESET' }));
      });
      res.once('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: headerReader(res.headers),
          bodyText: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.end(body);
  });
}

function headerReader(headers: IncomingHttpHeaders): HeaderReader {
  return {
    get(name: string): string | null {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? (value[0] ?? null) : value;
    },
  };
}
