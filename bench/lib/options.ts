/** Command-line options of `npm run bench` (bench/run.ts). */
import { parseArgs } from 'node:util';
import type { ChunkSetting } from '../clients/client-io.js';
import { parseBytes } from './units.js';

/** The sections a bench run can do. */
export type BenchSection = 'defaults' | 'chunks' | 'scaling' | 'batch' | 'fleet';
const SECTIONS: readonly BenchSection[] = ['defaults', 'chunks', 'scaling', 'batch', 'fleet'];

/** Resolved options of one bench run. */
export interface BenchOptions {
  readonly profile: 'full' | 'publication' | 'quick';
  readonly runs: number;
  readonly chunkRuns: number;
  readonly scalingRuns: number;
  readonly sizeBytes: number;
  readonly chunks: readonly ChunkSetting[];
  readonly tools: readonly string[] | null;
  readonly sections: readonly BenchSection[];
  readonly scalingSizesBytes: readonly number[];
  readonly batchFiles: number;
  readonly batchFileSizeBytes: number;
  readonly batchConcurrency: readonly number[];
  readonly batchRounds: number;
  /** The fleet section (bench/fleet.ts): rounds, files and their size. */
  readonly fleetRounds: number;
  readonly fleetFiles: number;
  readonly fleetFileMiB: number;
  /** Preload the timeline hook into Node clients (the time breakdown). */
  readonly timeline: boolean;
  readonly outPath: string;
  readonly chartPath: string;
  readonly jsonPath: string;
  readonly workDir: string;
}

/** Usage text of bench/run.ts. */
export const BENCH_USAGE = `npm run bench -- [options]     (or: npx tsx bench/run.ts [options])

  --profile NAME        full (default), publication (fewer rounds and chunk sizes), quick
  --runs N              rounds of the defaults section, clients alternating (21 in full and publication)
  --chunk-runs N        rounds per chunk size (full 5, publication 2)
  --scaling-runs N      rounds per file size of the scaling section (full and publication 5)
  --size SIZE           file size of the defaults and chunk sections (default 1GiB)
  --chunks LIST         chunk sizes (full 128MiB,256MiB,512000000,unlimited; publication the same
                        without 256MiB); 512000000 is 512 MB, the default policy's largest PATCH
  --tools LIST          subset of curl,node-http,tus-js-client,vimeo.js,vimeo-tus,vimeo-tus-cli (default: all)
  --only LIST           sections: defaults,chunks,scaling,batch,fleet (default: all)
  --scaling-sizes LIST  file sizes of the scaling section, each client at its defaults
                        (default 256MiB,1GiB,4GiB)
  --batch-files N       files in the batch section (default 200)
  --batch-file-size S   size of each batch file (default 1MiB)
  --concurrency LIST    batch concurrencies (default 1,4,8); the highest also runs with places
                        held until verified, for comparison
  --batch-rounds N      rounds of the batch, settings alternating (full and publication 3,
                        quick 1)
  --fleet-rounds N      rounds of the fleet section (bench/fleet.ts: the CLI batch, then queue
                        workers 1, 2, 4 on one redis-server; full and publication 3, quick 1)
  --fleet-files N       files in the fleet section (default 24; quick 8)
  --fleet-file-mib N    size of each fleet file in MiB (default 4)
  --no-timeline         do not preload the timeline hook (no time breakdown)
  --quick               = --profile quick: 64MiB, 2 rounds, scaling 16MiB,64MiB,256MiB, 40 batch files
  --out PATH            markdown report to update (default docs/benchmarks.md)
  --chart PATH          chart (default: docs/benchmarks-throughput.svg next to --out)
  --json PATH           raw results (default bench/.work/results.json)
  --work-dir DIR        test files and scratch (default bench/.work)
  --help`;

const list = (text: string): string[] =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

function positiveInt(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

/** `default`, `unlimited` or a byte size. */
export function parseChunk(text: string): ChunkSetting {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'default') return 'default';
  const bytes = parseBytes(trimmed);
  return Number.isFinite(bytes) ? bytes : 'unlimited';
}

/** 512000000 = 512 MB, the top of Vimeo's advice and of the default policy's growth. */
const CHUNKS = '128MiB,256MiB,512000000,unlimited';

