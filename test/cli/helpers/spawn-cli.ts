/**
 * Runs the built binary (dist/cli/bin.js) as a child process with pipes (so not a TTY), and
 * collects its output. Also builds dist once per test file.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** Repository root (this worktree). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The binary under test. */
export const BIN = path.join(ROOT, 'dist/cli/bin.js');
/** The browser module (`vimeo-tus/browser`), bundled by scripts/bundle.mjs. */
export const BROWSER_BUNDLE = path.join(ROOT, 'dist/browser.js');

/**
 * Builds dist (the same as `npm run build`) unless dist is newer than every source file, build
 * script and tsconfig.
 * Test files run in parallel workers: a lock directory makes one build at a time, so that no test
 * spawns the binary while another worker rewrites it.
 */
export async function buildDist(): Promise<void> {
  const key = createHash('sha256').update(ROOT).digest('hex').slice(0, 12);
  const lock = path.join(tmpdir(), `vimeo-tus-build-${key}.lock`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (Date.now() > deadline) await rm(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    const builtMs = Math.min(
      ...(await Promise.all(
        [BIN, BROWSER_BUNDLE].map((file) =>
          stat(file).then(
            (info) => info.mtimeMs,
            () => 0,
          ),
        ),
      )),
    );
    const inputs = await Promise.all(
      ['src', 'scripts', 'tsconfig.json', 'tsconfig.build.json'].map((entry) =>
        newestMtimeMs(path.join(ROOT, entry)),
      ),
    );
    if (builtMs > Math.max(...inputs)) return;
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT });
    await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts/bundle.mjs')], {
      cwd: ROOT,
    });
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** The newest modification time of a file, or of any file in a folder. */
async function newestMtimeMs(file: string): Promise<number> {
  const info = await stat(file);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of await readdir(file, { withFileTypes: true })) {
    newest = Math.max(newest, await newestMtimeMs(path.join(file, entry.name)));
  }
  return newest;
}

/** A running CLI process. */
export interface CliRun {
  readonly child: ChildProcess;
  /** Resolves with the exit code (or 128+signal) and the whole output. */
  readonly done: Promise<{ code: number; stdout: string; stderr: string }>;
  /** Resolves with the first stdout line that matches. */
  waitForLine(predicate: (line: string) => boolean): Promise<string>;
}

/** Spawns `node dist/cli/bin.js ...args`. */
export function runBin(
  args: readonly string[],
  options: { cwd: string; env: Record<string, string> },
): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? options.cwd, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { predicate: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
      newline = pending.indexOf('\n');
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code: code ?? 128 + (signal === 'SIGINT' ? 2 : 9), stdout, stderr });
    });
  });
  return {
    child,
    done,
    waitForLine: (predicate) =>
      new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void done.then(() =>
          reject(new Error(`process ended before the expected line; stdout:\n${stdout}\nstderr:\n${stderr}`)),
        );
      }),
  };
}

/** Parses NDJSON output into events. */
export function parseEvents(stdout: string): Record<string, unknown>[] {
  return stdout
    .trimEnd()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
