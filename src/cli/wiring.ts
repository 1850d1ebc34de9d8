/**
 * The real dependencies of the CLI: the upload engine, the embedded sandbox, the file system.
 */
import { readFile } from 'node:fs/promises';
import { createUpload } from '../upload/upload.js';
import type { CliDeps, EmbeddedSandbox, EmbeddedSandboxOptions } from './deps.js';
import type { StartUpload } from './engine-port.js';

/** The dependencies bin.ts passes to the commands. */
export function realDeps(): CliDeps {
  return {
    loadEngine: async () => loadEngine(),
    startSandbox: async (options) => startEmbeddedSandbox(options),
    readTextFile: async (path) => readFile(path, 'utf8'),
  };
}

/**
 * The plain engine: every run creates a new video. The ledger layer (issue 4) replaces this with a
 * starter that records each upload and resumes known ones (using `stateDir`, `ledger`, `forceNew`).
 */
async function loadEngine(): Promise<StartUpload> {
  return (filePath, options) => createUpload(filePath, options);
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
