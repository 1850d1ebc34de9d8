/**
 * An http(s) URL as an upload source (object storage, presigned or public): every range is a GET
 * with `Range: bytes=a-b`, so a resumed upload fetches only what the server lacks. The object's
 * `ETag`, `Last-Modified` and size are its identity: an answer naming another version (or another
 * size) is refused with E_FILE_CHANGED, as a changed file is.
 *
 * A URL's query string (a presigned URL's signature) is a secret: the source is named everywhere
 * (messages, the ledger's key, the queue's output) by its origin and path only.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AbortError, ConfigError, FileError } from '../errors.js';
import type { BufferPool, RangeReader } from './range-reader.js';
import type { UploadSource } from './source.js';
import { openViewReader } from './view-reader.js';

/** A request with no answer or no byte for this long is cut. */
const IDLE_TIMEOUT_MS = 60_000;

/** True for the text of an http(s) URL (what `openSource` and the CLI take as a URL source). */
export function isUrlSource(text: string): boolean {
  return /^https?:\/\//i.test(text.trim());
}

/** The URL without user info, query string or fragment: how a URL source is named. */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return 'the URL';
  }
}

/** What one probe of the URL says of the object. */
export interface UrlProbe {
  /** The URL without its query string. */
  readonly display: string;
  readonly sizeBytes: number;
  readonly etag: string | null;
  readonly lastModified: string | null;
}

/**
 * Asks for the first byte (`Range: bytes=0-0`; a GET, since a presigned URL is signed for GET
 * only) and reads the size from `Content-Range`.
 * @throws FileError E_FILE_NOT_FOUND (404/410), E_FILE_UNREADABLE (other refusals, no Range support,
 *   the network), E_FILE_EMPTY; ConfigError for a URL that is not http(s).
 */
export async function probeUrl(text: string, signal?: AbortSignal): Promise<UrlProbe> {
  const url = parseUrl(text);
  const display = redactUrl(text);
  const response = await get(url, display, { Range: 'bytes=0-0' }, signal);
  response.resume();
  response.destroy();
  if (response.statusCode === 416) {
    throw new FileError('E_FILE_EMPTY', display, `${display} is empty: Vimeo cannot take a 0-byte video`);
  }
  refuseStatus(response, display);
  if (response.statusCode !== 206) {
    throw new FileError(
      'E_FILE_UNREADABLE',
      display,
      `${display} does not answer Range requests (HTTP ${response.statusCode}): an upload could not be resumed from it`,
    );
  }
  const total = totalOf(response.headers['content-range']);
  if (total === undefined) {
    throw new FileError('E_FILE_UNREADABLE', display, `${display} answered a Range request without its size`);
  }
  if (total === 0)
    throw new FileError('E_FILE_EMPTY', display, `${display} is empty: Vimeo cannot take a 0-byte video`);
  return {
    display,
    sizeBytes: total,
    etag: header(response, 'etag'),
    lastModified: header(response, 'last-modified'),
  };
}

