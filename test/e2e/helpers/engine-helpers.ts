/**
 * Shared setup of the engine's end-to-end tests: random files with their SHA-256, a sandbox per
 * test, and the checks every test makes (bytes identical, one video, no token on the upload host,
 * acknowledged bytes never going back).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Upload } from '../../../src/entry/types.js';
import { UploadHandle } from '../../../src/entry/upload-handle.js';
import type { VimeoTusError } from '../../../src/errors.js';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../../src/sandbox/index.js';
import { inspectFile } from '../../../src/sources/file-source.js';
import { runUpload } from '../../../src/upload/run-upload.js';
import type { EngineOptions, UploadPhase, UploadProgress, UploadResult } from '../../../src/upload/types.js';

export const MiB = 1024 * 1024;

export interface TestFile {
  readonly path: string;
  readonly sizeBytes: number;
  readonly sha256: string;
}

/** A scratch folder, removed by `cleanup()`. */
export async function scratchDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vimeo-tus-engine-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes `sizeBytes` random bytes to `dir/name`. */
export async function randomFile(dir: string, name: string, sizeBytes: number): Promise<TestFile> {
  const bytes = randomBytes(sizeBytes);
  const path = join(dir, name);
  await writeFile(path, bytes);
  return { path, sizeBytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Starts a sandbox with short processing delays that, like Vimeo, insists on API version 3.4. */
export function sandboxFor(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({
    uploadCompleteDelayMs: 20,
    transcodeDelayMs: 40,
    requireVersionHeader: true,
    ...options,
  });
}

/**
 * The engine alone under the one handle, with the options only the ledger layer passes (`hooks`):
 * for tests of that seam. Everything else goes through `createUpload`.
 */
export function runEngine(filePath: string, options: EngineOptions): Upload {
  return new UploadHandle(
    async (context) =>
      runUpload(await inspectFile(filePath), { ...options, signal: context.signal }, context),
    options.signal,
  );
}

/** Collects progress events and phases of an upload. */
export function recordProgress(upload: Upload): { events: UploadProgress[]; phases: () => UploadPhase[] } {
  const events: UploadProgress[] = [];
  upload.on('progress', (p) => events.push(p));
  return {
    events,
    phases: () => events.map((e) => e.phase).filter((phase, i, all) => i === 0 || all[i - 1] !== phase),
  };
}

/** Asserts that no progress event shows fewer acknowledged bytes than one before it. */
export function expectAckedNeverDecreases(events: readonly UploadProgress[]): void {
  for (let i = 1; i < events.length; i++) {
    expect(events[i]?.bytesAcked ?? 0).toBeGreaterThanOrEqual(events[i - 1]?.bytesAcked ?? 0);
  }
}

/**
 * The invariants of a successful upload: exactly one video (and one create call), stored bytes
 * identical to the file, the token never seen by the upload host, the result consistent.
 */
export async function expectStoredExactly(
  sandbox: Sandbox,
  file: TestFile,
  result: UploadResult,
): Promise<void> {
  const state = await sandbox.state();
  expect(state.counters.createCalls).toBe(1);
  expect(state.videos).toHaveLength(1);
  const video = state.videos[0];
  expect(video?.uri).toBe(result.videoUri);
  expect(video?.storedBytes).toBe(file.sizeBytes);
  expect(video?.sha256).toBe(file.sha256);
  expect(video?.uploadHostSawToken).toBe(false);
  expect(state.counters.apiRequestsWithTusHeaders).toBe(0);
  expect(result.bytesTotal).toBe(file.sizeBytes);
  expect(result.uploadOffset).toBe(file.sizeBytes);
  expect(result.uploadLength).toBe(file.sizeBytes);
}

/** The error `promise` rejects with (the test fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<VimeoTusError> {
  try {
    await promise;
  } catch (error) {
    return error as VimeoTusError;
  }
  throw new Error('expected a rejection');
}
