/**
 * The fleet benchmark: files per second and bytes per second through `vimeo-tus queue work` with
 * 1, 2 and 4 worker processes on this machine, and the time per job against the plain CLI
 * batch (`vimeo-tus upload <dir>` at the same concurrency). A real redis-server and a sandbox
 * process; every run's videos are checked against the files' SHA-256 and then deleted.
 *
 * A run of the fleet is timed from `queue add` to the last worker's `verified` event (the workers
 * are started and ready before: a fleet's workers are long-running services). A run of the CLI is
 * timed from its start to its exit. The configurations alternate (A B C D, A B C D, ...) so each
 * round saw about the same machine load; medians are reported.
 *
 *   npm run bench:fleet -- [--files 24] [--size-mib 4] [--rounds 3] [--concurrency 2] [--work-dir DIR]
 *
 * Prints its table (markdown) on stdout and the rounds on stderr; `npm run bench` runs it as its
 * `fleet` section.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { startRedis } from '../test/helpers/redis-server.js';
import { track } from './lib/children.js';
import { BENCH_DIR, REPO_DIR } from './lib/compile.js';
import { ensureRandomFile, type TestFile } from './lib/files.js';
import { type SandboxProcess, startSandboxProcess } from './lib/sandbox-process.js';
import { spread } from './lib/stats.js';

const BIN = join(REPO_DIR, 'dist', 'cli', 'bin.js');
const workDirFlag = process.argv.indexOf('--work-dir');
const WORK_DIR =
  workDirFlag >= 0 && process.argv[workDirFlag + 1] !== undefined
    ? join(process.argv[workDirFlag + 1] as string, 'fleet')
    : join(BENCH_DIR, '.work', 'fleet');

interface Options {
  readonly files: number;
  readonly sizeMiB: number;
  readonly rounds: number;
  readonly concurrency: number;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string, fallback: number): number => {
    const index = argv.indexOf(flag);
    if (index < 0) return fallback;
    const parsed = Number(argv[index + 1]);
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${flag} takes a whole number >= 1`);
    return parsed;
  };
  return {
    files: value('--files', 24),
    sizeMiB: value('--size-mib', 4),
    rounds: value('--rounds', 3),
    concurrency: value('--concurrency', 2),
  };
}

type Config = { readonly kind: 'cli' } | { readonly kind: 'fleet'; readonly workers: number };

function label(config: Config): string {
  return config.kind === 'cli'
    ? 'CLI batch'
    : `fleet, ${config.workers} worker${config.workers > 1 ? 's' : ''}`;
}

interface Sample {
  readonly config: string;
  readonly seconds: number;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const sourceDir = join(WORK_DIR, `files-${options.files}x${options.sizeMiB}MiB`);
  const files: TestFile[] = [];
  for (let i = 0; i < options.files; i++) {
    files.push(await ensureRandomFile(sourceDir, options.sizeMiB * 2 ** 20, String(i)));
  }
  const sandbox = await startSandboxProcess(BIN);
  const redis = await startRedis({ appendOnly: true });
  const configs: Config[] = [
    { kind: 'cli' },
    { kind: 'fleet', workers: 1 },
    { kind: 'fleet', workers: 2 },
    { kind: 'fleet', workers: 4 },
  ];
  const samples: Sample[] = [];
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const config of configs) {
        const seconds =
          config.kind === 'cli'
            ? await runCli(sandbox, sourceDir, options)
            : await runFleet(sandbox, redis.url, sourceDir, options, config.workers);
        await checkAndClean(sandbox, files);
        samples.push({ config: label(config), seconds });
        console.error(`round ${round}: ${label(config)} ${seconds.toFixed(2)} s`);
      }
    }
  } finally {
    await redis.close();
    await sandbox.stop();
  }
  const totalBytes = files.length * options.sizeMiB * 2 ** 20;
  const cli = spread(samples.filter((s) => s.config === 'CLI batch').map((s) => s.seconds));
  const rows = configs.map((config) => {
    const s = spread(samples.filter((x) => x.config === label(config)).map((x) => x.seconds));
    const median = s?.median ?? Number.NaN;
    return {
      config: label(config),
      medianSeconds: median,
      minSeconds: s?.min ?? Number.NaN,
      maxSeconds: s?.max ?? Number.NaN,
      filesPerSecond: files.length / median,
      mibPerSecond: totalBytes / 2 ** 20 / median,
      overheadPerJobMs: cli ? ((median - cli.median) / files.length) * 1000 : Number.NaN,
    };
  });
  const lines = [
    `${files.length} files of ${options.sizeMiB} MiB, concurrency ${options.concurrency} per process (the CLI holds a place while a file sends, a worker until its job is verified), ${options.rounds} rounds (medians; min–max)`,
    '',
    '| configuration | seconds | files/s | MiB/s | time per job vs CLI |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.config} | ${r.medianSeconds.toFixed(2)} (${r.minSeconds.toFixed(2)}–${r.maxSeconds.toFixed(2)}) | ${r.filesPerSecond.toFixed(2)} | ${r.mibPerSecond.toFixed(1)} | ${r.config === 'CLI batch' ? '—' : `${r.overheadPerJobMs.toFixed(0)} ms`} |`,
    ),
  ];
  console.log(lines.join('\n'));
  await writeFile(join(WORK_DIR, 'results.json'), `${JSON.stringify({ options, samples, rows }, null, 2)}\n`);
}

/** The plain CLI batch over the same folder, with a fresh SQLite ledger. */
async function runCli(sandbox: SandboxProcess, dir: string, options: Options): Promise<number> {
  const stateDir = join(WORK_DIR, 'state');
  await rm(stateDir, { recursive: true, force: true });
  await mkdir(stateDir, { recursive: true });
  const startedMs = performance.now();
  const code = await exitOf(
    spawnBin(['upload', dir, '--json', '--include', 'bin', '--concurrency', String(options.concurrency)], {
      VIMEO_TOKEN: sandbox.token,
      VIMEO_API_URL: sandbox.apiUrl,
      VIMEO_TUS_STATE_DIR: stateDir,
    }),
  );
  if (code !== 0) throw new Error(`the CLI batch exited ${code}`);
  return (performance.now() - startedMs) / 1000;
}

