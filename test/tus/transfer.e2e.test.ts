/**
 * The transfer engine against plain @tus/server over real HTTP on 127.0.0.1, with faults injected
 * by a wrapping handler or a connection-cutting proxy. Every upload is checked byte for byte.
 */
import { appendFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, FileError, type NetworkError, TusError } from '../../src/errors.js';
import { inspectFile } from '../../src/sources/file-source.js';
import { probeOffset, runTransfer } from '../../src/tus/transfer.js';
import { startCuttingProxy } from './helpers/cutting-proxy.js';
import { recorder } from './helpers/recorder.js';
import { makeRandomFile, sha256File, startTusServer, type TusTestServer } from './helpers/tus-server.js';
import { virtualClock } from './helpers/virtual-clock.js';

const MiB = 1024 * 1024;
const fastRetry = { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 2_000 };

let server: TusTestServer;
let source: { path: string; dispose: () => Promise<void> };
let sourceSha: string;
const SOURCE_BYTES = 5 * MiB + 12_345;

beforeAll(async () => {
  server = await startTusServer();
  source = await makeRandomFile(SOURCE_BYTES);
  sourceSha = await sha256File(source.path);
});

afterEach(() => server.setFault(undefined));

afterAll(async () => {
  // No request to the upload host ever carried credentials.
  const withAuth = server.requests.filter((r) => r.headers.authorization !== undefined);
  expect(server.requests.length).toBeGreaterThan(0);
  expect(withAuth).toEqual([]);
  await server.close();
  await source.dispose();
});

function pathOf(uploadUrl: string): string {
  return new URL(uploadUrl).pathname;
}

