/**
 * The real dependencies of the CLI: the upload engine, the embedded sandbox, the file system.
 */
import { readFile } from 'node:fs/promises';
import { startSandbox } from '../sandbox/index.js';
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
  const sandbox = await startSandbox(
    options.throttleBytesPerSecond === undefined
      ? {}
      : { faults: { throttleBytesPerSecond: options.throttleBytesPerSecond } },
  );
  return { apiUrl: sandbox.apiUrl, token: sandbox.token, close: () => sandbox.close() };
}
