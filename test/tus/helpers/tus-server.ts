/**
 * Plain @tus/server + @tus/file-store on 127.0.0.1 (port 0), behind our own http.Server (no request
 * timeout), with a hook that lets a test answer a request itself (fault injection) and a log of every
 * request's method and headers.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';

/** What a fault hook sees; return true when it answered (the tus server then does not). */
export type FaultHook = (req: http.IncomingMessage, res: http.ServerResponse, index: number) => boolean;

export interface LoggedRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
}

export interface TusTestServer {
  readonly baseUrl: string;
  readonly directory: string;
  readonly requests: LoggedRequest[];
  /** Replace the fault hook (undefined: every request goes to @tus/server). */
  setFault(hook: FaultHook | undefined): void;
  /** POST a creation request; returns the absolute upload URL. */
  createUpload(lengthBytes: number): Promise<string>;
  /** SHA-256 of the stored bytes of an upload. */
  storedSha256(uploadUrl: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTusServer(): Promise<TusTestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'vimeo-tus-store-'));
  const tus = new Server({ path: '/files', datastore: new FileStore({ directory }) });
  const requests: LoggedRequest[] = [];
  let fault: FaultHook | undefined;
  const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
    const index = requests.length;
    requests.push({ method: req.method ?? '', headers: { ...req.headers } });
    if (fault?.(req, res, index)) return;
    void tus.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    directory,
    requests,
    setFault(hook) {
      fault = hook;
    },
    async createUpload(lengthBytes) {
      const response = await fetch(`${baseUrl}/files`, {
        method: 'POST',
        headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': String(lengthBytes) },
      });
      const location = response.headers.get('location');
      if (response.status !== 201 || !location) throw new Error(`creation failed: ${response.status}`);
      return new URL(location, baseUrl).href;
    },
    storedSha256(uploadUrl) {
      const id = new URL(uploadUrl).pathname.split('/').pop() ?? '';
      return sha256File(join(directory, id));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** A file of random bytes in a fresh temporary directory. */
export async function makeRandomFile(
  sizeBytes: number,
): Promise<{ path: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vimeo-tus-src-'));
  const path = join(dir, 'video.bin');
  const blockBytes = 4 * 1024 * 1024;
  const block = randomBytes(blockBytes);
  const handle = await open(path, 'w');
  try {
    for (let at = 0; at < sizeBytes; at += blockBytes) {
      // Vary each block so a misplaced block changes the hash.
      block.writeUInt32BE(at / blockBytes, 0);
      await handle.write(block, 0, Math.min(blockBytes, sizeBytes - at));
    }
  } finally {
    await handle.close();
  }
  return { path, dispose: () => rm(dir, { recursive: true, force: true }) };
}
