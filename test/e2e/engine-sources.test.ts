/**
 * Uploading what is not a file, end to end against the sandbox: the bytes themselves, and a
 * stream of a declared size that survives a cut PATCH within the run (also when the server drops
 * what the cut PATCH had sent). The ledger refuses both: a later run could not read them again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createUpload, uploadVideo } from '../../src/entry/create-upload.js';
import { ConfigError } from '../../src/errors.js';
import { MemoryLedger } from '../../src/ledger/memory-ledger.js';
import { expectStoredExactly, MiB, type TestFile } from './helpers/engine-helpers.js';
import { useEngineSandbox } from './helpers/use-engine-sandbox.js';

const t = useEngineSandbox();
const FAST_RETRY = { initialDelayMs: 20, maxDelayMs: 200 };

/** Random bytes and what expectStoredExactly compares them by. */
function randomData(sizeBytes: number): { data: Buffer; expected: TestFile } {
  const data = randomBytes(sizeBytes);
  const sha256 = createHash('sha256').update(data).digest('hex');
  return { data, expected: { path: '(memory)', sizeBytes, sha256 } };
}

/** `data` as a Node Readable delivering 64 KiB pieces. */
function readable(data: Buffer): Readable {
  return Readable.from(
    (function* pieces() {
      for (let at = 0; at < data.length; at += 64 * 1024) yield data.subarray(at, at + 64 * 1024);
    })(),
  );
}

describe('a Buffer', () => {
  it('is uploaded as it is, named by the video fields', async () => {
    const sandbox = await t.start();
    const { data, expected } = randomData(3 * MiB + 17);
    const result = await uploadVideo(data, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      chunkSizeBytes: MiB,
      video: { name: 'from memory' },
    });
    await expectStoredExactly(sandbox, expected, result);
    expect(result.filePath).toBeUndefined();
    expect((await sandbox.state()).videos[0]?.name).toBe('from memory');
  });
});

describe('a stream with a declared size', () => {
  for (const dropPartial of [false, true]) {
    it(`survives a PATCH cut mid-way (the server ${dropPartial ? 'drops' : 'keeps'} its bytes)`, async () => {
      const sandbox = await t.start({
        faults: { resets: [{ nth: 2, afterBytes: 300_000 }], ...(dropPartial ? { dropPartial: true } : {}) },
      });
      const { data, expected } = randomData(3 * MiB + 5);
      const upload = createUpload(
        { stream: readable(data), sizeBytes: data.length, name: 'streamed.mp4' },
        { token: sandbox.token, apiUrl: sandbox.apiUrl, chunkSizeBytes: MiB, retry: FAST_RETRY },
      );
      const result = await upload.done;
      expect(result.retries).toBeGreaterThan(0);
      await expectStoredExactly(sandbox, expected, result);
      expect((await sandbox.state()).videos[0]?.name).toBe('streamed.mp4');
    });
  }

  it('that is shorter than declared ends with E_FILE_CHANGED; an unbounded chunk size is refused first', async () => {
    const sandbox = await t.start();
    const { data } = randomData(2 * MiB);
    const short = uploadVideo(
      { stream: readable(data), sizeBytes: data.length + 1 },
      { token: sandbox.token, apiUrl: sandbox.apiUrl, chunkSizeBytes: MiB },
    );
    await expect(short).rejects.toMatchObject({ code: 'E_FILE_CHANGED' });
    const unbounded = uploadVideo(
      { stream: readable(data), sizeBytes: data.length },
      { token: sandbox.token, apiUrl: sandbox.apiUrl, chunkSizeBytes: Number.POSITIVE_INFINITY },
    );
    await expect(unbounded).rejects.toBeInstanceOf(ConfigError);
    expect((await sandbox.state()).counters.createCalls).toBe(1);
  });
});

describe('with a ledger', () => {
  it('a Buffer or a stream is refused before anything is created (a later run could not read it)', async () => {
    const sandbox = await t.start();
    const ledger = new MemoryLedger();
    const { data } = randomData(MiB);
    for (const input of [data, { stream: readable(data), sizeBytes: data.length }]) {
      const error = await uploadVideo(input, { token: sandbox.token, apiUrl: sandbox.apiUrl, ledger }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/only what a later run can read again/);
    }
    expect((await sandbox.state()).counters.createCalls).toBe(0);
    expect(await ledger.list()).toEqual([]);
    await ledger.close();
  });
});
