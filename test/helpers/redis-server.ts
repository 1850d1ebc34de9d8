/**
 * A real `redis-server` (the Debian package) for the fleet tests: a free port on 127.0.0.1, a
 * temporary folder as its working directory, optional append-only persistence, and a restart on
 * the same folder and port. Free of vitest, so benchmarks and child scripts can use it too.
 *
 * Where `redis-server` is missing the tests skip, unless `VIMEO_TUS_REQUIRE_REDIS=1` (set by
 * .ci/run) makes them fail instead: in CI they must run.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The binary, overridable for machines that keep it elsewhere. */
export const REDIS_SERVER_BIN = process.env.VIMEO_TUS_REDIS_SERVER ?? 'redis-server';

/** True when `redis-server` can be run here. */
export const HAS_REDIS = (() => {
  try {
    execFileSync(REDIS_SERVER_BIN, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** True when the Redis tests must run (CI): a missing binary is then a failure, not a skip. */
export const REDIS_REQUIRED = process.env.VIMEO_TUS_REQUIRE_REDIS === '1';

/** Whether to skip the Redis tests on this machine. */
export const SKIP_REDIS = !HAS_REDIS && !REDIS_REQUIRED;

/** Options of {@link startRedis}. */
export interface RedisServerOptions {
  /** `--appendonly yes --appendfsync always`: every acknowledged write survives a SIGKILL. @default false */
  readonly appendOnly?: boolean;
  /** `--requirepass`: clients must give this password. */
  readonly password?: string;
}

/** A running redis-server. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Kills it (SIGKILL: no shutdown save) and starts it again on the same folder and port. */
  restart(): Promise<void>;
  /** Kills it with SIGKILL and waits until it is gone (nothing is saved at exit). */
  kill(): Promise<void>;
  /** Starts it again after `kill()`. */
  start(): Promise<void>;
  /** Stops it and removes its folder. Idempotent. */
  close(): Promise<void>;
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function spawnRedis(
  port: number,
  dir: string,
  appendOnly: boolean,
  password?: string,
): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
    ...(appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    ...(password === undefined ? [] : ['--requirepass', password]),
  ];
  const child = spawn(REDIS_SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${String(code)}):\n${output}`)));
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a redis-server on a free port with a fresh temporary folder. */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  if (!HAS_REDIS) {
    throw new Error(
      `${REDIS_SERVER_BIN} is not installed: apt-get install redis-server (or set VIMEO_TUS_REDIS_SERVER)`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'vimeo-tus-redis-'));
  const appendOnly = options.appendOnly ?? false;
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; child === undefined; attempt++) {
    port = await freePort();
    try {
      child = await spawnRedis(port, dir, appendOnly, options.password);
    } catch (error) {
      if (attempt >= 4) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  let running: ChildProcess | undefined = child;
  const kill = async (): Promise<void> => {
    if (!running) return;
    const stopping = running;
    running = undefined;
    stopping.kill('SIGKILL');
    await waitForExit(stopping);
  };
  const start = async (): Promise<void> => {
    if (running) return;
    running = await spawnRedis(port, dir, appendOnly);
  };
  let closed = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    kill,
    start,
    restart: async () => {
      await kill();
      await start();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