// 21 rounds at the defaults, where the targets are judged: one round's spread on a shared machine
// (±15–30 %) is wider than the throughput targets' margins, and a median of 9 pair ratios still
// flipped from run to run. 5 rounds per file size: with 3, the 4 GiB medians ÷ curl ranged 0.73–0.91
// between runs a few minutes apart.
const PROFILES = {
  full: {
    runs: 21,
    chunkRuns: 5,
    scalingRuns: 5,
    size: '1GiB',
    chunks: CHUNKS,
    scaling: '256MiB,1GiB,4GiB',
    batch: 200,
    batchRounds: 3,
    fleetRounds: 3,
    fleetFiles: 24,
  },
  publication: {
    runs: 21,
    chunkRuns: 2,
    scalingRuns: 5,
    size: '1GiB',
    chunks: '128MiB,512000000,unlimited',
    scaling: '256MiB,1GiB,4GiB',
    batch: 200,
    batchRounds: 3,
    fleetRounds: 3,
    fleetFiles: 24,
  },
  quick: {
    runs: 2,
    chunkRuns: 2,
    scalingRuns: 1,
    size: '64MiB',
    chunks: CHUNKS,
    scaling: '16MiB,64MiB,256MiB',
    batch: 40,
    batchRounds: 1,
    fleetRounds: 1,
    fleetFiles: 8,
  },
} as const;

/** Parses argv (without node and script); returns `null` for --help. */
export function parseBenchOptions(
  argv: readonly string[],
  defaults: { repoDir: string },
): BenchOptions | null {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      profile: { type: 'string' },
      runs: { type: 'string' },
      'chunk-runs': { type: 'string' },
      'scaling-runs': { type: 'string' },
      size: { type: 'string' },
      chunks: { type: 'string' },
      tools: { type: 'string' },
      only: { type: 'string' },
      'scaling-sizes': { type: 'string' },
      'batch-files': { type: 'string' },
      'batch-rounds': { type: 'string' },
      'fleet-rounds': { type: 'string' },
      'fleet-files': { type: 'string' },
      'fleet-file-mib': { type: 'string' },
      'batch-file-size': { type: 'string' },
      concurrency: { type: 'string' },
      'no-timeline': { type: 'boolean' },
      quick: { type: 'boolean' },
      out: { type: 'string' },
      chart: { type: 'string' },
      json: { type: 'string' },
      'work-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true) return null;
  const profileName = values.quick === true ? 'quick' : (values.profile ?? 'full');
  if (profileName !== 'full' && profileName !== 'publication' && profileName !== 'quick') {
    throw new Error(`unknown profile: ${profileName} (full, publication, quick)`);
  }
  const profile = PROFILES[profileName];
  const sections = (values.only === undefined ? [...SECTIONS] : list(values.only)).map((section) => {
    if (!SECTIONS.includes(section as BenchSection)) throw new Error(`unknown section: ${section}`);
    return section as BenchSection;
  });
  const outPath = values.out ?? `${defaults.repoDir}/docs/benchmarks.md`;
  const outDir = outPath.includes('/') ? outPath.slice(0, outPath.lastIndexOf('/')) : '.';
  return {
    profile: profileName,
    runs: positiveInt(values.runs ?? String(profile.runs), 'runs'),
    chunkRuns: positiveInt(values['chunk-runs'] ?? String(profile.chunkRuns), 'chunk-runs'),
    scalingRuns: positiveInt(values['scaling-runs'] ?? String(profile.scalingRuns), 'scaling-runs'),
    sizeBytes: parseBytes(values.size ?? profile.size),
    chunks: list(values.chunks ?? profile.chunks).map(parseChunk),
    tools: values.tools === undefined ? null : list(values.tools),
    sections,
    scalingSizesBytes: list(values['scaling-sizes'] ?? profile.scaling).map(parseBytes),
    batchFiles: positiveInt(values['batch-files'] ?? String(profile.batch), 'batch-files'),
    batchFileSizeBytes: parseBytes(values['batch-file-size'] ?? '1MiB'),
    batchConcurrency: list(values.concurrency ?? '1,4,8').map((item) => positiveInt(item, 'concurrency')),
    batchRounds: positiveInt(values['batch-rounds'] ?? String(profile.batchRounds), 'batch-rounds'),
    fleetRounds: positiveInt(values['fleet-rounds'] ?? String(profile.fleetRounds), 'fleet-rounds'),
    fleetFiles: positiveInt(values['fleet-files'] ?? String(profile.fleetFiles), 'fleet-files'),
    fleetFileMiB: positiveInt(values['fleet-file-mib'] ?? '4', 'fleet-file-mib'),
    timeline: values['no-timeline'] !== true,
    outPath,
    chartPath: values.chart ?? `${outDir}/benchmarks-throughput.svg`,
    jsonPath: values.json ?? `${defaults.repoDir}/bench/.work/results.json`,
    workDir: values['work-dir'] ?? `${defaults.repoDir}/bench/.work`,
  };
}
