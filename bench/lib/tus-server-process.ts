/**
 * The reference @tus/server, run in its own process (see bench/server/tus-server.ts), plus the
 * harness's side of the protocol: pre-create an upload, check its offset, find its stored file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { track } from './children.js';

/** A running reference server. */
export interface TusServerProcess {
  /** Creation endpoint, e.g. http://127.0.0.1:PORT/files */
  readonly url: string;
  readonly storeDir: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts `node <compiledServer> <storeDir>` and waits for the line with its URL. */
export async function startTusServer(compiledServer: string, storeDir: string): Promise<TusServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [compiledServer, storeDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  // Forwarded rather than inherited: an inherited stderr would keep the caller's pipe open.
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const stdout = child.stdout;
  if (stdout === null || child.pid === undefined) throw new Error('could not start the tus server');
  const lines = createInterface({ input: stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tus server did not start within 30 s')), 30_000);
    const onExit = (code: number | null): void => reject(new Error(`tus server exited early (${code})`));
    child.once('exit', onExit);
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  lines.close();
  stdout.resume();
  const pid = child.pid;
  return {
    url,
    storeDir,
    pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const TUS_HEADERS = { 'Tus-Resumable': '1.0.0' } as const;

/** Creates an upload of `sizeBytes` by a tus POST; returns its absolute URL. */
export async function createUpload(endpoint: string, sizeBytes: number): Promise<string> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { ...TUS_HEADERS, 'Upload-Length': String(sizeBytes) },
  });
  await response.arrayBuffer();
  const location = response.headers.get('location');
  if (response.status !== 201 || location === null) {
    throw new Error(`tus POST answered ${response.status} without a Location`);
  }
  return new URL(location, endpoint).href;
}

/** The server's view of an upload (HEAD). */
export async function headUpload(uploadUrl: string): Promise<{ offset: number; length: number }> {
  const response = await fetch(uploadUrl, { method: 'HEAD', headers: TUS_HEADERS });
  return {
    offset: Number(response.headers.get('upload-offset') ?? Number.NaN),
    length: Number(response.headers.get('upload-length') ?? Number.NaN),
  };
}

/** Requests the server has received so far, per method (see bench/server/tus-server.ts). */
export async function requestCounts(endpoint: string): Promise<Record<string, number>> {
  const response = await fetch(new URL('/__stats', endpoint));
  return (await response.json()) as Record<string, number>;
}

/** Where @tus/file-store keeps the bytes of an upload: `<storeDir>/<id>`. */
export function storedFilePath(storeDir: string, uploadUrl: string): string {
  const id = new URL(uploadUrl).pathname.split('/').at(-1) ?? '';
  if (!/^[\w-]+$/.test(id)) throw new Error('unexpected upload id');
  return join(storeDir, id);
}

/** Size of the stored bytes, or -1 when there is no file. */
export async function storedSize(path: string): Promise<number> {
  return (await stat(path).catch(() => null))?.size ?? -1;
}

/** Deletes an upload's stored bytes and metadata (keeps the disk from filling over many runs). */
export async function removeStored(path: string): Promise<void> {
  await rm(path, { force: true });
  await rm(`${path}.json`, { force: true });
}