/** Probes `text` and returns it as an upload source (checked now: reachable, sized, not empty). */
export async function openUrlSource(text: string, signal?: AbortSignal): Promise<UploadSource> {
  const probe = await probeUrl(text, signal);
  const url = parseUrl(text);
  const { display, sizeBytes } = probe;
  const modifiedMs = probe.lastModified === null ? 0 : Date.parse(probe.lastModified) || 0;

  const openRange = async (startByte: number, endByte: number, pool?: BufferPool): Promise<RangeReader> => {
    const response = await get(url, display, { Range: `bytes=${startByte}-${endByte - 1}` });
    try {
      checkSame(response, probe, startByte, endByte);
    } catch (error) {
      response.destroy();
      throw error;
    }
    const pieces = response[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let current: Buffer = Buffer.alloc(0);
    let used = 0;
    const pieceAt = async (position: number, maxBytes: number): Promise<Buffer> => {
      while (used >= current.length) {
        const next = await pieces.next().catch((error: unknown) => {
          throw readError(display, position, error);
        });
        if (next.done) {
          throw new FileError(
            'E_FILE_UNREADABLE',
            display,
            `${display} ended at byte ${position}, before ${endByte}`,
            {
              retryable: true,
            },
          );
        }
        current = next.value;
        used = 0;
      }
      const piece = current.subarray(used, used + maxBytes);
      used += piece.length;
      return piece;
    };
    const reader = openViewReader(pieceAt, startByte, endByte, pool);
    return {
      read: () => reader.read(),
      release: (piece) => reader.release(piece),
      close: async () => {
        await reader.close();
        response.destroy();
      },
    };
  };

  return Object.freeze({
    name: display.split('/').pop() || undefined,
    description: display,
    sizeBytes,
    openRange,
    assertUnchanged: async () => {
      const now = await probeUrl(text);
      if (!sameVersion(now, probe)) throw changedError(display);
    },
    identity: {
      key: display,
      modifiedMs,
      // The object's version as the server names it: a new ETag or date is a changed object.
      fingerprint: async () =>
        `url1:${createHash('sha256')
          .update(`${sizeBytes}\n${probe.etag ?? ''}\n${probe.lastModified ?? ''}`)
          .digest('hex')}`,
    },
  });
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ConfigError('Not a usable URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`Only http and https URLs can be uploaded (got ${url.protocol})`);
  }
  return url;
}

function get(
  url: URL,
  display: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError());
      return;
    }
    const req = request(url, {
      method: 'GET',
      headers: { 'Accept-Encoding': 'identity', ...headers },
      ...(signal ? { signal } : {}),
    });
    req.setTimeout(IDLE_TIMEOUT_MS, () =>
      req.destroy(new Error(`no answer for ${IDLE_TIMEOUT_MS / 1000} s`)),
    );
    req.once('response', (response) => {
      response.setTimeout(IDLE_TIMEOUT_MS, () =>
        response.destroy(new Error(`no byte for ${IDLE_TIMEOUT_MS / 1000} s`)),
      );
      resolve(response);
    });
    req.once('error', (error) => {
      if (signal?.aborted) reject(new AbortError(undefined, { cause: signal.reason }));
      else reject(readError(display, 0, error));
    });
    req.end();
  });
}

function refuseStatus(response: IncomingMessage, display: string): void {
  const status = response.statusCode ?? 0;
  if (status === 404 || status === 410) {
    throw new FileError('E_FILE_NOT_FOUND', display, `${display} does not exist (HTTP ${status})`);
  }
  if (status >= 400) {
    throw new FileError(
      'E_FILE_UNREADABLE',
      display,
      `${display} cannot be read (HTTP ${status}${status === 403 ? ': a presigned URL may have expired' : ''})`,
      { retryable: status >= 500 || status === 429 },
    );
  }
}

function checkSame(response: IncomingMessage, probe: UrlProbe, startByte: number, endByte: number): void {
  const { display } = probe;
  refuseStatus(response, display);
  if (response.statusCode !== 206) {
    throw new FileError(
      'E_FILE_UNREADABLE',
      display,
      `${display} stopped answering Range requests (HTTP ${response.statusCode})`,
    );
  }
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header(response, 'content-range') ?? '');
  const seen = {
    display,
    sizeBytes: Number(range?.[3]),
    etag: header(response, 'etag'),
    lastModified: header(response, 'last-modified'),
  };
  if (!sameVersion(seen, probe)) throw changedError(display);
  if (Number(range?.[1]) !== startByte || Number(range?.[2]) !== endByte - 1) {
    throw new FileError(
      'E_FILE_UNREADABLE',
      display,
      `${display} answered another range than the one asked for`,
    );
  }
}

function sameVersion(a: UrlProbe, b: UrlProbe): boolean {
  return a.sizeBytes === b.sizeBytes && a.etag === b.etag && a.lastModified === b.lastModified;
}

function changedError(display: string): FileError {
  return new FileError(
    'E_FILE_CHANGED',
    display,
    `${display} changed during the upload (another size, ETag or Last-Modified); upload a finished object`,
  );
}

function readError(display: string, position: number, error: unknown): FileError {
  const reason = error instanceof Error ? error.message : String(error);
  return new FileError(
    'E_FILE_UNREADABLE',
    display,
    `Cannot read ${display} at byte ${position} (${redactText(reason)})`,
    {
      cause: error,
      retryable: true,
    },
  );
}

/** Node's messages may quote the URL: keep only what precedes a query string. */
function redactText(text: string): string {
  return text.replace(/(https?:\/\/[^\s?#]*)[?#]\S*/gi, '$1');
}

function header(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name];
  return typeof value === 'string' ? value : null;
}

function totalOf(contentRange: string | undefined): number | undefined {
  const match = /^bytes \d+-\d+\/(\d+)$/.exec(contentRange ?? '');
  return match ? Number(match[1]) : undefined;
}
