/**
 * One HTTP request to the upload host with an idle (stall) timer and an AbortSignal, optionally with
 * a streamed body. Knows nothing of tus: it moves bytes, counts what the socket accepted, and turns
 * transport failures into typed errors. Status codes are judged by the caller.
 */
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { errnoCode } from '../core/errno.js';
import { AbortError, NetworkError, redact, summarizeRequest } from '../errors.js';
import type { RangeReader } from '../sources/range-reader.js';
import { MAX_ERROR_BODY_BYTES } from './constants.js';
import { linkSecrets } from './upload-url.js';

/** A request body read from a file range. The exchange closes the reader when it settles. */
export interface ExchangeBody {
  readonly reader: RangeReader;
  readonly lengthBytes: number;
}

export interface ExchangeOptions {
  readonly method: 'HEAD' | 'PATCH';
  readonly url: URL;
  readonly headers: OutgoingHttpHeaders;
  readonly stallTimeoutMs: number;
  readonly body?: ExchangeBody;
  readonly signal?: AbortSignal | undefined;
  readonly agent?: http.Agent | undefined;
  /** Called each time the socket accepted part of the body (the kernel took the bytes). */
  readonly onBodyBytesWritten?: ((deltaBytes: number) => void) | undefined;
}

export interface ExchangeResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The start of the answer's body (short text on tus hosts), redacted of the upload link. */
  readonly bodyText: string;
  /** Body bytes the socket accepted. */
  readonly bodyBytesWritten: number;
}

/**
 * Perform one request. Resolves with the status and headers of any answer (the caller judges it);
 * rejects with AbortError, NetworkError (E_STALLED, or E_NETWORK: the connection failed), or FileError (the body's
 * file could not be read or ended early).
 */
