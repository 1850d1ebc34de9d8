/** What the figures were measured on: cores, memory, load, versions, date. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A description of the machine and software of one run. */
export interface MachineInfo {
  readonly date: string;
  readonly nproc: number;
  readonly cpuModel: string;
  readonly totalMemMiB: number;
  /** Output of `free -m`, when available. */
  readonly free: string;
  /** 1, 5, 15 minute load averages when the run started. */
  readonly loadAtStart: readonly number[];
  readonly node: string;
  readonly curl: string;
  readonly packages: Readonly<Record<string, string>>;
}

async function output(command: string, args: readonly string[]): Promise<string> {
  try {
    return (await run(command, [...args])).stdout.trimEnd();
  } catch {
    return 'n/a';
  }
}

async function packageVersion(repoDir: string, name: string): Promise<string> {
  try {
    const text = await readFile(join(repoDir, 'node_modules', name, 'package.json'), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? '?';
  } catch {
    return 'not installed';
  }
}

/** Collects the machine description. */
export async function describeMachine(repoDir: string): Promise<MachineInfo> {
  const own = JSON.parse(await readFile(join(repoDir, 'package.json'), 'utf8')) as { version?: string };
  const names = [
    '@tus/server',
    '@tus/file-store',
    'tus-js-client',
    '@vimeo/vimeo',
    '@vimeo/vimeo/node_modules/tus-js-client',
  ];
  const packages: Record<string, string> = { 'vimeo-tus': own.version ?? '?' };
  for (const name of names) packages[name] = await packageVersion(repoDir, name);
  return {
    date: new Date().toISOString(),
    nproc: Number(await output('nproc', [])) || cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemMiB: Math.round(totalmem() / 1024 / 1024),
    free: await output('free', ['-m']),
    loadAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
    node: process.version,
    curl: (await output('curl', ['--version'])).split('\n')[0] ?? 'n/a',
    packages,
  };
}
