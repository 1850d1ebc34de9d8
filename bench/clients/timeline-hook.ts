/**
 * Preloaded into a measured Node client (`node --import timeline-hook.js …`) when
 * BENCH_TIMELINE_FILE is set: records when each HTTP request of the process started, when its body
 * was handed to the kernel, when its answer's headers and its end came, and when the process
 * exited, all in ms since the process started (performance.now()). Written once, synchronously, at
 * exit. It listens on Node's http diagnostics channels, so it sees any client (vimeo-tus, vimeo.js,
 * tus-js-client) without touching it, and costs a few listeners per request, nothing per byte.
 * Node 20 publishes `http.client.request.start` only when the request is ended (after a streamed
 * body), so the moment a request was made is taken by wrapping `http.request` and `https.request`
 * (what every client here calls); a request made another way falls back to the channel's time.
 * Paths are kept without their query string (presigned parts stay out of the file).
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';

/** One request as the client saw it. */
export interface TimelineRequest {
  readonly method: string;
  readonly path: string;
  readonly startMs: number;
  /** True when `startMs` is the channel's late time: the request was not made through `http.request`. */
  readonly startFromChannel?: true;
  /** The whole request (headers and body) was handed to the kernel. */
  bodyDoneMs: number | null;
  /** The answer's headers arrived. */
  responseMs: number | null;
  /** The answer's body ended (or the request failed). */
  endMs: number | null;
  status: number | null;
}

/** The file the hook writes. */
export interface Timeline {
  /** When this hook ran: Node's own start-up before any of the client's code. */
  readonly hookMs: number;
  exitMs: number | null;
  readonly requests: TimelineRequest[];
}

const file = process.env.BENCH_TIMELINE_FILE;
if (file !== undefined && file !== '') {
  const timeline: Timeline = { hookMs: performance.now(), exitMs: null, requests: [] };
  const byRequest = new WeakMap<ClientRequest, TimelineRequest>();
  const madeAt = new WeakMap<ClientRequest, number>();
  for (const module of [http, https]) {
    const original = module.request;
    module.request = ((...args: Parameters<typeof http.request>): ClientRequest => {
      const startMs = performance.now();
      const request = original(...args);
      madeAt.set(request, startMs);
      return request;
    }) as typeof http.request;
  }
  subscribe('http.client.request.start', (message) => {
    const { request } = message as { request: ClientRequest };
    const madeMs = madeAt.get(request);
    const entry: TimelineRequest = {
      method: request.method,
      path: request.path.split('?')[0] ?? '',
      startMs: madeMs ?? performance.now(),
      ...(madeMs === undefined ? { startFromChannel: true as const } : {}),
      bodyDoneMs: null,
      responseMs: null,
      endMs: null,
      status: null,
    };
    timeline.requests.push(entry);
    byRequest.set(request, entry);
    // Already flushed when the channel spoke (a short request): the body was done by now.
    if (request.writableFinished) entry.bodyDoneMs = performance.now();
    else {
      request.once('finish', () => {
        entry.bodyDoneMs = performance.now();
      });
    }
    request.once('close', () => {
      entry.endMs ??= performance.now();
    });
  });
  subscribe('http.client.response.finish', (message) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const entry = byRequest.get(request);
    if (entry === undefined) return;
    entry.responseMs = performance.now();
    entry.status = response.statusCode ?? null;
    response.once('end', () => {
      entry.endMs = performance.now();
    });
  });
  process.once('exit', () => {
    timeline.exitMs = performance.now();
    writeFileSync(file, JSON.stringify(timeline));
  });
}