describe('runTransfer against @tus/server', () => {
  it('uploads a multi-chunk file byte-identically, with tus headers and monotonic progress', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    const file = await inspectFile(source.path);
    const rec = recorder();
    const first = server.requests.length;
    const result = await runTransfer({ uploadUrl: url, source: file, chunkSizeBytes: MiB, ...rec });

    expect(result).toMatchObject({ uploadOffset: SOURCE_BYTES, uploadLength: SOURCE_BYTES, retries: 0 });
    expect(result.requests).toBe(6);
    expect(result.bytesSent).toBe(SOURCE_BYTES);
    expect(await server.storedSha256(url)).toBe(sourceSha);
    expect(rec.regressions()).toEqual([]);
    expect(rec.acked).toEqual([0, MiB, 2 * MiB, 3 * MiB, 4 * MiB, 5 * MiB, SOURCE_BYTES]);
    expect(rec.progress.at(-1)).toEqual({ bytesSent: SOURCE_BYTES, bytesAcked: SOURCE_BYTES });

    const patches = server.requests.slice(first).filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(6);
    for (const patch of patches) {
      expect(patch.headers['tus-resumable']).toBe('1.0.0');
      expect(patch.headers['content-type']).toBe('application/offset+octet-stream');
      expect(patch.headers['content-length']).toMatch(/^\d+$/);
    }
    expect(patches.map((p) => p.headers['upload-offset'])).toEqual([
      '0',
      '1048576',
      '2097152',
      '3145728',
      '4194304',
      '5242880',
    ]);
  });

  it('uploads in a single PATCH with chunkSizeBytes Infinity', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    const rec = recorder();
    const result = await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      chunkSizeBytes: Number.POSITIVE_INFINITY,
      ...rec,
    });
    expect(result.requests).toBe(1);
    expect(await server.storedSha256(url)).toBe(sourceSha);
    expect(rec.regressions()).toEqual([]);
  });

  it('resumes from the server offset after a connection reset mid-PATCH', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    const port = Number(new URL(server.baseUrl).port);
    const proxy = await startCuttingProxy(port, 2 * MiB + 777);
    try {
      const viaProxy = new URL(url);
      viaProxy.port = String(proxy.port);
      const rec = recorder();
      const result = await runTransfer({
        uploadUrl: viaProxy.href,
        source: await inspectFile(source.path),
        chunkSizeBytes: 4 * MiB,
        retry: fastRetry,
        ...rec,
      });
      expect(proxy.cuts()).toBe(1);
      expect(result.retries).toBeGreaterThanOrEqual(1);
      expect(rec.retries[0]?.code).toBe('E_NETWORK');
      expect(rec.retries[0]?.reason).not.toContain(pathOf(url));
      expect(result.uploadOffset).toBe(SOURCE_BYTES);
      expect(await server.storedSha256(url)).toBe(sourceSha);
      expect(rec.regressions()).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('retries a 5xx answer and completes', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    let failed = 0;
    server.setFault((req, res) => {
      if (req.method !== 'PATCH' || failed > 0) return false;
      failed += 1;
      res.writeHead(503, { connection: 'close', 'content-type': 'text/plain' }).end('try later');
      return true;
    });
    const rec = recorder();
    const result = await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      chunkSizeBytes: 2 * MiB,
      retry: fastRetry,
      ...rec,
    });
    expect(failed).toBe(1);
    expect(rec.retries.map((r) => r.code)).toEqual(['E_SERVER']);
    expect(result.retries).toBe(1);
    expect(await server.storedSha256(url)).toBe(sourceSha);
    expect(rec.regressions()).toEqual([]);
  });

  it('honours Retry-After on a 429', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    let limited = 0;
    server.setFault((req, res) => {
      if (req.method !== 'PATCH' || limited > 0) return false;
      limited += 1;
      res.writeHead(429, { 'retry-after': '1', connection: 'close' }).end();
      return true;
    });
    const rec = recorder();
    const clock = virtualClock();
    await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      chunkSizeBytes: 2 * MiB,
      retry: fastRetry,
      sleep: clock.sleep,
      ...rec,
    });
    expect(rec.retries).toHaveLength(1);
    expect(rec.retries[0]?.code).toBe('E_RATE_LIMITED');
    // The backoff alone would be ~10 ms; the server asked for 1 s, and that is what was waited.
    expect(rec.retries[0]?.delayMs).toBeGreaterThanOrEqual(1000);
    expect(clock.waits).toEqual([rec.retries[0]?.delayMs]);
    expect(await server.storedSha256(url)).toBe(sourceSha);
  });

  it('waits the whole Retry-After even when it exceeds maxDelayMs', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    const clock = virtualClock();
    let limited = 0;
    let limitedAt = -1;
    let retriedAt = -1;
    server.setFault((req, res) => {
      if (req.method === 'HEAD' && limited > 0 && retriedAt < 0) retriedAt = clock.nowMs();
      if (req.method !== 'PATCH' || limited > 0) return false;
      limited += 1;
      limitedAt = clock.nowMs();
      res.writeHead(429, { 'retry-after': '3', connection: 'close' }).end();
      return true;
    });
    const rec = recorder();
    await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      chunkSizeBytes: 2 * MiB,
      retry: { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 100 },
      sleep: clock.sleep,
      ...rec,
    });
    expect(rec.retries.map((r) => [r.code, r.delayMs])).toEqual([['E_RATE_LIMITED', 3_000]]);
    // The next request came only after the whole wait the server asked for.
    expect(retriedAt - limitedAt).toBe(3_000);
    expect(await server.storedSha256(url)).toBe(sourceSha);
  });

  it('stops with RateLimitError instead of waiting beyond maxServerDelayMs', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    server.setFault((req, res) => {
      if (req.method !== 'PATCH') return false;
      res.writeHead(429, { 'retry-after': '3600', connection: 'close' }).end();
      return true;
    });
    const rec = recorder();
    const error = await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      chunkSizeBytes: 2 * MiB,
      retry: fastRetry,
      ...rec,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TusError', code: 'E_RATE_LIMITED' });
    expect(error).toMatchObject({ code: 'E_RATE_LIMITED', retryAfterMs: 3_600_000 });
    expect(rec.retries).toEqual([]);
  });

  it('backs off after Retry-After: 0 and ignores X-RateLimit-Reset on a 5xx', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    let failed = 0;
    server.setFault((req, res) => {
      if (req.method !== 'PATCH' || failed > 1) return false;
      failed += 1;
      const headers = failed === 1 ? { 'retry-after': '0' } : { 'x-ratelimit-reset': '3600' };
      res.writeHead(503, { ...headers, connection: 'close' }).end();
      return true;
    });
    const rec = recorder();
    const clock = virtualClock();
    await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      chunkSizeBytes: 2 * MiB,
      retry: { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 1_000 },
      sleep: clock.sleep,
      ...rec,
    });
    expect(rec.retries.map((r) => r.code)).toEqual(['E_SERVER', 'E_SERVER']);
    expect(clock.waits).toEqual(rec.retries.map((r) => r.delayMs));
    // Equal jitter: at least half the base delay (200 ms, then 400 ms), at most maxDelayMs.
    expect(rec.retries[0]?.delayMs).toBeGreaterThanOrEqual(100);
    expect(rec.retries[1]?.delayMs).toBeGreaterThanOrEqual(200);
    expect(rec.retries[1]?.delayMs).toBeLessThanOrEqual(1_000);
    expect(await server.storedSha256(url)).toBe(sourceSha);
  });

  it('resynchronises with HEAD after a 409', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    let patches = 0;
    let conflicts = 0;
    server.setFault((req, res) => {
      if (req.method !== 'PATCH') return false;
      patches += 1;
      if (patches !== 2) return false;
      conflicts += 1;
      res.writeHead(409, { connection: 'close', 'content-type': 'text/plain' }).end('mismatched offset');
      return true;
    });
    const rec = recorder();
    const before = server.requests.length;
    const result = await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      chunkSizeBytes: 2 * MiB,
      retry: fastRetry,
      ...rec,
    });
    expect(conflicts).toBe(1);
    expect(rec.retries.map((r) => r.code)).toEqual(['E_OFFSET_MISMATCH']);
    const methods = server.requests.slice(before).map((r) => r.method);
    expect(methods).toEqual(['HEAD', 'PATCH', 'PATCH', 'HEAD', 'PATCH', 'PATCH']);
    expect(result.uploadOffset).toBe(SOURCE_BYTES);
    expect(await server.storedSha256(url)).toBe(sourceSha);
  });

  it('aborts a PATCH the server stopped reading (stall), then retries to completion', async () => {
    const big = await makeRandomFile(40 * MiB);
    try {
      const url = await server.createUpload(40 * MiB);
      let stalled = 0;
      server.setFault((req) => {
        if (req.method !== 'PATCH' || stalled > 0) return false;
        stalled += 1;
        req.pause(); // never read, never answer
        return true;
      });
      const rec = recorder();
      let sentAtStall = -1;
      const result = await runTransfer({
        uploadUrl: url,
        source: await inspectFile(big.path),
        chunkSizeBytes: Number.POSITIVE_INFINITY,
        stallTimeoutMs: 1_500,
        retry: fastRetry,
        ...rec,
        onRetry: (e) => {
          rec.onRetry(e);
          sentAtStall = rec.progress.at(-1)?.bytesSent ?? 0;
        },
      });
      expect(stalled).toBe(1);
      // At least the stall; a loaded machine may add another retry, which must not fail the test.
      expect(rec.retries.map((r) => r.code)).toContain('E_STALLED');
      // Detected while the body was still going out: the socket stopped accepting bytes.
      expect(sentAtStall).toBeGreaterThan(0);
      expect(sentAtStall).toBeLessThan(40 * MiB);
      expect(result.uploadOffset).toBe(40 * MiB);
      expect(await server.storedSha256(url)).toBe(await sha256File(big.path));
      expect(rec.regressions()).toEqual([]);
    } finally {
      await big.dispose();
    }
  });

  it('aborts promptly on the signal, and a second transfer resumes from HEAD', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    const file = await inspectFile(source.path);
    const controller = new AbortController();
    const first = recorder();
    const aborted = runTransfer({
      uploadUrl: url,
      source: file,
      chunkSizeBytes: MiB,
      signal: controller.signal,
      ...first,
      onAcked: (offset) => {
        first.onAcked(offset);
        if (offset >= 2 * MiB) controller.abort();
      },
    });
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    const midway = await probeOffset(url);
    expect(midway.offset).toBeGreaterThanOrEqual(2 * MiB);
    expect(midway.offset).toBeLessThan(SOURCE_BYTES);

    const second = recorder();
    const result = await runTransfer({
      uploadUrl: url,
      source: file,
      chunkSizeBytes: MiB,
      retry: fastRetry,
      ...second,
    });
    expect(second.acked[0]).toBe(midway.offset);
    expect(result.bytesSent).toBe(SOURCE_BYTES - midway.offset);
    expect(await server.storedSha256(url)).toBe(sourceSha);
    expect(second.regressions()).toEqual([]);
  });

  it('stops with E_FILE_CHANGED when the file changes mid-upload', async () => {
    const changing = await makeRandomFile(3 * MiB);
    try {
      const url = await server.createUpload(3 * MiB);
      const rec = recorder();
      const run = runTransfer({
        uploadUrl: url,
        source: await inspectFile(changing.path),
        chunkSizeBytes: MiB,
        retry: fastRetry,
        ...rec,
        // onAcked(1 MiB) runs once the second PATCH is on its way (its check of the file passed):
        // the change is found before the third.
        onAcked: (offset) => {
          if (offset === MiB) appendFileSync(changing.path, 'more');
        },
      });
      const error = await run.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileError);
      expect((error as FileError).code).toBe('E_FILE_CHANGED');
      expect((await probeOffset(url)).offset).toBe(2 * MiB);
    } finally {
      await changing.dispose();
    }
  });

  it('fails with E_TUS_PROTOCOL on a malformed Upload-Offset, without retrying', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    server.setFault((req, res) => {
      if (req.method !== 'HEAD') return false;
      res.writeHead(200, {
        'tus-resumable': '1.0.0',
        'upload-offset': '12abc',
        'upload-length': String(SOURCE_BYTES),
      });
      res.end();
      return true;
    });
    const rec = recorder();
    const error = await runTransfer({ uploadUrl: url, source: await inspectFile(source.path), ...rec }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TusError);
    expect((error as TusError).code).toBe('E_TUS_PROTOCOL');
    expect((error as TusError).message).toContain('Upload-Offset');
    expect((error as TusError).message).not.toContain(pathOf(url));
    expect(rec.retries).toEqual([]);
  });

  it('fails with E_TUS_PROTOCOL when the server offset is beyond the file size', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    server.setFault((req, res) => {
      if (req.method !== 'HEAD') return false;
      res.writeHead(200, {
        'tus-resumable': '1.0.0',
        'upload-offset': String(SOURCE_BYTES + 10),
        'upload-length': String(SOURCE_BYTES + 10),
      });
      res.end();
      return true;
    });
    const error = await runTransfer({ uploadUrl: url, source: await inspectFile(source.path) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TusError);
    expect((error as TusError).code).toBe('E_TUS_PROTOCOL');
  });

  it('fails with E_TUS_PROTOCOL when a PATCH answer moves the offset outside the bytes sent', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    server.setFault((req, res) => {
      if (req.method !== 'PATCH') return false;
      req.resume();
      req.on('end', () => res.writeHead(204, { 'upload-offset': String(SOURCE_BYTES) }).end());
      return true;
    });
    const error = await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      chunkSizeBytes: MiB,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TusError);
    expect((error as TusError).code).toBe('E_TUS_PROTOCOL');
  });

  it('fails with E_UPLOAD_LINK_GONE on 404, without the link in the message', async () => {
    const url = `${server.baseUrl}/files/0123456789abcdef0123456789abcdef`;
    const error = await runTransfer({ uploadUrl: url, source: await inspectFile(source.path) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TusError);
    expect((error as TusError).code).toBe('E_UPLOAD_LINK_GONE');
    expect((error as TusError).status).toBe(404);
    expect((error as TusError).message).not.toContain('0123456789abcdef0123456789abcdef');
    expect(JSON.stringify(error)).not.toContain('0123456789abcdef0123456789abcdef');
  });

  it('gives up with RetriesExhaustedError when nothing advances, with the last error as cause', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    server.setFault((req, res) => {
      if (req.method !== 'HEAD') return false;
      res.writeHead(502).end();
      return true;
    });
    const rec = recorder();
    const error = await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
      ...rec,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NetworkError', code: 'E_RETRIES_EXHAUSTED' });
    expect((error as NetworkError).cause).toMatchObject({ code: 'E_SERVER', status: 502 });
    expect(rec.retries.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('does not retry an error thrown by onAcked, and aborts the PATCH it ran beside', async () => {
    const url = await server.createUpload(SOURCE_BYTES);
    const boom = new Error('ledger is full');
    const rec = recorder();
    const error = await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      chunkSizeBytes: MiB,
      retry: fastRetry,
      ...rec,
      onAcked: (offset) => {
        if (offset > 0) throw boom;
      },
    }).catch((e: unknown) => e);
    expect(error).toBe(boom);
    expect(rec.retries).toEqual([]);
    // The acknowledgement ran beside the second PATCH and failed: that PATCH was aborted, not finished.
    expect((await probeOffset(url)).offset).toBeLessThan(SOURCE_BYTES);
  });

  it('sends the next PATCH while onAcked is still busy: a chunk boundary does not wait for the ledger', async () => {
    const url = await server.createUpload(3 * MiB);
    const changing = await makeRandomFile(3 * MiB);
    try {
      const patchesSeen: number[] = [];
      let patchArrived: (() => void) | undefined;
      server.setFault((req) => {
        if (req.method === 'PATCH') {
          patchesSeen.push(Number(req.headers['upload-offset']));
          patchArrived?.();
        }
        return false;
      });
      const acked: number[] = [];
      const result = await runTransfer({
        uploadUrl: url,
        source: await inspectFile(changing.path),
        chunkSizeBytes: MiB,
        retry: fastRetry,
        // The acknowledgement of the first PATCH finishes only once the second PATCH has reached the
        // server: awaited before that PATCH, this would never end.
        onAcked: async (offset) => {
          if (offset === MiB) {
            await new Promise<void>((resolve) => {
              patchArrived = resolve;
              if (patchesSeen.includes(MiB)) resolve();
            });
          }
          acked.push(offset);
        },
      });
      expect(result.uploadOffset).toBe(3 * MiB);
      expect(acked).toEqual([0, MiB, 2 * MiB, 3 * MiB]);
      expect(await server.storedSha256(url)).toBe(await sha256File(changing.path));
    } finally {
      await changing.dispose();
    }
  });
});
