/**
 * runTransfer against a scripted tus host: slow uplinks, connections cut in every PATCH (with the
 * partial bytes kept or dropped), an abort inside a throttled PATCH, and a store that loses bytes it
 * had acknowledged. Every completed upload is checked byte for byte.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AbortError } from '../../src/errors.js';
import { inspectFile } from '../../src/sources/file-source.js';
import { READ_SIZE_BYTES } from '../../src/sources/read-size.js';
import { runTransfer } from '../../src/tus/transfer.js';
import { recorder } from './helpers/recorder.js';
import { type ScriptedHost, startScriptedHost } from './helpers/scripted-host.js';
import { makeRandomFile, sha256File } from './helpers/tus-server.js';

const MiB = 1024 * 1024;
const KiB = 1024;
const SOURCE_BYTES = 8 * MiB + 333;

let host: ScriptedHost;
let source: { path: string; dispose: () => Promise<void> };
let sourceSha: string;

beforeAll(async () => {
  host = await startScriptedHost();
  source = await makeRandomFile(SOURCE_BYTES);
  sourceSha = await sha256File(source.path);
});
beforeEach(() => {
  host.script = {};
});
afterAll(async () => {
  await host.close();
  await source.dispose();
});

describe('runTransfer on a slow uplink', () => {
  it('finishes with no E_STALLED when the stall timeout is below file/R but well above the queued bytes/R', async () => {
    // What may sit unseen between the client and the host's reads: one piece in the socket's write
    // queue, and what the kernel's socket buffers hold, ~4 MiB on loopback here (measured: the last
    // byte of an 8 MiB body at 1 MiB/s was handed over 4 s before the answer; at 1 MiB/s and a 3 s
    // timeout this test stalled). Generous margins for a loaded machine: that needs ~0.6 s, the
    // timeout is 3 s, and the whole body needs 8 s.
    const bytesPerSecond = 8 * MiB;
    const stallTimeoutMs = 3_000;
    const kernelBuffersBytes = 4 * MiB;
    const slow = await makeRandomFile(64 * MiB + 333);
    try {
      // The premise: the body takes far longer than the timeout to go out, what is queued far less.
      expect(((64 * MiB) / bytesPerSecond) * 1000).toBeGreaterThan(2 * stallTimeoutMs);
      expect(((READ_SIZE_BYTES + kernelBuffersBytes) / bytesPerSecond) * 1000 * 3).toBeLessThanOrEqual(
        stallTimeoutMs,
      );
      host.script = { bytesPerSecond };
      const url = host.createUpload(64 * MiB + 333);
      const rec = recorder();
      const result = await runTransfer({
        uploadUrl: url,
        source: await inspectFile(slow.path),
        chunkSizeBytes: Number.POSITIVE_INFINITY,
        stallTimeoutMs,
        retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50 },
        ...rec,
      });
      expect(rec.retries.map((r) => r.code)).not.toContain('E_STALLED');
      expect(result.uploadOffset).toBe(64 * MiB + 333);
      expect(host.sha256(url)).toBe(await sha256File(slow.path));
      expect(rec.regressions()).toEqual([]);
    } finally {
      await slow.dispose();
    }
  });
});

describe('the retry budget', () => {
  const cutEvery = (patch: { offsetBytes: number }) =>
    patch.offsetBytes < SOURCE_BYTES ? 256 * KiB : undefined;

  it('resets whenever the offset advanced: cuts in every PATCH, partial bytes kept, completes', async () => {
    host.script = { cutAfterBytes: cutEvery, keepPartial: true };
    const url = host.createUpload(2 * MiB);
    const small = await makeRandomFile(2 * MiB);
    try {
      const rec = recorder();
      const result = await runTransfer({
        uploadUrl: url,
        source: await inspectFile(small.path),
        chunkSizeBytes: Number.POSITIVE_INFINITY,
        retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 20 },
        ...rec,
      });
      expect(result.retries).toBeGreaterThan(2);
      expect(rec.retries.every((r) => r.attempt === 1)).toBe(true);
      expect(host.stats.cuts).toBeGreaterThan(2);
      expect(host.sha256(url)).toBe(await sha256File(small.path));
      expect(rec.regressions()).toEqual([]);
    } finally {
      await small.dispose();
    }
  });

  it('runs out when nothing advances: the same cuts with partial bytes dropped', async () => {
    host.script = { cutAfterBytes: cutEvery, keepPartial: false };
    const url = host.createUpload(2 * MiB);
    const small = await makeRandomFile(2 * MiB);
    try {
      const rec = recorder();
      const error = await runTransfer({
        uploadUrl: url,
        source: await inspectFile(small.path),
        chunkSizeBytes: Number.POSITIVE_INFINITY,
        retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 20 },
        ...rec,
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'NetworkError', code: 'E_RETRIES_EXHAUSTED' });
      expect(rec.retries.map((r) => r.attempt)).toEqual([1]);
      expect(host.offsetOf(url)).toBe(0);
    } finally {
      await small.dispose();
    }
  });
});

describe('abort inside one throttled PATCH', () => {
  it.each([true, false])(
    'rejects with AbortError long before the stall timeout, then resumes byte-identically (keepPartial %s)',
    async (keepPartial) => {
      host.script = { bytesPerSecond: 2 * MiB, keepPartial };
      const url = host.createUpload(SOURCE_BYTES);
      const file = await inspectFile(source.path);
      const controller = new AbortController();
      let abortedAt = 0;
      const first = recorder();
      const run = runTransfer({
        uploadUrl: url,
        source: file,
        chunkSizeBytes: Number.POSITIVE_INFINITY,
        stallTimeoutMs: 60_000,
        signal: controller.signal,
        ...first,
        onProgress: (p) => {
          first.onProgress(p);
          if (p.bytesSent >= 4 * MiB && abortedAt === 0) {
            abortedAt = performance.now();
            controller.abort(new Error('user pressed ^C'));
          }
        },
      });
      const error = await run.catch((e: unknown) => e);
      const tookMs = performance.now() - abortedAt;
      expect(error).toBeInstanceOf(AbortError);
      expect(abortedAt).toBeGreaterThan(0);
      expect(first.progress.at(-1)?.bytesSent).toBeLessThan(SOURCE_BYTES);
      // Far below the 60 s stall timeout: the request was cut, not left to time out.
      expect(tookMs).toBeLessThan(10_000);
      expect(host.stats.patches).toBeGreaterThan(0);

      host.script = { keepPartial };
      const second = recorder();
      const result = await runTransfer({
        uploadUrl: url,
        source: file,
        retry: { initialDelayMs: 10 },
        ...second,
      });
      const resumedFrom = second.acked[0] ?? -1;
      if (!keepPartial) expect(resumedFrom).toBe(0);
      expect(result.bytesSent).toBe(SOURCE_BYTES - resumedFrom);
      expect(result.uploadOffset).toBe(SOURCE_BYTES);
      expect(host.sha256(url)).toBe(sourceSha);
    },
  );
});

describe('a HEAD that reports less than was acknowledged', () => {
  it('keeps bytesAcked monotonic and re-sends from the lower offset to an identical result', async () => {
    // After the 3rd PATCH (offset 3 MiB acknowledged) the store loses everything beyond 1 MiB.
    host.script = { truncateAfter: (patch) => (patch.index === 3 ? MiB : undefined) };
    const url = host.createUpload(SOURCE_BYTES);
    const rec = recorder();
    const result = await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      chunkSizeBytes: MiB,
      retry: { maxAttempts: 4, initialDelayMs: 5, maxDelayMs: 20 },
      ...rec,
    });
    // The 4th PATCH (at 3 MiB) meets a 409; HEAD then says 1 MiB.
    expect(rec.retries.map((r) => r.code)).toEqual(['E_OFFSET_MISMATCH']);
    expect(rec.regressions()).toEqual([]);
    expect(rec.acked.slice(0, 4)).toEqual([0, MiB, 2 * MiB, 3 * MiB]);
    expect(Math.min(...rec.acked.slice(3))).toBe(3 * MiB);
    expect(result.uploadOffset).toBe(SOURCE_BYTES);
    // The lost 2 MiB went again (and some of the refused PATCH's body).
    expect(result.bytesSent).toBeGreaterThanOrEqual(SOURCE_BYTES + 2 * MiB);
    expect(host.sha256(url)).toBe(sourceSha);
  });
});

describe('a host that loses every interrupted PATCH and cuts long ones', () => {
  it('halves the PATCH size after two cuts without progress until the file gets through', async () => {
    const limitBytes = 3 * MiB;
    host.script = {
      keepPartial: false,
      cutAfterBytes: (patch) => (patch.contentLengthBytes > limitBytes ? 512 * KiB : undefined),
    };
    const url = host.createUpload(SOURCE_BYTES);
    const rec = recorder();
    const result = await runTransfer({
      uploadUrl: url,
      source: await inspectFile(source.path),
      chunkSizeBytes: 64 * MiB,
      retry: { maxAttempts: 5, initialDelayMs: 5, maxDelayMs: 20 },
      ...rec,
    });
    const half = Math.floor(SOURCE_BYTES / 2);
    const quarter = Math.floor(half / 2);
    // Two cuts at each size, then PATCHes of at most a quarter of the file (below the host's limit).
    expect(host.stats.patchSizes.slice(-result.requests, -result.requests + 4)).toEqual([
      SOURCE_BYTES,
      SOURCE_BYTES,
      half,
      half,
    ]);
    expect(host.stats.patchSizes.slice(-result.requests + 4).every((size) => size <= quarter)).toBe(true);
    expect(rec.retries.map((r) => r.code)).toEqual(['E_NETWORK', 'E_NETWORK', 'E_NETWORK', 'E_NETWORK']);
    expect(result.uploadOffset).toBe(SOURCE_BYTES);
    expect(host.sha256(url)).toBe(sourceSha);
  });
});
