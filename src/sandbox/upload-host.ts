/**
 * The upload host (files.tus.vimeo.com's role): tus 1.0.0 core (HEAD, PATCH, OPTIONS) on each
 * upload link, served by @tus/server over @tus/file-store. Uploads are created by the API host;
 * there is no tus creation here (POST and GET → 405). This layer adds what Vimeo's host does
 * differently and the injected faults: dead links (deleted video, TTL) → 404, status faults,
 * PATCH body faults, drop-partial, and the record of any `Authorization` header it receives.
 */
import { truncate } from 'node:fs/promises';
import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { join } from 'node:path';
import type { Server as TusServer } from '@tus/server';
import type { SandboxContext } from './context.js';
import { answerPreflight, CORS_ALLOWED_METHODS, isPreflight, setCorsHeaders } from './cors.js';
import { type PatchBodyState, patchBody } from './patch-body.js';
import { quoteUploadId } from './quoted-errors.js';
import { linkExpired } from './status.js';
import type { RequestKind } from './types.js';

const LINK_PATH = /^\/files\/([0-9a-f]{32})$/;

/** The upload id in an upload link (or request URL), if it is one. */
export function uploadIdOf(url: string | undefined): string | undefined {
  return LINK_PATH.exec(new URL(url ?? '/', 'http://sandbox.invalid').pathname)?.[1];
}

function kindOf(method: string | undefined): RequestKind {
  if (method === 'HEAD') return 'head';
  if (method === 'PATCH') return 'patch';
  if (method === 'OPTIONS') return 'options';
  return 'upload-other';
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, {
    'Tus-Resumable': '1.0.0',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Wait until the request body has been read and discarded (or the connection died). */
function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded || req.destroyed) {
      resolve();
      return;
    }
    req.once('end', resolve);
    req.once('close', resolve);
    req.resume();
  });
}

function toWebRequest(req: IncomingMessage, body: ReadableStream<Uint8Array> | null): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'connection' || name === 'keep-alive') continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const init: RequestInit & { duplex?: 'half' } = { method: req.method ?? 'GET', headers };
  if (body) {
    init.body = body;
    init.duplex = 'half';
  }
  return new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, init);
}

async function sendWeb(
  res: ServerResponse,
  response: Response,
  overrides: Readonly<Record<string, string | null>> = {},
): Promise<void> {
  const text = await response.text();
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    // @tus/server marks some responses `Connection: close`; keep-alive is Node's business here.
    // Its CORS headers are replaced by the host's own (cors.ts).
    if (name !== 'connection' && !name.startsWith('access-control-')) headers[name] = value;
  });
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  res.writeHead(response.status, headers);
  res.end(text);
}

/** Serializes the requests of one upload, so drop-partial can roll back before anyone reads the offset. */
class UploadMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(id) ?? Promise.resolve();
    let release = (): void => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.#tails.set(id, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.#tails.get(id) === tail) this.#tails.delete(id);
    }
  }
}

/**
 * The upload's stored offset after a PATCH: the answer's `Upload-Offset` when the tus server
 * answered 204 (it states the offset after its write), else the file store's.
 */
async function storedOffset(
  ctx: SandboxContext,
  uploadId: string,
  response: Response,
  state: PatchBodyState,
): Promise<number> {
  const answered = Number(response.headers.get('upload-offset'));
  if (response.status === 204 && !state.interrupted && Number.isSafeInteger(answered)) return answered;
  return (await ctx.tusStore.getUpload(uploadId)).offset;
}

async function handlePatch(
  ctx: SandboxContext,
  tus: TusServer,
  req: IncomingMessage,
  res: ServerResponse,
  uploadId: string,
  n: number,
): Promise<void> {
  // Where the PATCH started: only needed when an interrupted PATCH is to lose its bytes.
  const startOffset =
    ctx.faults.faults.dropPartial === true ? (await ctx.tusStore.getUpload(uploadId)).offset : undefined;
  const state: PatchBodyState = { delivered: 0, interrupted: false, faulted: false };
  const body = patchBody(req, ctx.faults.patchPlan(n), state);
  const response = await tus.handleWeb(toWebRequest(req, body));
  if (state.faulted) ctx.faults.noteInjected('patch');
  if (state.interrupted && startOffset !== undefined && ctx.faults.faults.dropPartial === true) {
    // Vimeo may lose a whole interrupted PATCH: go back to where it started.
    await truncate(join(ctx.uploadsDir, uploadId), startOffset);
  }
  const found = ctx.store.findUpload(uploadId);
  if (
    found &&
    found.upload.bytesCompleteAtMs === null &&
    (await storedOffset(ctx, uploadId, response, state)) === found.upload.sizeBytes
  ) {
    found.upload.bytesCompleteAtMs = ctx.now();
    await ctx.store.save();
  }
  if (state.interrupted) {
    res.destroy();
    return;
  }
  await sendWeb(res, response);
}