export function exchange(options: ExchangeOptions): Promise<ExchangeResponse> {
  const { method, url, body, signal } = options;
  const secrets = linkSecrets(url);
  return new Promise<ExchangeResponse>((resolvePromise, rejectPromise) => {
    if (signal?.aborted) {
      void body?.reader.close();
      rejectPromise(
        new AbortError(undefined, { cause: signal.reason, request: summarizeRequest(method, url) }),
      );
      return;
    }
    let settled = false;
    let bodyBytesWritten = 0;
    let req: http.ClientRequest | undefined;

    // Activity only stamps the time (a write callback per piece would otherwise move the timer in
    // Node's timer list hundreds of times a second); the timer checks the stamp when it fires and
    // waits again for what remains, at most half the timeout. A piece's callback comes only once
    // the kernel took all of it, which on a slow link can take longer than the timeout (1 MiB at
    // 16 KiB/s: 64 s), so each check also asks whether the socket's write queue shrank since the
    // last one: the kernel taking part of a piece is activity too.
    let lastActivityMs = performance.now();
    let queuedAtCheck: number | undefined;
    const onStallTimer = (): void => {
      const nowMs = performance.now();
      const queued = req === undefined ? undefined : writeQueueBytes(req);
      if (queued !== undefined && queuedAtCheck !== undefined && queued < queuedAtCheck)
        lastActivityMs = nowMs;
      queuedAtCheck = queued;
      const quietMs = nowMs - lastActivityMs;
      if (quietMs < options.stallTimeoutMs) {
        stallTimer = setTimeout(
          onStallTimer,
          Math.min(options.stallTimeoutMs - quietMs, options.stallTimeoutMs / 2),
        );
        return;
      }
      fail(
        new NetworkError(
          `${method} to ${url.host} stalled: no byte accepted and no answer for ${options.stallTimeoutMs} ms`,
          { code: 'E_STALLED', request: summarizeRequest(method, url) },
        ),
      );
    };
    let stallTimer = setTimeout(onStallTimer, options.stallTimeoutMs / 2);
    const touch = (): void => {
      lastActivityMs = performance.now();
    };

    const onAbort = (): void => {
      fail(new AbortError(undefined, { cause: signal?.reason, request: summarizeRequest(method, url) }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    function cleanup(): void {
      settled = true;
      clearTimeout(stallTimer);
      signal?.removeEventListener('abort', onAbort);
      void body?.reader.close();
    }
    function fail(error: unknown): void {
      if (settled) return;
      cleanup();
      req?.destroy();
      rejectPromise(error);
    }
    function succeed(response: ExchangeResponse): void {
      if (settled) return;
      cleanup();
      // An answer before the socket took the whole body (an early 409 or 5xx): writes may still be
      // queued on it. Destroy it rather than keep it alive: its queued bytes would delay the next
      // request (HEAD behind a flush) and, once cancelled, their buffers can go back to the pool.
      if (body && response.bodyBytesWritten < body.lengthBytes) req?.destroy();
      resolvePromise(response);
    }

    const transport = url.protocol === 'https:' ? https : http;
    const headers: OutgoingHttpHeaders = { ...options.headers };
    if (body) headers['content-length'] = String(body.lengthBytes);
    try {
      req = transport.request(url, {
        method,
        headers,
        ...(options.agent ? { agent: options.agent } : {}),
      });
    } catch (error) {
      fail(
        new NetworkError(`${method} to ${url.host} could not start (${errnoCode(error) ?? 'error'})`, {
          cause: error,
        }),
      );
      return;
    }
    const request = req;

    request.on('error', (error) => {
      fail(
        new NetworkError(
          redact(`${method} to ${url.host} failed: ${errnoCode(error) ?? error.message}`, secrets),
          { cause: error, request: summarizeRequest(method, url) },
        ),
      );
    });

    request.on('response', (res) => {
      touch();
      const chunks: Buffer[] = [];
      let keptBytes = 0;
      res.on('data', (chunk: Buffer) => {
        touch();
        if (keptBytes < MAX_ERROR_BODY_BYTES) {
          chunks.push(chunk.subarray(0, MAX_ERROR_BODY_BYTES - keptBytes));
          keptBytes += Math.min(chunk.length, MAX_ERROR_BODY_BYTES - keptBytes);
        }
      });
      res.on('error', (error) => {
        fail(
          new NetworkError(`${method} to ${url.host}: the answer was cut (${errnoCode(error) ?? 'error'})`, {
            cause: error,
            request: summarizeRequest(method, url, res.statusCode),
          }),
        );
      });
      res.on('end', () => {
        succeed({
          status: res.statusCode ?? 0,
          headers: res.headers,
          bodyText: redact(Buffer.concat(chunks).toString('utf8'), secrets),
          bodyBytesWritten,
        });
      });
    });

    if (!body) {
      request.end();
      return;
    }

    // Pump the body by hand rather than with pipe(): each write's callback says the socket took the
    // bytes, which is what bytesSent counts and what keeps the stall timer quiet; it is also when the
    // piece's pooled buffer may be reused. The pool bounds what waits in the socket's queue (2 pieces
    // of 1 MiB by default), so each callback stays close to "the kernel took these bytes": bytesSent
    // moves every MiB, and on a link too slow for that the write queue shrinking keeps the stall
    // timer quiet. A server that stops reading fills the socket buffers, the callbacks stop and the
    // queue stays put, the pool runs dry, the reads wait, and the stall timer fires.
    const { reader, lengthBytes } = body;
    const pump = async (): Promise<void> => {
      let queuedBytes = 0;
      while (queuedBytes < lengthBytes) {
        const piece = await reader.read(); // waits while every pooled buffer is in the socket
        if (settled) {
          if (piece) reader.release(piece); // read but never written
          return;
        }
        if (piece === null) throw new Error('range reader ended early'); // reader throws FileError first
        queuedBytes += piece.length;
        request.write(piece, (error) => {
          // Called back: the kernel took the bytes, or the write was cancelled (socket destroyed).
          // Either way the socket no longer reads the buffer, and only now may it be reused.
          reader.release(piece);
          if (error || settled) return;
          bodyBytesWritten += piece.length;
          touch();
          options.onBodyBytesWritten?.(piece.length);
        });
      }
      request.end();
    };
    pump().catch(fail);
  });
}

/** The parts of a socket's native handle that {@link writeQueueBytes} reads. */
interface NativeHandle {
  readonly writeQueueSize?: unknown;
  /** A TLS handle's TCP handle underneath. */
  readonly _parent?: NativeHandle | null;
}

/**
 * Bytes written to the request's socket that the kernel has not taken yet: libuv's write queue of
 * the TCP handle (under TLS, the handle beneath the TLS one, whose own queue only drops at the end
 * of each write), the figure Node's own socket timeout reads to tell a slow write from an idle
 * socket. `undefined` before the request has a socket, or where the handle does not say.
 */
function writeQueueBytes(request: http.ClientRequest): number | undefined {
  const handle = (request.socket as unknown as { _handle?: NativeHandle | null } | null)?._handle;
  const tcp = handle?._parent ?? handle;
  return typeof tcp?.writeQueueSize === 'number' ? tcp.writeQueueSize : undefined;
}
