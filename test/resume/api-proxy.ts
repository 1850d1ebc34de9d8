/**
 * A small HTTP proxy in front of the sandbox's API host, for the kill-and-rerun test. It forwards
 * every request at once (so the sandbox acts on it, as Vimeo would), and can hold chosen answers
 * back: a client killed meanwhile has sent its create call, but never heard the answer. That is
 * the crash window the ledger must survive.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the proxy saw (method and path with query). */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
}

/** Decides, per request, whether its answer is held back after the sandbox produced it. */
export type HoldRule = (request: SeenRequest) => boolean | Promise<boolean>;

/** The running proxy. */
export interface ApiProxy {
  readonly url: string;
  /** Replace the hold rule (default: hold nothing). */
  setHold(rule: HoldRule | undefined): void;
  /** Resolves when the next answer is held back (the sandbox has already acted on the request). */
  nextHeld(): Promise<SeenRequest>;
  close(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1 (port 0) in front of `targetUrl`. */
export async function startApiProxy(targetUrl: string): Promise<ApiProxy> {
  let hold: HoldRule | undefined;
  let waiters: ((request: SeenRequest) => void)[] = [];
  const held = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const seen: SeenRequest = { method: req.method ?? 'GET', path: req.url ?? '/' };
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || name === 'host' || name === 'connection' || name === 'content-length')
        continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    // Forwarded whatever happens to the client: the server acts on a request it received.
    const answer = await fetch(`${targetUrl}${seen.path}`, {
      method: seen.method,
      headers,
      ...(body ? { body } : {}),
    });
    const answerBody = Buffer.from(await answer.arrayBuffer());
    if (hold && (await hold(seen))) {
      held.add(res);
      res.on('close', () => held.delete(res));
      const current = waiters;
      waiters = [];
      for (const resolve of current) resolve(seen);
      return; // never answered: the client is killed while waiting
    }
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'connection')
        out[name] = value;
    });
    res.writeHead(answer.status, out);
    res.end(answerBody);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    setHold: (rule) => {
      hold = rule;
    },
    nextHeld: () => new Promise((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise((resolve) => {
        for (const res of held) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
