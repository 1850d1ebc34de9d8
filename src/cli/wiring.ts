/**
 * The real dependencies of the CLI: the upload engine and the embedded sandbox, loaded lazily so
 * that `--help` stays fast and so that a command that needs neither does not load them.
 */
import { readFile } from 'node:fs/promises';
import { VimeoTusError } from '../errors.js';
import { startSandbox } from '../sandbox/index.js';
import type { CliDeps, EmbeddedSandbox, EmbeddedSandboxOptions } from './deps.js';
import type { StartUpload } from './engine-port.js';

// A module path as a string: the engine is built on another branch; until it is merged, a missing
// export is reported as "not available in this build" instead of breaking the types.
const ENGINE_MODULE = '../index.js';

/** The dependencies bin.ts passes to the commands. */
export function realDeps(): CliDeps {
  return {
    loadEngine: async () => loadEngine(),
    startSandbox: async (options) => startEmbeddedSandbox(options),
    readTextFile: async (path) => readFile(path, 'utf8'),
  };
}

async function loadEngine(): Promise<StartUpload> {
  const mod = (await import(ENGINE_MODULE)) as { createUpload?: unknown };
  if (typeof mod.createUpload !== 'function') throw notAvailable('the upload engine');
  return mod.createUpload as StartUpload;
}

async function startEmbeddedSandbox(options: EmbeddedSandboxOptions): Promise<EmbeddedSandbox> {
  const sandbox = await startSandbox(
    options.throttleBytesPerSecond === undefined
      ? {}
      : { faults: { throttleBytesPerSecond: options.throttleBytesPerSecond } },
  );
  return { apiUrl: sandbox.apiUrl, token: sandbox.token, close: () => sandbox.close() };
}

function notAvailable(what: string): VimeoTusError {
  return new VimeoTusError('E_CONFIG', `${what} is not available in this build`);
}
