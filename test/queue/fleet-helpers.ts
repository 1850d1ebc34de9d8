/**
 * What the fleet tests share: a real redis-server and a real sandbox, worker processes of the
 * built binary (`queue work`), the queue's totals as `queue status --json` prints them, and the
 * end check: every source is exactly one video holding exactly its bytes.
 */
import { afterEach, beforeAll, expect } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/index.js';
import { buildDist, type CliRun, parseEvents, runBin } from '../cli/helpers/spawn-cli.js';
import { randomFile, sandboxFor, scratchDir, type TestFile } from '../e2e/helpers/engine-helpers.js';
import { type RedisServer, startRedis } from '../helpers/redis-server.js';

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

/** One test's fleet: its scratch folder, redis-server, sandbox and worker processes. */
export interface Fleet {
  readonly dir: string;
  readonly redis: RedisServer;
  readonly sandbox: Sandbox;
  /** The environment of a CLI process on this fleet. */
  readonly env: Record<string, string>;
  /** `count` random files `<prefix>-<i>.mp4` of `sizeBytes + i` bytes in the scratch folder. */
  files(count: number, sizeBytes: number, prefix?: string): Promise<TestFile[]>;
  /** A worker process, ready (killed after the test if still running), with more environment if given. */
  worker(args?: readonly string[], extraEnv?: Readonly<Record<string, string>>): Promise<CliRun>;
  /** Stops one worker with SIGTERM, expects exit 0, returns its output. */
  stop(run: CliRun): Promise<string>;
  /** Kills one worker with SIGKILL (nothing runs at exit) and returns its output. */
  kill(run: CliRun): Promise<string>;
  /** Stops every running worker that way and returns their events. */
  stopAll(): Promise<Record<string, unknown>[][]>;
}

/**
 * Registers the hooks of the fleet tests (the built binary; everything stopped and removed after
 * each test) and returns `start`, which sets up one test's fleet.
 */
export function useFleet(): (options?: {
  readonly appendOnly?: boolean;
  readonly sandbox?: SandboxOptions;
}) => Promise<Fleet> {
  const cleanups: (() => Promise<void>)[] = [];
  const workers = new Set<CliRun>();
  beforeAll(async () => {
    await buildDist();
  }, 180_000);
  afterEach(async () => {
    for (const run of workers) run.child.kill('SIGKILL');
    await Promise.all([...workers].map((run) => run.done));
    workers.clear();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return async (options = {}) => {
    const scratch = await scratchDir();
    cleanups.push(scratch.cleanup);
    const redis = await startRedis({ appendOnly: options.appendOnly ?? false });
    cleanups.push(() => redis.close());
    const sandbox = await sandboxFor(options.sandbox ?? {});
    cleanups.push(() => sandbox.close());
    const env = fleetEnv(sandbox, redis.url, scratch.dir);
    const stop = async (run: CliRun): Promise<string> => {
      run.child.kill('SIGTERM');
      const ended = await run.done;
      workers.delete(run);
      expect(ended.code, ended.stderr).toBe(0);
      return ended.stdout;
    };
    return {
      dir: scratch.dir,
      redis,
      sandbox,
      env,
      files: async (count, sizeBytes, prefix = 'clip') => {
        const made: TestFile[] = [];
        for (let i = 0; i < count; i++)
          made.push(await randomFile(scratch.dir, `${prefix}-${i}.mp4`, sizeBytes + i));
        return made;
      },
      worker: async (args = [], extraEnv = {}) => {
        const run = await startWorker({ ...env, ...extraEnv }, scratch.dir, args);
        workers.add(run);
        return run;
      },
      stop,
      kill: async (run) => {
        run.child.kill('SIGKILL');
        const ended = await run.done;
        workers.delete(run);
        return ended.stdout;
      },
      stopAll: async () => {
        const outputs = await Promise.all([...workers].map(stop));
        return outputs.map(workerEvents);
      },
    };
  };
}

/** True once some video of the sandbox holds part, not all, of its bytes. */
export async function someUploadHalfway(sandbox: Sandbox): Promise<boolean> {
  const state = await sandbox.state({ hashes: false });
  return state.videos.some((video) => video.storedBytes > 0 && video.storedBytes < video.sizeBytes);
}
