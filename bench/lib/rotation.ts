/**
 * Runs every tool on one configuration, round after round, alternating the order (A B C, C B A,
 * A B C …) so that each tool sees the machine's drift from both sides, and run i of every tool sits
 * next to run i of the others in time (the pairs the ratios are taken over).
 */
import { type TestFile, warmPageCache } from './files.js';
import { type RunRecord, runOnce } from './runs.js';
import type { SandboxProcess } from './sandbox-process.js';
import type { Tool } from './tools.js';
import { fixed, formatBytes } from './units.js';

/** One configuration to run all tools on. */
export interface RotationSpec {
  readonly tools: readonly Tool[];
  readonly file: TestFile;
  readonly chunkSizeBytes: number | null;
  readonly rounds: number;
  readonly serverUrl: string;
  readonly storeDir: string;
  /** Starts a sandbox process, for tools that target it (one per rotation: its bytes go with it). */
  readonly startSandbox: (() => Promise<SandboxProcess>) | null;
  readonly workDir: string;
  /** Called with a one-line description after every run. */
  readonly log: (line: string) => void;
}

/** Runs the rotation; the SHA-256 of the stored file is checked on each tool's first run. */
export async function runRotation(spec: RotationSpec): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  const hashed = new Set<string>();
  const needsSandbox = spec.tools.some((tool) => tool.target === 'sandbox');
  const sandbox = needsSandbox && spec.startSandbox !== null ? await spec.startSandbox() : null;
  try {
    await runRounds(spec, records, hashed, sandbox);
  } finally {
    await sandbox?.stop();
  }
  return records;
}

async function runRounds(
  spec: RotationSpec,
  records: RunRecord[],
  hashed: Set<string>,
  sandbox: SandboxProcess | null,
): Promise<void> {
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
        chunkSizeBytes: tool.chunked ? spec.chunkSizeBytes : null,
        round,
        serverUrl: spec.serverUrl,
        storeDir: spec.storeDir,
        sandbox,
        workDir: spec.workDir,
        checkHash,
      });
      if (record.verified && record.hashChecked) hashed.add(tool.id);
      records.push(record);
      spec.log(describeRun(record));
    }
  }
}

/** `tus-js-client 128 MiB #2: 243.1 MiB/s, 2.10 CPU-s/GiB, 91 MiB RSS, verified+sha256`. */
export function describeRun(record: RunRecord): string {
  const chunk = record.chunkSizeBytes === null ? 'one PATCH' : formatBytes(record.chunkSizeBytes);
  const head = `${record.tool} ${formatBytes(record.sizeBytes)} file, ${chunk}, round ${record.round + 1}`;
  if (!record.ok) return `${head}: FAILED (${record.error ?? 'unknown'})`;
  return `${head}: ${fixed(record.mibPerS, 1)} MiB/s, ${fixed(record.cpuSPerGiB, 2)} CPU-s/GiB, ${fixed(
    record.maxRssMiB,
    0,
  )} MiB RSS, ${record.requests.head} HEAD + ${record.requests.patch} PATCH, verified${record.hashChecked ? '+sha256' : ''}`;
}
