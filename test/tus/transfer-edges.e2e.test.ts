/**
 * Edge cases of runTransfer and probeOffset: abort mid-PATCH and during backoff, an upload already
 * complete, an Upload-Length that is not the file's size, and the typed answers of probeOffset.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, ConfigError, TusError } from '../../src/errors.js';
import { inspectFile } from '../../src/sources/file-source.js';
import { probeOffset, runTransfer } from '../../src/tus/transfer.js';
import { recorder } from './helpers/recorder.js';
import { makeRandomFile, sha256File, startTusServer, type TusTestServer } from './helpers/tus-server.js';

const MiB = 1024 * 1024;
const SOURCE_BYTES = 6 * MiB + 1;

let server: TusTestServer;
let source: { path: string; dispose: () => Promise<void> };
let sourceSha: string;

beforeAll(async () => {
  server = await startTusServer();
  source = await makeRandomFile(SOURCE_BYTES);
  sourceSha = await sha256File(source.path);
});
afterEach(() => server.setFault(undefined));
afterAll(async () => {
  expect(server.requests.filter((r) => r.headers.authorization !== undefined)).toEqual([]);
  await server.close();
  await source.dispose();
});

describe('runTransfer edges', () => {
  it('aborts in the middle of a PATCH body; the next transfer continues from what the server kept', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    const file = await inspectFile(source.path);
    const controller = new AbortController();
    const first = recorder();
    const run = runTransfer({
      uploadUrl: url,
      source: file,
      chunkSizeBytes: Number.POSITIVE_INFINITY,
      signal: controller.signal,
      ...first,
      onProgress: (p) => {
        first.onProgress(p);
        if (p.bytesSent >= 2 * MiB) controller.abort(new Error('user pressed ^C'));
      },
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).code).toBe('E_ABORTED');
    const sentBeforeAbort = first.progress.at(-1)?.bytesSent ?? 0;
    expect(sentBeforeAbort).toBeLessThan(SOURCE_BYTES);

    const second = recorder();
    const result = await runTransfer({
      uploadUrl: url,
      source: file,
      retry: { initialDelayMs: 10 },
      ...second,
    });
    expect(result.uploadOffset).toBe(SOURCE_BYTES);
    // Whatever the server kept was not sent again.
    expect(result.bytesSent).toBe(SOURCE_BYTES - (second.acked[0] ?? 0));
    expect(await server.storedSha256(url)).toBe(sourceSha);
  });

  it.each([409, 500])(
    'stores identical bytes when a PATCH is answered %i early, mid-body, on a kept-alive socket',
    async (status) => {
      const url = await server.createUpload(SOURCE_BYTES);
      let patches = 0;
      server.setFault((req, res) => {
        if (req.method !== 'PATCH') return false;
        patches += 1;
        if (patches !== 2) return false;
        let seen = 0;
        req.on('data', (data: Buffer) => {
          seen += data.length;
          if (seen >= MiB / 2 && !res.headersSent) {
            res.writeHead(status, { 'content-type': 'text/plain' }).end('early answer');
          }
        });
        return true;
      });
      const rec = recorder();
      const result = await runTransfer({
        uploadUrl: url,
        source: await inspectFile(source.path),
        chunkSizeBytes: 2 * MiB,
        retry: { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 100 },
        ...rec,
      });
      expect(patches).toBeGreaterThanOrEqual(2);
      expect(rec.retries.map((r) => r.code)).toEqual([status === 409 ? 'E_OFFSET_MISMATCH' : 'E_SERVER']);
      expect(result.uploadOffset).toBe(SOURCE_BYTES);
      expect(await server.storedSha256(url)).toBe(sourceSha);
      expect(rec.regressions()).toEqual([]);
    },
  );

  it('aborts during a backoff sleep', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    server.setFault((req, res) => {
      if (req.method !== 'PATCH') return false;
      res.writeHead(503, { 'retry-after': '600', connection: 'close' }).end();
      return true;
    });
    const controller = new AbortController();
    const error = await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      chunkSizeBytes: MiB,
      signal: controller.signal,
      retry: { maxDelayMs: 600_000 },
      onRetry: (e) => {
        expect(e.delayMs).toBe(600_000);
        controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
  });

  it('rejects at once with an already aborted signal, sending nothing', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    const before = server.requests.length;
    const error = await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      signal: AbortSignal.abort(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(server.requests.length).toBe(before);
  });

  it('returns without a PATCH when the upload is already complete', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    const file = await inspectFile(source.path);
    await runTransfer({ uploadUrl: url, source: file });
    const rec = recorder();
    const again = await runTransfer({ uploadUrl: url, source: file, ...rec });
    expect(again).toEqual({
      uploadOffset: SOURCE_BYTES,
      uploadLength: SOURCE_BYTES,
      bytesSent: 0,
      requests: 0,
      retries: 0,
    });
    expect(rec.acked).toEqual([SOURCE_BYTES]);
  });

  it('with knownOffset 0 (a new upload) sends its first PATCH without a HEAD', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    const before = server.requests.length;
    const rec = recorder();
    const result = await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      chunkSizeBytes: 2 * MiB,
      knownOffset: 0,
      ...rec,
    });
    expect(server.requests.slice(before).map((r) => r.method)).toEqual(['PATCH', 'PATCH', 'PATCH', 'PATCH']);
    expect(result).toMatchObject({ uploadOffset: SOURCE_BYTES, requests: 4, retries: 0 });
    expect(rec.acked[0]).toBe(0);
    expect(await server.storedSha256(url)).toBe(sourceSha);
  });

  it('with a wrong knownOffset loses one 409 answer, then HEADs and finishes from the real offset', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    const file = await inspectFile(source.path);
    const controller = new AbortController();
    await runTransfer({
      uploadUrl: url,
      source: file,
      chunkSizeBytes: MiB,
      signal: controller.signal,
      onAcked: (offset) => {
        if (offset >= 2 * MiB) controller.abort();
      },
    }).catch(() => undefined);
    const kept = (await probeOffset(new URL(url))).offset;
    expect(kept).toBeGreaterThanOrEqual(2 * MiB);
    const before = server.requests.length;
    const rec = recorder();
    const result = await runTransfer({
      uploadUrl: url,
      source: file,
      knownOffset: 0,
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
      ...rec,
    });
    const methods = server.requests.slice(before).map((r) => r.method);
    expect(methods.slice(0, 3)).toEqual(['PATCH', 'HEAD', 'PATCH']);
    expect(rec.retries.map((e) => e.code)).toEqual(['E_OFFSET_MISMATCH']);
    expect(result).toMatchObject({ uploadOffset: SOURCE_BYTES, retries: 1 });
    expect(await server.storedSha256(url)).toBe(sourceSha);
  });

  it('refuses an upload whose Upload-Length is not the file size', async () => {
    const url = await server.createUpload(SOURCE_BYTES + 1);
    const error = await runTransfer({ uploadUrl: url, source: await inspectFile(source.path) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TusError);
    expect((error as TusError).code).toBe('E_TUS_PROTOCOL');
    expect((error as TusError).message).toMatch(/Upload-Length/);
  });

  it('refuses bad options before any request', async () => {
    const file = await inspectFile(source.path);
    const before = server.requests.length;
    await expect(runTransfer({ uploadUrl: 'not a url', source: file })).rejects.toBeInstanceOf(ConfigError);
    await expect(
      runTransfer({ uploadUrl: `${server.baseUrl}/files/x`, source: file, chunkSizeBytes: 1000 }),
    ).rejects.toBeInstanceOf(ConfigError);
    await expect(
      runTransfer({ uploadUrl: `${server.baseUrl}/files/x`, source: file, stallTimeoutMs: 0 }),
    ).rejects.toBeInstanceOf(ConfigError);
    for (const knownOffset of [-1, 0.5, SOURCE_BYTES + 1]) {
      await expect(
        runTransfer({ uploadUrl: `${server.baseUrl}/files/x`, source: file, knownOffset }),
      ).rejects.toBeInstanceOf(ConfigError);
    }
    expect(server.requests.length).toBe(before);
  });

  it('does not retry an error thrown by onProgress mid-PATCH', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    const boom = new Error('renderer crashed');
    const rec = recorder();
    const error = await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      chunkSizeBytes: Number.POSITIVE_INFINITY,
      ...rec,
      onProgress: (p) => {
        if (p.bytesSent > 0) throw boom;
      },
    }).catch((e: unknown) => e);
    expect(error).toBe(boom);
    expect(rec.retries).toEqual([]);
  });
});

describe('probeOffset', () => {
  it('reads the offset and length of a fresh upload', async () => {
    const url = await server.createUpload(1234);
    expect(await probeOffset(url)).toEqual({ offset: 0, length: 1234 });
    const head = server.requests.at(-1);
    expect(head?.method).toBe('HEAD');
    expect(head?.headers['tus-resumable']).toBe('1.0.0');
  });

  it('maps 412, 429, 410 and a missing Upload-Length to typed errors', async () => {
    const url = await server.createUpload(1234);
    const answers: [number, Record<string, string>][] = [
      [412, { 'tus-version': '1.0.0' }],
      [429, { 'retry-after': '3' }],
      [410, {}],
      [200, { 'upload-offset': '0' }],
    ];
    let next = 0;
    server.setFault((_req, res) => {
      const [status, headers] = answers[next] ?? [500, {}];
      next += 1;
      res.writeHead(status, headers).end();
      return true;
    });
    const outcome = async () => probeOffset(url).catch((e: unknown) => e);
    expect(await outcome()).toMatchObject({ code: 'E_TUS_PROTOCOL', status: 412 });
    const limited = await outcome();
    expect(limited).toMatchObject({ name: 'TusError', code: 'E_RATE_LIMITED' });
    expect(limited).toMatchObject({ retryable: true, retryAfterMs: 3000 });
    expect(await outcome()).toMatchObject({ code: 'E_UPLOAD_LINK_GONE', status: 410 });
    expect(await outcome()).toMatchObject({
      code: 'E_TUS_PROTOCOL',
      message: expect.stringMatching(/Upload-Length/),
    });
  });

  it('stalls with a retryable StallError when the server never answers', async () => {
    const url = await server.createUpload(1234);
    server.setFault(() => true); // swallow the request
    const error = await probeOffset(url, { stallTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_STALLED', retryable: true });
  });

  it('reports a refused connection as a retryable NetworkError without the path', async () => {
    const closed = await startTusServer();
    const url = `${closed.baseUrl}/files/0123456789abcdef0123456789abcdef`;
    await closed.close();
    const error = await probeOffset(url).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_NETWORK', retryable: true });
    expect((error as Error).message).not.toContain('0123456789abcdef');
  });
});
