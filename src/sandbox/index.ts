/**
 * The local Vimeo-compatible sandbox: an API host and a tus upload host on 127.0.0.1, with fault
 * injection and an introspection endpoint. See docs/sandbox.md.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server as TusServer } from '@tus/server';
import { createApiServer } from './api-server.js';
import { applyRuntimeOptions, RUNTIME_DEFAULTS, type SandboxContext } from './context.js';
import { FaultController } from './faults.js';
import { ForeignHost } from './foreign-host.js';
import { sandboxState } from './introspection.js';
import { closeServer, listenPreferring } from './listen.js';
import { quoteUploadId } from './quoted-errors.js';
import { StateStore } from './state-store.js';
import type { Faults, Sandbox, SandboxOptions } from './types.js';
import { createUploadHost, uploadIdOf } from './upload-host.js';
import { CachedConfigstore } from './upload-records.js';

export type * from './types.js';

/** The token the sandbox accepts unless told otherwise. */
export const DEFAULT_SANDBOX_TOKEN = 'sandbox-token';

/**
 * Start the sandbox: an API host and an upload host on 127.0.0.1.
 * @example
 * const sandbox = await startSandbox();
 * // upload with { apiUrl: sandbox.apiUrl, token: sandbox.token }
 * await sandbox.close();
 */
export function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return start(options, options.dataDir === undefined);
}

async function start(options: SandboxOptions, ownsDataDir: boolean): Promise<Sandbox> {
  // Options are checked before anything is created on disk.
  const runtime = { ...RUNTIME_DEFAULTS };
  applyRuntimeOptions(runtime, options);
  const dataDir = options.dataDir
    ? resolve(options.dataDir)
    : await mkdtemp(join(tmpdir(), 'vimeo-tus-sandbox-'));
  const uploadsDir = join(dataDir, 'uploads');
  await mkdir(uploadsDir, { recursive: true });
  const store = await StateStore.open(dataDir);
  const tusStore = new FileStore({ directory: uploadsDir, configstore: new CachedConfigstore(uploadsDir) });
  const faults = new FaultController(options.faults ?? {});
  const token = options.token ?? DEFAULT_SANDBOX_TOKEN;
  const foreign = new ForeignHost(dataDir);
  const ctx: SandboxContext = {
    store,
    faults,
    foreign,
    options: runtime,
    token,
    tusStore,
    uploadsDir,
    uploadUrl: '',
    hashCache: new Map(),
    apiRequestsWithTusHeaders: 0,
    rateLimitRefusals: 0,
    now: () => Date.now(),
  };
  const tus = new TusServer({
    path: '/files',
    datastore: tusStore,
    lockDrainTimeout: 500,
    // Vimeo's upload host words its 409 this way.
    onResponseError: (req, error) =>
      'status_code' in error && error.status_code === 409
        ? { status_code: 409, body: quoteUploadId(ctx, 'mismatched offset\n', uploadIdOf(req.url)) }
        : undefined,
  });
  const apiServer = createApiServer(ctx);
  const uploadHost = createUploadHost(ctx, tus);
  const uploadServer = uploadHost.server;
  const previous = store.ports;
  const uploadPort = await listenPreferring(uploadServer, options.uploadPort, previous.uploadPort);
  let apiPort: number;
  try {
    apiPort = await listenPreferring(apiServer, options.port, previous.apiPort);
  } catch (error) {
    await closeServer(uploadServer);
    throw error;
  }
  await store.setPorts(apiPort, uploadPort);
  ctx.uploadUrl = `http://127.0.0.1:${uploadPort}`;
  let closed: Promise<void> | undefined;

  const sandbox: Sandbox = {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    uploadUrl: ctx.uploadUrl,
    token,
    dataDir,
    state: (stateOptions = {}) => sandboxState(ctx, stateOptions.hashes ?? true),
    idle: () => uploadHost.idle(),
    setFaults: (next: Faults) => faults.set(next),
    setOptions: (changes) => applyRuntimeOptions(runtime, changes),
    close: (closeOptions = {}) => {
      closed ??= (async () => {
        await Promise.all([closeServer(apiServer), closeServer(uploadServer), foreign.close()]);
        await uploadHost.idle();
        await store.save();
        if (ownsDataDir && closeOptions.keepDataDir !== true) {
          await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
        }
      })();
      return closed;
    },
    restart: async (restartOptions = {}) => {
      await sandbox.close({ keepDataDir: true });
      const current = Object.fromEntries(Object.entries(runtime).filter(([, v]) => v !== undefined));
      return start(
        {
          ...options,
          ...current,
          dataDir,
          port: apiPort,
          uploadPort,
          faults: restartOptions.faults ?? faults.faults,
        },
        ownsDataDir,
      );
    },
  };
  return sandbox;
}
