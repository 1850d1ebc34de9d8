/**
 * CORS on the upload host, as Vimeo's upload hosts answer it: any origin may send HEAD and PATCH
 * with the tus headers and read the offsets back, so a page can upload to a link its server got.
 * The API host answers no CORS at all: a page must never need the token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request headers a page may send (the preflight's `Access-Control-Allow-Headers`). */
export const CORS_ALLOWED_HEADERS = 'Tus-Resumable, Upload-Offset, Content-Type';
/** Answer headers a page may read. */
export const CORS_EXPOSED_HEADERS = 'Upload-Offset, Upload-Length, Tus-Resumable';
/** Methods of the upload host. */
export const CORS_ALLOWED_METHODS = 'HEAD, PATCH, OPTIONS';

/** A browser's preflight: OPTIONS with `Origin` and `Access-Control-Request-Method`. */
export function isPreflight(req: IncomingMessage): boolean {
  return (
    req.method === 'OPTIONS' &&
    req.headers.origin !== undefined &&
    req.headers['access-control-request-method'] !== undefined
  );
}

/**
 * Set the CORS headers of every answer to a request that came with an `Origin` (before any
 * `writeHead`, which keeps them); @tus/server's own `access-control-*` headers are dropped when
 * its answers are copied, so this is the one place that decides.
 */
export function setCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  if (req.headers.origin === undefined) return;
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS);
}

/** Answer a preflight: 204 allowing the tus methods and headers, cached for a day. */
export function answerPreflight(res: ServerResponse): void {
  res.writeHead(204, {
    'Access-Control-Allow-Methods': CORS_ALLOWED_METHODS,
    'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS,
    'Access-Control-Max-Age': '86400',
  });
  res.end();
}
