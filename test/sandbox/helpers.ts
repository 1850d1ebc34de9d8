/**
 * Helpers for the sandbox tests: API calls, raw tus requests over node:http, random files.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Sandbox, SandboxState, SandboxVideoState } from '../../src/sandbox/index.js';

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/** Call the API host with the sandbox token (unless `token` is given, or null for none). */
export async function api(
  sandbox: Sandbox,
  method: string,
  path: string,
  body?: unknown,
  options: { token?: string | null; rawBody?: string } = {},
): Promise<ApiResponse> {
  const token = options.token === undefined ? sandbox.token : options.token;
  const headers: Record<string, string> = { Accept: 'application/vnd.vimeo.*+json;version=3.4' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (options.rawBody !== undefined) payload = options.rawBody;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${sandbox.apiUrl}${path}`, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

/** A created video's essentials. */
export interface Created {
  readonly uri: string;
  readonly id: string;
  readonly uploadLink: string;
}

/** `POST /me/videos` for `sizeBytes`; throws unless 2xx. */
export async function createVideo(
  sandbox: Sandbox,
  sizeBytes: number,
  name = 'Test video',
): Promise<Created> {
  const res = await api(sandbox, 'POST', '/me/videos', {
    upload: { approach: 'tus', size: sizeBytes },
    name,
  });
  if (res.status >= 300) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  const uri = String(res.body.uri);
  const upload = res.body.upload as { upload_link: string };
  return { uri, id: uri.split('/').at(-1) ?? '', uploadLink: upload.upload_link };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One raw HTTP request (node:http, no retries, no connection reuse). Rejects on a socket error. */
export function raw(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Buffer,
  signal?: AbortSignal,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false, ...(signal ? { signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** tus HEAD. */
export function head(link: string, extra: Record<string, string> = {}): Promise<RawResponse> {
  return raw(link, 'HEAD', { 'Tus-Resumable': '1.0.0', ...extra });
}

/** tus PATCH of `bytes` at `offset`. */
export function patch(
  link: string,
  offset: number,
  bytes: Buffer,
  extra: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<RawResponse> {
  return raw(
    link,
    'PATCH',
    {
      'Tus-Resumable': '1.0.0',
      'Upload-Offset': String(offset),
      'Content-Type': 'application/offset+octet-stream',
      'Content-Length': String(bytes.length),
      ...extra,
    },
    bytes,
    signal,
  );
}

/** The server's offset as HEAD reports it. */
export async function offsetOf(link: string): Promise<number> {
  const res = await head(link);
  if (res.status !== 200) throw new Error(`HEAD answered ${res.status}`);
  return Number(res.headers['upload-offset']);
}

export function randomFile(sizeBytes: number): Buffer {
  return randomBytes(sizeBytes);
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The introspected video with `id`. */
export async function videoState(sandbox: Sandbox, id: string): Promise<SandboxVideoState> {
  const state: SandboxState = await sandbox.state();
  const video = state.videos.find((v) => v.id === id);
  if (!video) throw new Error(`no video ${id} in state`);
  return video;
}

/** Poll `check` until it returns true (event-like waiting for server-side state; bounded). */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
