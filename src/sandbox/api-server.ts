/**
 * The API host (api.vimeo.com's role): routing, `X-RateLimit-*` on every response, the rate limit,
 * Bearer auth, injected status faults, `?fields=` filtering, Vimeo error bodies; and the
 * unauthenticated introspection endpoint `GET /__sandbox/state`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { meRoutes } from './api-routes/me.js';
import type { Route } from './api-routes/route.js';
import { versionRoutes } from './api-routes/versions.js';
import { videoRoutes } from './api-routes/videos.js';
import type { SandboxContext } from './context.js';
import { ApiError, VIMEO_ERROR_CONTENT_TYPE, vimeoError } from './errors-body.js';
import { filterFields, parseFields } from './fields-filter.js';
import { sendEmpty, sendJson } from './http-util.js';
import { sandboxState } from './introspection.js';
import { quoteVideoUpload } from './quoted-errors.js';
import { RateLimiter } from './rate-limit.js';
import { assertScopes } from './scopes.js';
import type { StatusFault } from './types.js';

const ROUTES: readonly Route[] = [...videoRoutes, ...versionRoutes, ...meRoutes];

/** The introspection path on the API host. */
export const STATE_PATH = '/__sandbox/state';

/**
 * Vimeo's 401s: 8003 when no Bearer credentials came at all, 8000 when a token came and is not
 * valid. Both carry `WWW-Authenticate: Bearer error="invalid_token"`.
 */
function assertBearer(req: IncomingMessage, token: string): void {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization?.trim() ?? '');
  if (match?.[1] === token) return;
  const headers = { 'WWW-Authenticate': 'Bearer error="invalid_token"' };
  if (match === null) {
    throw new ApiError(
      401,
      vimeoError(
        8003,
        'Something strange occurred. Please contact the app owners.',
        'No user credentials were provided.',
      ),
      headers,
    );
  }
  throw new ApiError(
    401,
    vimeoError(
      8000,
      'You must provide a valid authenticated access token.',
      'The user credentials are invalid.',
    ),
    headers,
  );
}

function sendError(res: ServerResponse, error: ApiError, headers: Record<string, string>): void {
  sendJson(res, error.status, error.body, { ...headers, ...error.headers }, error.contentType);
}

function match(method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (m) return { route, params: m.slice(1) };
  }
  return undefined;
}

async function handle(ctx: SandboxContext, limiter: RateLimiter, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  if (req.method === 'GET' && url.pathname === STATE_PATH) {
    const hashes = url.searchParams.get('hashes') !== 'false';
    sendJson(res, 200, await sandboxState(ctx, hashes), {}, 'application/json');
    return;
  }
  if (req.headers['tus-resumable'] !== undefined || req.headers['upload-offset'] !== undefined) {
    ctx.apiRequestsWithTusHeaders += 1;
  }
  const found = match(req.method ?? 'GET', url.pathname.replace(/\/+$/, '') || '/');
  // Every create call is counted, refused ones too; its write runs beside the route's work and is on
  // disk before the answer leaves.
  const counted = found?.route.kind === 'create' ? ctx.store.noteCreateCall() : undefined;
  const { options } = ctx;
  const rate = limiter.take(
    ctx.now(),
    options.rateLimit,
    options.rateLimitWindowMs,
    options.rateLimitResetFormat,
  );
  const headers: Record<string, string> = { ...rate.headers };
  try {
    if (!rate.allowed) {
      ctx.rateLimitRefusals += 1;
      throw new ApiError(429, vimeoError(9000, 'Too many API requests.', 'The rate limit was exceeded.'), {
        'Retry-After': String(rate.retryAfterSeconds),
      });
    }
    assertBearer(req, ctx.token);
    if (!found) {
      throw new ApiError(
        404,
        vimeoError(5000, 'The requested page could not be found.', 'No such sandbox endpoint.'),
      );
    }
    const kind = found.route.kind;
    assertScopes(kind, options.scopes);
    if (options.requireVersionHeader && (kind === 'create' || kind === 'version')) {
      if (!/version=3\.4/.test(req.headers.accept ?? '')) {
        throw new ApiError(
          400,
          vimeoError(
            3116,
            'This version of the API is no longer supported for uploads.',
            'Send Accept: application/vnd.vimeo.*+json;version=3.4.',
          ),
        );
      }
    }
    const n = ctx.faults.count(kind);
    const fault = ctx.faults.statusFault(found.route.kind, n);
    if (fault && fault.afterHandling !== true) throw injectedError(fault, req, res);
    const result = await found.route.handler(ctx, req, url, found.params, n);
    await counted;
    // The work is done (a create made its video); the answer is lost on the way back.
    if (fault) throw injectedError(fault, req, res);
    if (result.body === undefined) {
      sendEmpty(res, result.status, headers);
      return;
    }
    const fields = parseFields(url.searchParams.get('fields'));
    let body = result.body;
    if (result.filterData && typeof body === 'object' && body !== null && 'data' in body) {
      const list = body as { data: unknown[] };
      body = { ...list, data: list.data.map((item) => filterFields(item, fields)) };
    } else {
      body = filterFields(body, fields);
    }
    sendJson(res, result.status, body, headers);
  } catch (error) {
    await counted;
    if (error instanceof ApiError) {
      if (res.destroyed) return;
      // Drain any unread request body so the connection stays usable.
      req.resume();
      // The only path parameter of any route is a video id.
      sendError(res, quoteVideoUpload(ctx, error, found?.params[0]), headers);
      return;
    }
    throw error;
  }
}

/** The answer of an injected status fault; with `cutConnection` the socket is destroyed instead. */
function injectedError(fault: StatusFault, req: IncomingMessage, res: ServerResponse): ApiError {
  if (fault.cutConnection === true) {
    req.socket.destroy();
    res.destroy();
    return new ApiError(fault.status, vimeoError(4003, 'Injected sandbox fault.', 'Connection cut.'));
  }
  const retryAfter =
    fault.retryAfterSeconds === undefined ? (fault.status === 429 ? 1 : null) : fault.retryAfterSeconds;
  return new ApiError(
    fault.status,
    vimeoError(
      fault.status === 429 ? 9000 : 4003,
      'Injected sandbox fault.',
      `Injected status ${fault.status}.`,
    ),
    retryAfter === null ? {} : { 'Retry-After': String(retryAfter) },
  );
}

/** Create (not yet listening) the API host's HTTP server. */
export function createApiServer(ctx: SandboxContext): Server {
  const limiter = new RateLimiter();
  const server = createServer({ requestTimeout: 0 }, (req, res) => {
    handle(ctx, limiter, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        const message = error instanceof Error ? error.message : String(error);
        sendJson(
          res,
          500,
          vimeoError(4003, 'Internal sandbox error.', message),
          {},
          VIMEO_ERROR_CONTENT_TYPE,
        );
      } else {
        res.destroy();
      }
    });
  });
  return server;
}
