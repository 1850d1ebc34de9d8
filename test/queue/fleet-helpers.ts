/**
 * What the fleet tests share: a real redis-server and a real sandbox, worker processes of the
 * built binary (`queue work`), the queue's totals as `queue status --json` prints them, and the
 * end check: every source is exactly one video holding exactly its bytes.
 */
import { expect } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { type CliRun, parseEvents, runBin } from '../cli/helpers/spawn-cli.js';
import type { TestFile } from '../e2e/helpers/engine-helpers.js';

/** Worker timings short enough for a test: a dead worker's jobs move on within a few seconds. */
export const FAST_TAKEOVER_ENV: Readonly<Record<string, string>> = {
  VIMEO_TUS_QUEUE_LOCK_MS: '2000',
  VIMEO_TUS_QUEUE_STALLED_MS: '1000',
  VIMEO_TUS_QUEUE_LEDGER_STALE_MS: '3000',
};

/** The environment a CLI process needs to reach the sandbox and the queue. */
export function fleetEnv(sandbox: Sandbox, redisUrl: string, cwd: string): Record<string, string> {
  return {
    VIMEO_TOKEN: sandbox.token,
    VIMEO_API_URL: sandbox.apiUrl,
    VIMEO_TUS_QUEUE: redisUrl,
    VIMEO_TUS_STATE_DIR: cwd,
    ...FAST_TAKEOVER_ENV,
  };
}

/** Runs one CLI command to its end. */
export async function cli(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return runBin(args, { cwd, env }).done;
}

/** A worker process (`queue work --json`), resolved once it said it is ready. */
export async function startWorker(
  env: Record<string, string>,
  cwd: string,
  extraArgs: readonly string[] = [],
): Promise<CliRun> {
  const run = runBin(['queue', 'work', '--json', '--chunk-size', '1MiB', ...extraArgs], { cwd, env });
  await run.waitForLine((line) => line.includes('"type":"ready"'));
  return run;
}

/** The last line of `queue status --json`: the totals. */
export async function totals(env: Record<string, string>, cwd: string): Promise<Record<string, number>> {
  const { code, stdout, stderr } = await cli(['queue', 'status', '--json'], env, cwd);
  expect(code, stderr).toBe(0);
  const events = parseEvents(stdout);
  return events[events.length - 1] as Record<string, number>;
}

/** Polls until `check` holds (or fails the test after `timeoutMs`, a bound, not a measurement). */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every source is exactly one live video with exactly its bytes, and nothing else was created. */
export async function expectOneVideoPerSource(sandbox: Sandbox, files: readonly TestFile[]): Promise<void> {
  const state = await sandbox.state();
  expect(state.videos).toHaveLength(files.length);
  expect(state.counters.videosCreated).toBe(files.length);
  expect(state.deletedVideoIds).toHaveLength(0);
  for (const file of files) {
    const holding = state.videos.filter((video) => video.sha256 === file.sha256);
    expect(holding, file.path).toHaveLength(1);
    expect(holding[0]?.storedBytes).toBe(file.sizeBytes);
    expect(holding[0]?.uploadHostSawToken).toBe(false);
  }
}

/** The JSON events a worker printed so far. */
export function workerEvents(output: string): Record<string, unknown>[] {
  return parseEvents(output).filter((event) => typeof event.type === 'string');
}
