/// <reference lib="dom" />
/**
 * One request to the upload host through XMLHttpRequest, the browser's counterpart of
 * src/tus/http-exchange.ts: an idle (stall) timer, an AbortSignal, a body that is a `Blob` slice
 * (the browser reads it from disk as it goes out; the file is never read whole), and the bytes the
 * network took reported from `xhr.upload` progress events. Knows nothing of tus: the caller judges
 * the answer with the shared rules of src/tus/responses.ts.
 */
import { AbortError, NetworkError, redact, summarizeRequest } from '../errors.js';
import { MAX_ERROR_BODY_BYTES } from '../tus/constants.js';
import type { TusAnswer } from '../tus/responses.js';
import { linkSecrets } from '../tus/upload-url.js';

/** Options of {@link xhrExchange}. */
export interface XhrExchangeOptions {
  readonly method: 'HEAD' | 'PATCH';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly stallTimeoutMs: number;
  readonly signal: AbortSignal;
  readonly body?: Blob;
  /** Called as the network takes more of the body; never throws. */
  readonly onBodyBytesWritten?: (deltaBytes: number) => void;
}

/**
 * Perform one request. Resolves with any answer (the caller judges the status); rejects with
 * AbortError, NetworkError E_STALLED (no byte taken and no answer for `stallTimeoutMs`) or
 * NetworkError E_NETWORK (the connection failed, or the browser refused to show the answer: CORS).
 */
export function xhrExchange(options: XhrExchangeOptions): Promise<TusAnswer> {
  const { method, url, body, signal } = options;
  const request = summarizeRequest(method, url);
  return new Promise<TusAnswer>((resolvePromise, rejectPromise) => {
    if (signal.aborted) {
      rejectPromise(new AbortError(undefined, { cause: signal.reason, request }));
      return;
    }
    const xhr = new XMLHttpRequest();
    let settled = false;
    let sentBytes = 0;
    let lastActivityMs = Date.now();
    const touch = (): void => {
      lastActivityMs = Date.now();
    };
    const onStallTimer = (): void => {
      const quietMs = Date.now() - lastActivityMs;
      if (quietMs < options.stallTimeoutMs) {
        stallTimer = setTimeout(onStallTimer, options.stallTimeoutMs - quietMs);
        return;
      }
      fail(
        new NetworkError(
          `${method} to ${url.host} stalled: no byte taken and no answer for ${options.stallTimeoutMs} ms`,
          { code: 'E_STALLED', request },
        ),
      );
    };
    let stallTimer = setTimeout(onStallTimer, options.stallTimeoutMs);
    const onAbort = (): void => fail(new AbortError(undefined, { cause: signal.reason, request }));
    signal.addEventListener('abort', onAbort, { once: true });

    function cleanup(): void {
      settled = true;
      clearTimeout(stallTimer);
      signal.removeEventListener('abort', onAbort);
    }
    function fail(error: unknown): void {
      if (settled) return;
      cleanup();
      xhr.abort();
      rejectPromise(error);
    }
    /** The network took the body up to `loaded` bytes (progress events are cumulative). */
    function took(loaded: number): void {
      touch();
      if (loaded <= sentBytes) return;
      const delta = loaded - sentBytes;
      sentBytes = loaded;
      options.onBodyBytesWritten?.(delta);
    }

    xhr.open(method, url.href);
    for (const [name, value] of Object.entries(options.headers)) xhr.setRequestHeader(name, value);
    if (body) {
      xhr.upload.onprogress = (event) => took(event.loaded);
      xhr.upload.onload = () => took(body.size);
    }
    xhr.onreadystatechange = touch;
    xhr.onprogress = touch;
    xhr.onload = () => {
      if (settled) return;
      cleanup();
      const text = method === 'HEAD' ? '' : xhr.responseText.slice(0, MAX_ERROR_BODY_BYTES);
      resolvePromise({
        status: xhr.status,
        // Only the headers the host exposes to scripts (CORS) can be read here.
        headers: { get: (name: string) => xhr.getResponseHeader(name) },
        bodyText: redact(text, linkSecrets(url)),
      });
    };
    xhr.onerror = () =>
      fail(
        new NetworkError(
          `${method} to ${url.host} failed: the connection was cut or refused, or the host did not ` +
            'allow this page to read its answer (CORS)',
          { request },
        ),
      );
    xhr.send(body ?? null);
  });
}
