/**
 * The reference server of the throughput benchmark, run as its own process so that its CPU is not
 * counted as the client's: plain @tus/server + @tus/file-store behind a Node http server whose
 * request timeout is disabled (Node cuts requests after 300 s by default).
 *
 * Usage: node tus-server.mjs <storeDirectory>
 * Prints one JSON line `{"url": "http://127.0.0.1:PORT/files"}` once it listens; stops on SIGTERM.
 * `GET /__stats` answers the requests received so far per method, so that the harness counts every
 * client's requests the same way, from the server's side.
 */
import http from 'node:http';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';

const directory = process.argv[2];
if (directory === undefined) {
  process.stderr.write('usage: tus-server <storeDirectory>\n');
  process.exit(2);
}

const tus = new Server({ path: '/files', datastore: new FileStore({ directory }) });
const requestsByMethod: Record<string, number> = {};
const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
  if (req.method === 'GET' && req.url === '/__stats') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(requestsByMethod));
    return;
  }
  const method = req.method ?? '?';
  requestsByMethod[method] = (requestsByMethod[method] ?? 0) + 1;
  tus.handle(req, res).catch((error: unknown) => {
    process.stderr.write(`tus handler failed: ${String(error)}\n`);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}/files` })}\n`);
});
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
