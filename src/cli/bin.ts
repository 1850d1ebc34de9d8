#!/usr/bin/env node
/**
 * The `vimeo-tus` executable: the only place that reads process.argv and process.env, listens for
 * signals and calls process.exit. Everything else is in run.ts and the command functions.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createUpload } from '../entry/create-upload.js';
import { AbortError } from '../errors.js';
import type { CliIo, EmbeddedSandbox, EmbeddedSandboxOptions } from './io.js';
import { runCli } from './run.js';

function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const controller = new AbortController();
let interrupts = 0;
const onSignal = (signal: NodeJS.Signals): void => {
  interrupts += 1;
  if (interrupts > 1) {
    process.stderr.write('\nvimeo-tus: stopped without waiting.\n');
    process.exit(130);
  }
  // On a terminal the live frame is being redrawn: a line written under it would be left behind.
  // The summary that follows says "Interrupted".
  if (!process.stdout.isTTY) {
    process.stderr.write(`\nvimeo-tus: ${signal} received, stopping (press Ctrl-C again to quit at once)…\n`);
  }
  controller.abort(new AbortError(`interrupted by ${signal}`));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: process.stdout.isTTY === true,
  env: { ...process.env },
  signal: controller.signal,
  cwd: process.cwd(),
  now: () => Date.now(),
  readTextFile: (path) => readFile(path, 'utf8'),
  startUpload: createUpload,
  startSandbox: startEmbeddedSandbox,
};

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

// The package's files, found from this file's place: dist/cli/bin.js in the package (the entry of
// the CLI's bundle, scripts/bundle.mjs), src/cli/bin.ts in a checkout; both two levels below the
// root. The modules bundled into chunks locate nothing themselves.
const code = await runCli(process.argv.slice(2), io, {
  version: packageVersion(),
  docsDir: fileURLToPath(new URL('../../docs/', import.meta.url)),
  browserModulePath: fileURLToPath(new URL('../../dist/browser.js', import.meta.url)),
});
process.exit(code);
