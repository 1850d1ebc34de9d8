/**
 * Shared setup of the ledger-backed upload tests: a sandbox with a distinctive token, a SQLite
 * ledger in a scratch folder, a recorder for the handle's events, and the per-test fixture.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createUpload } from '../../src/entry/create-upload.js';
import type { Upload, UploadOptions } from '../../src/entry/types.js';
import { ledgerPath, openLedger } from '../../src/ledger/index.js';
import type { Ledger } from '../../src/ledger/types.js';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/index.js';
import type { NoticeEvent, UploadProgress } from '../../src/upload/types.js';
import { MiB, sandboxFor } from '../e2e/helpers/engine-helpers.js';
import { useEngineSandbox } from '../e2e/helpers/use-engine-sandbox.js';

/** A sandbox whose token is unique, so that a test can search files for it. */
export function tokenSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return sandboxFor({ token: `tok-${randomUUID()}`, ...options });
}

/** Opens the SQLite ledger in `dir` (a new connection each call, like a new process would). */
export function ledgerIn(dir: string, options: { lockStaleAfterMs?: number } = {}): Promise<Ledger> {
  return openLedger({ path: ledgerPath(join(dir, 'state')), ...options });
}

/** Events of one ledger-backed upload. */
export interface Recorded {
  readonly upload: Upload;
  readonly notices: NoticeEvent[];
  readonly progress: UploadProgress[];
}

/** Starts a ledger-backed upload against `sandbox` with small chunks, recording its events. */
export function start(
  sandbox: Sandbox,
  filePath: string,
  ledger: Ledger,
  extra: Partial<UploadOptions> = {},
): Recorded {
  const upload = createUpload(filePath, {
    token: sandbox.token,
    apiUrl: sandbox.apiUrl,
    chunkSizeBytes: 1024 * 1024,
    progressIntervalMs: 0,
    retry: { initialDelayMs: 20, maxDelayMs: 200 },
    ledger,
    ...extra,
  });
  const notices: NoticeEvent[] = [];
  const progress: UploadProgress[] = [];
  upload.on('notice', (n) => notices.push(n));
  upload.on('progress', (p) => progress.push(p));
  return { upload, notices, progress };
}

/**
 * Runs a ledger-backed upload (throttled to 4 MiB/s) until the server acknowledged 1 MiB, then aborts
 * it: the record an interrupted run leaves, with its video and part of the bytes.
 */
export async function interruptAfterFirstMiB(
  box: Sandbox,
  db: Ledger,
  path: string,
  extra: Partial<UploadOptions> = {},
): Promise<void> {
  box.setFaults({ throttleBytesPerSecond: 4 * MiB });
  const controller = new AbortController();
  const run = start(box, path, db, { signal: controller.signal, ...extra });
  run.upload.on('progress', (p) => {
    if (p.bytesAcked >= MiB) controller.abort();
  });
  await run.upload.done.catch(() => undefined);
  box.setFaults({});
}

/** Asserts the token appears in none of the ledger's files (db, WAL, shared memory). */
export async function expectNoTokenInLedger(dir: string, token: string): Promise<void> {
  const base = ledgerPath(join(dir, 'state'));
  let seen = 0;
  for (const path of [base, `${base}-wal`, `${base}-shm`]) {
    const bytes = await readFile(path).catch(() => undefined);
    if (!bytes) continue;
    seen++;
    expect(bytes.includes(Buffer.from(token))).toBe(false);
  }
  expect(seen).toBeGreaterThan(0);
}

/** Something a test opens and the fixture closes after it. */
interface Closable {
  close(): Promise<unknown>;
}

/** The per-test scratch folder, and what a test opened there, closed when it ends. */
export interface ResumeFixture {
  /** The running test's scratch folder (removed after the test). */
  readonly dir: string;
  /** Closes `thing` after the test, the last kept first (a proxy before its ledger and sandbox). */
  keep<T extends Closable>(thing: T): T;
}

/**
 * The engine tests' per-test setup ({@link useEngineSandbox}) for a ledger test file: a fresh
 * scratch folder per test, and every sandbox, ledger or proxy the test kept closed after it, even
 * when the test failed.
 */
export function useResumeFixture(): ResumeFixture {
  const t = useEngineSandbox();
  return {
    get dir() {
      return t.dir;
    },
    keep(thing) {
      t.defer(async () => {
        await thing.close();
      });
      return thing;
    },
  };
}
