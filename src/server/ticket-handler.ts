/**
 * `createTicketHandler`: the web-standard endpoint a page asks for upload links
 * (`(request: Request) => Promise<Response>`, for Hono, Next.js route handlers, Deno, Bun, workers),
 * with `.node` for `node:http` and Express. It checks the body, lets the app decide who may upload
 * (`authorize`), and answers `{ uploadLink, videoUri, link }` as JSON. The token never leaves it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { VimeoTusError } from '../errors.js';
import { VimeoClient } from '../vimeo/client.js';
import type { VideoFields } from '../vimeo/types.js';
import { checkTicketBody, type TicketBody, TicketBodyError } from './ticket-body.js';
import { createUploadTicket } from './upload-ticket.js';

export type { TicketBody } from './ticket-body.js';

/** Options of {@link createTicketHandler}. */
export interface TicketHandlerOptions {
  /** The account's token (`upload` scope; `edit` too, for new versions of dead links). */
  readonly token: string;
  /** The largest file a page may announce, in bytes. */
  readonly maxSizeBytes: number;
  /**
   * Who may upload: called with the request (cookies, headers) and the checked body, before any
   * call to Vimeo. Return false to answer 403. When `body.replace` is set, check that this user may
   * replace that video's file: the handler itself only checks that the video's upload is unfinished.
   */
  readonly authorize: (request: Request, body: TicketBody) => boolean | Promise<boolean>;
  /**
   * Fields of each new video; by default `{ name: body.name }`.
   * @default (body) => ({ name: body.name })
   */
  readonly video?: (body: TicketBody, request: Request) => VideoFields | Promise<VideoFields>;
  /** @default 'https://api.vimeo.com' */
  readonly apiUrl?: string;
}

/** The handler: a web-standard function, with an adapter for `node:http` / Express. */
export interface TicketHandler {
  (request: Request): Promise<Response>;
  /** The same handler for `node:http` (and Express: mount it without a body parser before it). */
  readonly node: (req: IncomingMessage, res: ServerResponse) => void;
}

/** Largest body read (a ticket request is a few dozen bytes). */
const MAX_BODY_BYTES = 8 * 1024;

/**
 * Create the ticket endpoint. POST a JSON body `{ size, name?, type?, replace? }`; the answer is
 * `{ uploadLink, videoUri, link }` (200), or `{ error, code }` with 400, 403, 405, 409, 413, 415 or
 * 502 (Vimeo refused or failed; `code` is the library's error code).
 * @example
 * const handler = createTicketHandler({
 *   token: process.env.VIMEO_TOKEN,
 *   maxSizeBytes: 2 * 1024 ** 3,
 *   authorize: async (request) => (await sessionOf(request)) !== null,
 * });
 * http.createServer((req, res) => req.url === '/upload-ticket' ? handler.node(req, res) : serveApp(req, res));
 */
export function createTicketHandler(options: TicketHandlerOptions): TicketHandler {
  if (!Number.isSafeInteger(options.maxSizeBytes) || options.maxSizeBytes <= 0) {
    throw new TypeError('createTicketHandler: maxSizeBytes must be a whole number of bytes above 0');
  }
  if (typeof options.authorize !== 'function') {
    throw new TypeError('createTicketHandler: authorize(request, body) is required (who may upload?)');
  }
  const handler = (request: Request): Promise<Response> => handleTicket(options, request);
  return Object.assign(handler, { node: nodeAdapter(handler) });
}

async function handleTicket(options: TicketHandlerOptions, request: Request): Promise<Response> {
  if (request.method !== 'POST') {
    return json(405, { error: 'Use POST with a JSON body', code: 'E_METHOD' }, { Allow: 'POST' });
  }
  if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? '')) {
    return json(415, { error: 'The body must be JSON (Content-Type: application/json)', code: 'E_BODY' });
  }
  let body: TicketBody;
  try {
    body = checkTicketBody(await readJson(request), options.maxSizeBytes);
  } catch (error) {
    if (error instanceof TicketBodyError) return json(error.status, { error: error.message, code: 'E_BODY' });
    throw error;
  }
  if (!(await options.authorize(request, body))) {
    return json(403, { error: 'Not allowed to upload', code: 'E_FORBIDDEN' });
  }
  try {
    if (body.replace !== undefined && (await uploadFinished(options, body.replace, request.signal))) {
      return json(409, {
        error: 'That video’s upload is complete: a finished video is not replaced through this endpoint',
        code: 'E_REPLACE_FINISHED',
      });
    }
    const video = options.video ? await options.video(body, request) : { name: body.name };
    const ticket = await createUploadTicket({
      token: options.token,
      size: body.size,
      video,
      ...(body.replace === undefined ? {} : { replace: body.replace }),
      ...(options.apiUrl === undefined ? {} : { apiUrl: options.apiUrl }),
      signal: request.signal,
    });
    return json(200, { uploadLink: ticket.uploadLink, videoUri: ticket.videoUri, link: ticket.link });
  } catch (error) {
    if (!(error instanceof VimeoTusError)) throw error;
    // The library's messages name no token and no upload link.
    return json(502, { error: `Vimeo refused or failed: ${error.message}`, code: error.code });
  }
}

/** A replaced video must be one whose upload has not finished (a dead link mid-upload). */
async function uploadFinished(
  options: TicketHandlerOptions,
  videoUri: string,
  signal: AbortSignal,
): Promise<boolean> {
  const client = new VimeoClient({
    token: options.token,
    ...(options.apiUrl === undefined ? {} : { apiUrl: options.apiUrl }),
  });
  const video = await client.getVideo({ videoUri, fields: ['uri', 'upload.status'], signal });
  return video.upload?.status === 'complete';
}

/** The body as JSON, read up to {@link MAX_BODY_BYTES}. */
async function readJson(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw new TicketBodyError('The body is too large', 413);
  const reader = request.body?.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    total += next.value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader?.cancel();
      throw new TicketBodyError('The body is too large', 413);
    }
    parts.push(next.value);
  }
  const text = Buffer.concat(parts).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new TicketBodyError('The body is not valid JSON', 400);
  }
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  });
}

/** `node:http` → web `Request`, the handler's `Response` → `node:http`. */
function nodeAdapter(handler: (request: Request) => Promise<Response>): TicketHandler['node'] {
  return (req, res) => {
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const init: RequestInit & { duplex?: 'half' } = {
      method: req.method ?? 'GET',
      headers,
      signal: controller.signal,
      ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
    };
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, init);
    handler(request)
      .then(async (response) => {
        const text = await response.text();
        const out: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          out[name] = value;
        });
        res.writeHead(response.status, out).end(text);
      })
      .catch(() => {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ error: 'Internal error', code: 'E_INTERNAL' }));
        } else res.destroy();
      });
  };
}
