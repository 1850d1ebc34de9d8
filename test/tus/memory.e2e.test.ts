/**
 * Flat memory: a file three times the chunk size goes up in a child process whose peak RSS grows by
 * far less than one chunk (the body streams from disk; no chunk is ever held in memory).
 * Not a timing test.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeRandomFile, sha256File, startTusServer, type TusTestServer } from './helpers/tus-server.js';

const MiB = 1024 * 1024;
const CHUNK_BYTES = 32 * MiB;
const FILE_BYTES = 96 * MiB;

let server: TusTestServer;
let source: { path: string; dispose: () => Promise<void> };

beforeAll(async () => {
  server = await startTusServer();
  source = await makeRandomFile(FILE_BYTES);
});
afterAll(async () => {
  await server.close();
  await source.dispose();
});

it('keeps peak RSS growth well below the chunk size while uploading 3 chunks', async () => {
  const url = await server.createUpload(FILE_BYTES);
  const child = fileURLToPath(new URL('./fixtures/memory-child.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', child, url, source.path, String(CHUNK_BYTES)],
    { timeout: 120_000 },
  );
  const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    growthKiB: number;
    result: { uploadOffset: number; requests: number };
  };
  expect(report.result.uploadOffset).toBe(FILE_BYTES);
  expect(report.result.requests).toBe(3);
  expect(await server.storedSha256(url)).toBe(await sha256File(source.path));
  // Well below one chunk (32 MiB): holding a chunk, or a few chunks' worth of dead read buffers, fails.
  expect(report.growthKiB * 1024).toBeLessThan(CHUNK_BYTES / 2);
  console.log(`memory check: peak RSS grew by ${(report.growthKiB / 1024).toFixed(1)} MiB`);
});
