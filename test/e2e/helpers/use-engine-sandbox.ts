/**
 * The setup every engine end-to-end test repeats: a scratch folder per test, a sandbox started on
 * demand, both cleaned up after each test (also when it failed), plus extra cleanups a test adds.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../../src/sandbox/index.js';
import { sandboxFor, scratchDir } from './engine-helpers.js';

/** What {@link useEngineSandbox} gives a test file. */
export interface EngineTestContext {
  /** This test's scratch folder (fresh per test). */
  readonly dir: string;
  /** The sandbox started by `start()` in this test; throws if none was. */
  readonly sandbox: Sandbox;
  /** Starts this test's sandbox (short processing delays, version header required). */
  start(options?: SandboxOptions): Promise<Sandbox>;
  /** Runs `cleanup` after this test, before the sandbox closes (last added runs first). */
  defer(cleanup: () => Promise<void> | void): void;
  /** Listens on 127.0.0.1 (free port) and closes the server after this test; returns its base URL. */
  listen(server: Server): Promise<string>;
}

/** Closes a server, cutting its open connections. */
export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Registers beforeEach/afterEach hooks in the calling test file and returns their context. */
export function useEngineSandbox(): EngineTestContext {
  let dir: string | undefined;
  let removeDir: (() => Promise<void>) | undefined;
  let sandbox: Sandbox | undefined;
  let cleanups: Array<() => Promise<void> | void> = [];

  beforeEach(async () => {
    const scratch = await scratchDir();
    dir = scratch.dir;
    removeDir = scratch.cleanup;
  });
  afterEach(async () => {
    const pending = cleanups.reverse();
    cleanups = [];
    try {
      for (const cleanup of pending) await cleanup();
    } finally {
      await sandbox?.close();
      sandbox = undefined;
      await removeDir?.();
      removeDir = undefined;
    }
  });

  return {
    get dir() {
      if (dir === undefined) throw new Error('useEngineSandbox: no test is running');
      return dir;
    },
    get sandbox() {
      if (!sandbox) throw new Error('useEngineSandbox: call start() first');
      return sandbox;
    },
    async start(options = {}) {
      await sandbox?.close();
      sandbox = await sandboxFor(options);
      return sandbox;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
    async listen(server) {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => closeServer(server));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}