/** Ready workers, then `queue add`, until every job's `verified` event. */
async function runFleet(
  sandbox: SandboxProcess,
  redisUrl: string,
  dir: string,
  options: Options,
  workerCount: number,
): Promise<number> {
  const redis = new Redis(redisUrl);
  await redis.flushall();
  redis.disconnect();
  const env = { VIMEO_TOKEN: sandbox.token, VIMEO_API_URL: sandbox.apiUrl, VIMEO_TUS_QUEUE: redisUrl };
  const workers: ChildProcess[] = [];
  let verified = 0;
  let allVerified: () => void = () => undefined;
  let jobFailed: (error: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    allVerified = resolve;
    jobFailed = reject;
  });
  try {
    await Promise.all(
      Array.from({ length: workerCount }, async () => {
        const child = spawnBin(
          ['queue', 'work', '--json', '--concurrency', String(options.concurrency)],
          env,
        );
        workers.push(child);
        const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
        await new Promise<void>((resolve, reject) => {
          child.once('exit', (code) => reject(new Error(`a worker exited early (${code})`)));
          lines.on('line', (line) => {
            if (line.includes('"type":"ready"')) resolve();
            if (line.includes('"type":"verified"')) {
              verified += 1;
              if (verified === options.files) allVerified();
            }
            if (line.includes('"type":"failed"')) jobFailed(new Error(`a job failed: ${line}`));
          });
        });
      }),
    );
    const startedMs = performance.now();
    const add = await exitOf(spawnBin(['queue', 'add', dir, '--include', 'bin', '--json'], env));
    if (add !== 0) throw new Error(`queue add exited ${add}`);
    await done;
    return (performance.now() - startedMs) / 1000;
  } finally {
    for (const child of workers) child.kill('SIGTERM');
    await Promise.all(workers.map((child) => (child.exitCode === null ? exitOf(child) : child.exitCode)));
  }
}

/** Every file is exactly one video holding its bytes; then the videos are deleted. */
async function checkAndClean(sandbox: SandboxProcess, expected: readonly TestFile[]): Promise<void> {
  const state = await sandbox.state(true);
  const wanted = new Set(expected.map((file) => file.sha256));
  const matching = state.videos.filter((video) => video.sha256 !== null && wanted.has(video.sha256));
  if (
    state.videos.length !== expected.length ||
    new Set(matching.map((v) => v.sha256)).size !== expected.length
  ) {
    throw new Error(`expected ${expected.length} videos holding the files, found ${state.videos.length}`);
  }
  for (const video of state.videos) await sandbox.deleteVideo(video.uri);
}

function spawnBin(args: readonly string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? WORK_DIR, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  track(child);
  child.stdout?.resume();
  return child;
}

function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}

await main();
