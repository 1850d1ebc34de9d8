/**
 * A tiny tus upload host (HEAD + PATCH, in memory) on 127.0.0.1 whose faults a test scripts per
 * PATCH: cut the connection after some body bytes, keep or drop the bytes of an interrupted PATCH,
 * throttle the body, lose bytes it already acknowledged. Requests to one upload are served one at a
 * time (a PATCH cut by the client is fully settled before the next request is answered), so what a
 * HEAD reports never moves under a test's feet.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PatchInfo {
  /** 1 for the first PATCH of this upload. */
  readonly index: number;
  readonly offsetBytes: number;
  readonly contentLengthBytes: number;
}

export interface HostScript {
  /** Cut the connection (TCP reset) once this PATCH's body carried this many bytes. */
  cutAfterBytes?: (patch: PatchInfo) => number | undefined;
  /** Keep the bytes of a cut PATCH (like @tus/server); false: drop them. @default true */
  keepPartial?: boolean;
  /** Read PATCH bodies no faster than this. */
  bytesPerSecond?: number;
  /** After this PATCH is answered, lose the bytes beyond `toOffset` (a store that truncates). */
  truncateAfter?: (patch: PatchInfo) => number | undefined;
}

export interface ScriptedHost {
  readonly baseUrl: string;
  script: HostScript;
  /** PATCHes received, and those cut. */
  readonly stats: { patches: number; cuts: number; heads: number; patchSizes: number[] };
  createUpload(lengthBytes: number): string;
  offsetOf(uploadUrl: string): number;
  sha256(uploadUrl: string): string;
  close(): Promise<void>;
}

interface Stored {
  readonly data: Buffer;
  offset: number;
  patches: number;
  /** Settles when the request being served is done. */
  queue: Promise<void>;
}

export async function startScriptedHost(script: HostScript = {}): Promise<ScriptedHost> {
  const uploads = new Map<string, Stored>();
  const stats = { patches: 0, cuts: 0, heads: 0, patchSizes: [] as number[] };
  let nextId = 1;
  const host: { script: HostScript } = { script };

  const serve = (stored: Stored, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const common = { 'tus-resumable': '1.0.0', 'cache-control': 'no-store' };
    if (req.method === 'HEAD') {
      stats.heads += 1;
      res
        .writeHead(200, {
          ...common,
          'upload-offset': String(stored.offset),
          'upload-length': String(stored.data.length),
        })
        .end();
      return Promise.resolve();
    }
    if (req.method !== 'PATCH') {
      res.writeHead(405).end();
      return Promise.resolve();
    }
    stats.patches += 1;
    stored.patches += 1;
    const info: PatchInfo = {
      index: stored.patches,
      offsetBytes: Number(req.headers['upload-offset']),
      contentLengthBytes: Number(req.headers['content-length']),
    };
    stats.patchSizes.push(info.contentLengthBytes);
    if (info.offsetBytes !== stored.offset) {
      req.resume();
      res.writeHead(409, common).end('offset mismatch');
      return Promise.resolve();
    }
    const cutAt = host.script.cutAfterBytes?.(info);
    const keepPartial = host.script.keepPartial ?? true;
    const rate = host.script.bytesPerSecond;
    const started = performance.now();
    let received = 0;
    return new Promise<void>((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        resolve();
      };
      const commit = (): void => {
        stored.offset = info.offsetBytes + received;
      };
      req.on('data', (chunk: Buffer) => {
        if (done) return;
        let piece = chunk;
        if (cutAt !== undefined && received + piece.length >= cutAt)
          piece = piece.subarray(0, cutAt - received);
        piece.copy(stored.data, info.offsetBytes + received);
        received += piece.length;
        if (keepPartial) commit();
        if (cutAt !== undefined && received >= cutAt) {
          stats.cuts += 1;
          req.socket.resetAndDestroy();
          finish();
          return;
        }
        if (rate !== undefined) {
          const dueMs = (received / rate) * 1000 - (performance.now() - started);
          if (dueMs > 5) {
            req.pause();
            setTimeout(() => req.resume(), dueMs);
          }
        }
      });
      req.on('end', () => {
        if (done) return;
        commit();
        res.writeHead(204, { ...common, 'upload-offset': String(stored.offset) }).end();
        const lostTo = host.script.truncateAfter?.(info);
        if (lostTo !== undefined && lostTo < stored.offset) stored.offset = lostTo;
        finish();
      });
      req.on('close', finish);
    });
  };

  const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
    const id = (req.url ?? '').split('/').pop() ?? '';
    const stored = uploads.get(id);
    if (!stored) {
      req.resume();
      res.writeHead(404).end();
      return;
    }
    const previous = stored.queue;
    stored.queue = previous.then(() => serve(stored, req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const storedOf = (uploadUrl: string): Stored => {
    const stored = uploads.get(new URL(uploadUrl).pathname.split('/').pop() ?? '');
    if (!stored) throw new Error('unknown upload');
    return stored;
  };

  return {
    baseUrl,
    get script() {
      return host.script;
    },
    set script(next: HostScript) {
      host.script = next;
    },
    stats,
    createUpload(lengthBytes) {
      const id = `u${nextId}`;
      nextId += 1;
      uploads.set(id, { data: Buffer.alloc(lengthBytes), offset: 0, patches: 0, queue: Promise.resolve() });
      return `${baseUrl}/files/${id}`;
    },
    offsetOf: (uploadUrl) => storedOf(uploadUrl).offset,
    sha256(uploadUrl) {
      const stored = storedOf(uploadUrl);
      return createHash('sha256').update(stored.data.subarray(0, stored.offset)).digest('hex');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
