/**
 * A tiny scripted HTTP server for client tests: each request is answered by the next scripted
 * handler (the last one repeats), and every request is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface ScriptServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  script(...handlers: Handler[]): void;
  close(): Promise<void>;
}

export async function startScriptServer(): Promise<ScriptServer> {
  let handlers: Handler[] = [];
  let next = 0;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const handler = handlers[Math.min(next, handlers.length - 1)];
      next++;
      if (!handler) {
        res.writeHead(500).end('no script');
        return;
      }
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script(...list: Handler[]) {
      handlers = list;
      next = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers JSON with the given status and extra headers. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/vnd.vimeo.video+json', ...headers });
    res.end(JSON.stringify(body));
  };
}

/** Destroys the socket after the whole request was read (the server may have acted on it). */
export const resetAfterRequest: Handler = (req) => {
  req.socket.destroy();
};
