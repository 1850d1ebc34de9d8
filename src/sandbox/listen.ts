/**
 * Listening on and closing the sandbox's HTTP servers (always on 127.0.0.1).
 */
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listen on 127.0.0.1:`port` (0: a free port); resolves with the port. */
export function listen(server: HttpServer, port: number): Promise<number> {
  return new Promise((resolveListen, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolveListen((server.address() as AddressInfo).port);
    });
  });
}

/** Listen on `preferred` (a port used before on this data dir); if taken, on a free port. */
export async function listenPreferring(
  server: HttpServer,
  explicit: number | undefined,
  preferred: number | null,
) {
  if (explicit !== undefined) return listen(server, explicit);
  if (preferred !== null) {
    try {
      return await listen(server, preferred);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  return listen(server, 0);
}

/** Close `server`, cutting open connections. */
export function closeServer(server: HttpServer): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    server.closeAllConnections();
  });
}
