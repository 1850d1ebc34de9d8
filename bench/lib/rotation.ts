/**
 * Runs every tool on one configuration, round after round, alternating the order (A B C, C B A,
 * A B C …) so that each tool sees the machine's drift from both sides, and run i of every tool sits
 * next to run i of the others in time (the pairs the ratios are taken over).
 */
import type { ChunkSetting } from '../clients/client-io.js';
import { type TestFile, warmPageCache } from './files.js';
import { type RunRecord, runOnce } from './runs.js';
import type { SandboxProcess } from './sandbox-process.js';
import type { Tool } from './tools.js';
import { fixed, formatBytes } from './units.js';

/** One configuration to run all tools on. */
export interface RotationSpec {
  readonly tools: readonly Tool[];
  readonly file: TestFile;
  readonly chunk: ChunkSetting;
  readonly rounds: number;
  /** Starts the sandbox every client uploads to (one per rotation: its bytes go with it). */
  readonly startSandbox: () => Promise<SandboxProcess>;
  readonly workDir: string;
  readonly hook: string | null;
  /** Called with a one-line description after every run. */
  readonly log: (line: string) => void;
}

/** Runs the rotation; the SHA-256 of the stored file is checked on each tool's first run. */
export async function runRotation(spec: RotationSpec): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  const hashed = new Set<string>();
  const sandbox = await spec.startSandbox();
  try {
    for (let round = 0; round < spec.rounds; round += 1) {
      const order = round % 2 === 0 ? spec.tools : [...spec.tools].reverse();
      for (const tool of order) {
        // Every client reads the file from the page cache: none pays for reading it from disk (the
        // first run after a large file was written, or after the store's writes evicted it).
        await warmPageCache(spec.file.path);
        // A failed hash-checked run passes the check on to the next run of that tool.
        const checkHash = !hashed.has(tool.id);
        const record = await runOnce({
          tool,
          file: spec.file,
          chunk: spec.chunk,
          round,
          sandbox,
          workDir: spec.workDir,
          checkHash,
          hook: spec.hook,
        });
        if (record.verified && record.hashChecked) hashed.add(tool.id);
        records.push(record);
        spec.log(describeRun(record));
      }
    }
  } finally {
    await sandbox.stop();
  }
  return records;
}

/** `default`, `unlimited`, `128 MiB`, or `512 MB` for a size in decimal megabytes. */
export const chunkLabel = (chunk: ChunkSetting): string => {
  if (typeof chunk !== 'number') return chunk;
  const decimal = chunk % 1_000_000 === 0 && chunk % (1024 * 1024) !== 0;
  return decimal ? `${chunk / 1_000_000} MB` : formatBytes(chunk);
};

/** `tus-js-client 1 GiB file, 128 MiB, round 2: 243.1 MiB/s, 2.10 CPU-s/GiB, 91 MiB RSS, …`. */
export function describeRun(record: RunRecord): string {
  const head = `${record.tool} ${formatBytes(record.sizeBytes)} file, ${chunkLabel(record.chunk)}, round ${record.round + 1}`;
  if (!record.ok) return `${head}: FAILED (${record.error ?? 'unknown'})`;
  const requests = Object.entries(record.requests)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ');
  return `${head}: ${fixed(record.mibPerS, 1)} MiB/s, ${fixed(record.cpuSPerGiB, 2)} CPU-s/GiB, ${fixed(
    record.maxRssMiB,
    0,
  )} MiB RSS, ${requests}, verified${record.hashChecked ? '+sha256' : ''}`;
}
