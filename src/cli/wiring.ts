/**
 * The real dependencies of the CLI: the upload engine and the embedded sandbox, loaded lazily so
 * that `--help` stays fast and so that a command that needs neither does not load them.
 */
import { readFile } from 'node:fs/promises';
import { VimeoTusError } from '../errors.js';
import type { CliDeps, EmbeddedSandbox, EmbeddedSandboxOptions } from './deps.js';
import type { StartUpload } from './engine-port.js';

// Module paths as strings: the engine and the sandbox are built on other branches; until they are
// merged, a missing module is reported as "not available in this build" instead of breaking types.
const ENGINE_MODULE = '../index.js';
const SANDBOX_MODULE = '../sandbox/index.js';

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
  let mod: { startSandbox?: unknown };
  try {
    mod = (await import(SANDBOX_MODULE)) as { startSandbox?: unknown };
  } catch (cause) {
    throw notAvailable('the embedded sandbox', cause);
  }
  if (typeof mod.startSandbox !== 'function') throw notAvailable('the embedded sandbox');
  const start = mod.startSandbox as (o: Record<string, unknown>) => Promise<EmbeddedSandbox>;
  return start(
    options.throttleBytesPerSecond === undefined
      ? {}
      : { throttleBytesPerSecond: options.throttleBytesPerSecond },
  );
}

function notAvailable(what: string, cause?: unknown): VimeoTusError {
  return new VimeoTusError('E_CONFIG', `${what} is not available in this build`, cause ? { cause } : {});
}