async function handle(
  ctx: SandboxContext,
  tus: TusServer,
  mutex: UploadMutex,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const kind = kindOf(req.method);
  const n = ctx.faults.count(kind);
  const uploadId = uploadIdOf(req.url);
  const found = uploadId === undefined ? undefined : ctx.store.findUpload(uploadId);
  const text = (body: string): string => quoteUploadId(ctx, body, uploadId);
  setCorsHeaders(req, res);
  if (isPreflight(req)) {
    // Answered before any fault, as a CDN in front of the host would.
    answerPreflight(res);
    return;
  }
  if (found && req.headers.authorization !== undefined && !found.video.uploadHostSawToken) {
    found.video.uploadHostSawToken = true;
    await ctx.store.save();
  }
  if (kind === 'upload-other') {
    await drain(req);
    sendText(res, 405, text('Method Not Allowed\n'), { Allow: 'HEAD, PATCH, OPTIONS' });
    return;
  }
  const fault = ctx.faults.statusFault(kind, n);
  if (fault) {
    await drain(req);
    const retryAfter =
      fault.retryAfterSeconds === undefined ? (fault.status === 429 ? 1 : null) : fault.retryAfterSeconds;
    sendText(res, fault.status, text(`Injected status ${fault.status}\n`), {
      ...(retryAfter === null ? {} : { 'Retry-After': String(retryAfter) }),
    });
    return;
  }
  const version = req.headers['tus-resumable'];
  if (kind !== 'options' && version !== undefined && version !== '1.0.0') {
    // The Server MUST answer 412 to a protocol version it does not support.
    await drain(req);
    sendText(res, 412, text('unsupported version\n'), { 'Tus-Version': '1.0.0' });
    return;
  }
  if (kind === 'options') {
    // Advertise only what this host serves: no creation, termination or expiration extension.
    await sendWeb(res, await tus.handleWeb(toWebRequest(req, null)), {
      'tus-extension': null,
      'access-control-allow-methods': CORS_ALLOWED_METHODS,
    });
    return;
  }
  const expiredStatus = ctx.faults.faults.expiredLinkStatus ?? 404;
  if (uploadId === undefined || !found || found.video.deleted) {
    await drain(req);
    sendText(res, 404, text('Not Found\n'));
    return;
  }
  const diedOnCompletion =
    ctx.faults.faults.linkDiesOnCompletion === true && found.upload.bytesCompleteAtMs !== null;
  if (diedOnCompletion || linkExpired(found.upload, ctx.faults.faults.linkTtlMs, ctx.now())) {
    await drain(req);
    sendText(res, expiredStatus, text('Upload link expired\n'));
    return;
  }
  const work = async (): Promise<void> => {
    if (kind === 'head') {
      const response = await tus.handleWeb(toWebRequest(req, null));
      const offset = Number(response.headers.get('upload-offset'));
      const told =
        response.status === 200 ? ctx.faults.headOffset(n, offset, found.upload.sizeBytes) : offset;
      await sendWeb(res, response, told === offset ? {} : { 'upload-offset': String(told) });
      return;
    }
    await handlePatch(ctx, tus, req, res, uploadId, n);
  };
  // Without drop-partial, @tus/server's own lock applies (a HEAD makes a running PATCH let go, as
  // in tusd). With it, requests of one upload queue up so nobody reads an offset before the rollback.
  if (ctx.faults.faults.dropPartial === true) await mutex.run(uploadId, work);
  else await work();
}

/** The upload host's HTTP server and a way to wait for its in-flight requests. */
export interface UploadHost {
  readonly server: HttpServer;
  /** Resolves once every request being handled has finished (bytes written, records saved). */
  idle(): Promise<void>;
}

/** Create (not yet listening) the upload host; `requestTimeout: 0` so long PATCHes live. */
export function createUploadHost(ctx: SandboxContext, tus: TusServer): UploadHost {
  const mutex = new UploadMutex();
  const inFlight = new Set<Promise<void>>();
  const server = createServer({ requestTimeout: 0 }, (req, res) => {
    const work = handle(ctx, tus, mutex, req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) sendText(res, 500, 'Internal sandbox error\n');
      else res.destroy();
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  return {
    server,
    idle: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
