/**
 * The real dependencies of the CLI: the upload engine, the embedded sandbox, the file system.
 */
import { readFile } from 'node:fs/promises';
import { resolveStateDir } from '../config/state-dir.js';
import { createUpload } from '../upload/upload.js';
import type { CliDeps, EmbeddedSandbox, EmbeddedSandboxOptions } from './deps.js';
import type { StartUpload } from './engine-port.js';
import type { CliIo } from './io.js';

/**
 * The dependencies bin.ts passes to the commands. `io` gives the environment (for the default
 * state folder).
 */
export function realDeps(io: Pick<CliIo, 'env' | 'stderr'> = { env: {}, stderr: process.stderr }): CliDeps {
  return {
    loadEngine: async (options) => loadEngine(options, io),
    startSandbox: async (options) => startEmbeddedSandbox(options),
    readTextFile: async (path) => readFile(path, 'utf8'),
  };
}

/**
 * The ledger-backed starter (the default): each upload is recorded in `<state dir>/ledger.db`
 * and a rerun continues it on the same video. With `--no-ledger`, the plain engine: every run
 * creates a new video. Notices (resumed, adopted, new version...) are events on each handle.
 */
async function loadEngine(
  options: { readonly stateDir: string | undefined; readonly ledger: boolean },
  io: Pick<CliIo, 'env' | 'stderr'>,
): Promise<StartUpload> {
  if (!options.ledger) return (filePath, uploadOptions) => createUpload(filePath, uploadOptions);
  const stateDir = resolveStateDir({
    ...(options.stateDir !== undefined ? { flag: options.stateDir } : {}),
    env: { ...io.env },
  });
  // Imported on demand: SQLite is start-up cost for the commands that do not record uploads.
  const { createLedgerStarter } = await import('../resume/starter.js');
  // Notices travel on each upload's handle ('notice' events) to the batch's reporter: NDJSON,
  // plain lines or the live display, never a side channel.
  return createLedgerStarter({ stateDir });
}

async function startEmbeddedSandbox(options: EmbeddedSandboxOptions): Promise<EmbeddedSandbox> {
  // Imported on demand: the sandbox (@tus/server and its dependencies) is start-up cost for every
  // command that does not use it.
  const { startSandbox } = await import('../sandbox/index.js');
  const sandbox = await startSandbox(
    options.throttleBytesPerSecond === undefined
      ? {}
      : { faults: { throttleBytesPerSecond: options.throttleBytesPerSecond } },
  );
  return { apiUrl: sandbox.apiUrl, token: sandbox.token, close: () => sandbox.close() };
}
