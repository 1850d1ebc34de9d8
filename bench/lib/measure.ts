/**
 * Runs one client process and measures what it cost: user and system CPU seconds and peak RSS of
 * that process alone (not the harness, not the server), read from the kernel's rusage through GNU
 * time when it is installed. Without it, Node clients still report their own
 * process.resourceUsage() at exit, which is the same kernel counter seen from inside; other
 * commands then have CPU but no RSS.
 */
import { spawn } from 'node:child_process';
import { access, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const GNU_TIME = '/usr/bin/time';

/** What one measured process cost and said. */
export interface Measured {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Wall time of the whole process, start-up included. */
  readonly processWallMs: number;
  readonly userCpuS: number | null;
  readonly systemCpuS: number | null;
  readonly maxRssKiB: number | null;
  /** Where the CPU and RSS figures come from. */
  readonly source: 'gnu-time' | 'self-report' | 'none';
  readonly stdout: string;
  readonly stderr: string;
}

let gnuTimeAvailable: boolean | undefined;

/** True when /usr/bin/time (GNU time with `-f`) can be used. */
export async function hasGnuTime(): Promise<boolean> {
  if (gnuTimeAvailable === undefined) {
    gnuTimeAvailable = await access(GNU_TIME)
      .then(() => true)
      .catch(() => false);
  }
  return gnuTimeAvailable;
}

/** Options of one measured run. */
export interface MeasureOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** Scratch folder for GNU time's output file. */
  readonly workDir: string;
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs the command to its end (killing it after timeoutMs) and returns its costs. */
export async function measure(options: MeasureOptions): Promise<Measured> {
  const useTime = await hasGnuTime();
  const timeFile = join(
    options.workDir,
    `time-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`,
  );
  const command = useTime ? GNU_TIME : options.command;
  const args = useTime
    ? ['-f', '%e %U %S %M', '-o', timeFile, options.command, ...options.args]
    : [...options.args];
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const [exitCode, signal] = await new Promise<[number | null, string | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, sig) => resolve([code, sig]));
  }).finally(() => clearTimeout(timer));
  const processWallMs = performance.now() - started;
  let userCpuS: number | null = null;
  let systemCpuS: number | null = null;
  let maxRssKiB: number | null = null;
  if (useTime) {
    const text = await readFile(timeFile, 'utf8').catch(() => '');
    await rm(timeFile, { force: true });
    // GNU time writes "Command exited with non-zero status N" before the format line on failure.
    const line = text.trim().split('\n').at(-1) ?? '';
    const fields = line.split(' ').map(Number);
    if (fields.length === 4 && fields.every((value) => Number.isFinite(value))) {
      userCpuS = fields[1] ?? null;
      systemCpuS = fields[2] ?? null;
      maxRssKiB = fields[3] ?? null;
    }
  }
  return {
    exitCode,
    signal,
    processWallMs,
    userCpuS,
    systemCpuS,
    maxRssKiB,
    source: useTime && userCpuS !== null ? 'gnu-time' : 'none',
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
  };
}
