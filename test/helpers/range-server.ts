/**
 * A small object-storage stand-in for URL sources: serves named byte buffers over http on
 * 127.0.0.1 with `Range` requests (206 + Content-Range), an `ETag` and a `Last-Modified`, and logs
 * every request (path, query, Range header) so a test can see what was fetched. An object can be
 * replaced (new bytes, new ETag) or made to ignore Range.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/** One request the server answered. */
export interface RangeRequest {
  readonly path: string;
  readonly query: string;
  readonly range: string | undefined;
  readonly status: number;
}

/** A running range server. */
export interface RangeServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RangeRequest[];
  /** Serves `bytes` at `/name` (a new ETag each time it is called). */
  put(name: string, bytes: Buffer): void;
  /** Answers 200 with the whole body, ignoring Range (a server without Range support). */
  ignoreRanges(on: boolean): void;
  close(): Promise<void>;
}

export async function startRangeServer(): Promise<RangeServer> {
  const objects = new Map<string, { bytes: Buffer; etag: string; lastModified: string }>();
  const requests: RangeRequest[] = [];
  let ignoreRanges = false;
  let version = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const object = objects.get(url.pathname.slice(1));
    const range = req.headers.range;
    const answer = (status: number, headers: Record<string, string>, body?: Buffer): void => {
      requests.push({ path: url.pathname, query: url.search, range, status });
      res.writeHead(status, headers);
      res.end(body);
    };
    if (!object) return answer(404, { 'Content-Type': 'text/plain' }, Buffer.from('no such object\n'));
    const headers = { ETag: object.etag, 'Last-Modified': object.lastModified, 'Accept-Ranges': 'bytes' };
    const match = /^bytes=(\d+)-(\d*)$/.exec(range ?? '');
    if (!match || ignoreRanges) {
      return answer(200, { ...headers, 'Content-Length': String(object.bytes.length) }, object.bytes);
    }
    const start = Number(match[1]);
    const end = Math.min(
      match[2] === '' ? object.bytes.length - 1 : Number(match[2]),
      object.bytes.length - 1,
    );
    if (start >= object.bytes.length) {
      return answer(416, { ...headers, 'Content-Range': `bytes */${object.bytes.length}` });
    }
    const body = object.bytes.subarray(start, end + 1);
    return answer(
      206,
      {
        ...headers,
        'Content-Range': `bytes ${start}-${end}/${object.bytes.length}`,
        'Content-Length': String(body.length),
      },
      body,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    put(name, bytes) {
      version += 1;
      const etag = `"${createHash('sha256').update(bytes).update(String(version)).digest('hex').slice(0, 16)}"`;
      objects.set(name, {
        bytes,
        etag,
        lastModified: new Date(Date.UTC(2026, 0, 1, 0, 0, version)).toUTCString(),
      });
    },
    ignoreRanges(on) {
      ignoreRanges = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
