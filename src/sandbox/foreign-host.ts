/**
 * A foreign tus host: a plain @tus/server on its own plain-http port, not connected to any video.
 * The `foreignUploadLinks` fault hands out links to it in create and version answers, so a client
 * that follows any link it is given sends the whole file there while the API's video stays at
 * 0 bytes. Started on first use; its uploads live in `<dataDir>/foreign` and its links die with
 * the sandbox (a restart does not bring it back).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { createServer, type Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server as TusServer, Upload } from '@tus/server';
import { closeServer, listen } from './listen.js';
import type { SandboxForeignUploadState } from './types.js';

interface ForeignUpload {
  readonly uploadId: string;
  readonly uploadLink: string;
  readonly sizeBytes: number;
}

/** The foreign host of one sandbox. */
export class ForeignHost {
  readonly #directory: string;
  readonly #uploads: ForeignUpload[] = [];
  #started: Promise<{ server: HttpServer; store: FileStore; baseUrl: string }> | undefined;
  #closed = false;

  constructor(dataDir: string) {
    this.#directory = join(dataDir, 'foreign');
  }

  /** Create an empty upload of `sizeBytes` on the foreign host; returns its link. */
  async createUpload(sizeBytes: number): Promise<string> {
    if (this.#closed) throw new Error('The sandbox is closed.');
    const { store, baseUrl } = await this.#start();
    const uploadId = randomBytes(16).toString('hex');
    await store.create(new Upload({ id: uploadId, size: sizeBytes, offset: 0, metadata: {} }));
    const uploadLink = `${baseUrl}/files/${uploadId}`;
    this.#uploads.push({ uploadId, uploadLink, sizeBytes });
    return uploadLink;
  }

  /** What the foreign host holds, oldest first. */
  async uploads(): Promise<SandboxForeignUploadState[]> {
    const states: SandboxForeignUploadState[] = [];
    for (const upload of this.#uploads) {
      const storedBytes = await stat(join(this.#directory, upload.uploadId)).then(
        (info) => info.size,
        () => 0,
      );
      states.push({ ...upload, storedBytes });
    }
    return states;
  }

  /** Stop the foreign host if it was started. */
  async close(): Promise<void> {
    this.#closed = true;
    const started = await this.#started?.catch(() => undefined);
    if (started) await closeServer(started.server);
  }

  #start(): Promise<{ server: HttpServer; store: FileStore; baseUrl: string }> {
    this.#started ??= (async () => {
      await mkdir(this.#directory, { recursive: true });
      const store = new FileStore({ directory: this.#directory });
      const tus = new TusServer({ path: '/files', datastore: store });
      const server = createServer({ requestTimeout: 0 }, (req, res) => {
        tus.handle(req, res).catch(() => res.destroy());
      });
      const port = await listen(server, 0);
      return { server, store, baseUrl: `http://127.0.0.1:${port}` };
    })();
    return this.#started;
  }
}
