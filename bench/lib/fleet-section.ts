/**
 * The fleet section of `npm run bench`: bench/fleet.ts (the CLI batch, then `queue work` with 1, 2
 * and 4 worker processes on one real redis-server) in its own process; its markdown table becomes
 * the section. Without redis-server it is reported as pending, not failed.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { HAS_REDIS } from '../../test/helpers/redis-server.js';
import { track } from './children.js';
import { REPO_DIR } from './compile.js';
import type { Pending } from './results.js';

/** Options of the fleet section. */
export interface FleetSectionOptions {
  readonly rounds: number;
  readonly files: number;
  readonly fileMiB: number;
  readonly workDir: string;
}

/** Runs bench/fleet.ts; resolves to its table, or says why there is none. */
export async function runFleetSection(options: FleetSectionOptions): Promise<{ table: string } | Pending> {
  if (!HAS_REDIS) return { pending: 'redis-server is not installed (Debian package redis-server)' };
  const child = spawn(
    process.execPath,
    [
      join(REPO_DIR, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      join(REPO_DIR, 'bench', 'fleet.ts'),
      '--rounds',
      String(options.rounds),
      '--files',
      String(options.files),
      '--size-mib',
      String(options.fileMiB),
      '--work-dir',
      options.workDir,
    ],
    { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  track(child);
  let table = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    table += text;
  });
  const code = await new Promise<number>((resolve) =>
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1))),
  );
  if (code !== 0) return { pending: `bench/fleet.ts exited ${code} (its output is above)` };
  return { table: table.trim() };
}
