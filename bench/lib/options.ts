/** Command-line options of `npm run bench` (bench/run.ts). */
import { parseArgs } from 'node:util';
import { MIB, parseBytes } from './units.js';

/** The sections a bench run can do. */
export type BenchSection = 'throughput' | 'memory' | 'batch';

/** Resolved options of one bench run. */
export interface BenchOptions {
  readonly runs: number;
  readonly sizeBytes: number;
  /** `Infinity` = unlimited (one PATCH). */
  readonly chunkSizesBytes: readonly number[];
  readonly tools: readonly string[] | null;
  readonly sections: readonly BenchSection[];
  readonly memorySizesBytes: readonly number[];
  readonly memoryChunkSizeBytes: number;
  readonly memoryRuns: number;
  readonly batchFiles: number;
  readonly batchFileSizeBytes: number;
  readonly batchConcurrency: readonly number[];
  readonly outPath: string;
  readonly chartPath: string;
  readonly jsonPath: string;
  readonly workDir: string;
}

/** Usage text of bench/run.ts. */
export const BENCH_USAGE = `npm run bench -- [options]     (or: npx tsx bench/run.ts [options])

  --runs N              runs per tool and configuration, alternating tools (default 5)
  --size SIZE           file size of the throughput runs (default 1GiB)
  --chunks LIST         chunk sizes (default 5MiB,128MiB,512MiB,unlimited)
  --tools LIST          subset of curl,tus-js-client,vimeo-tus,vimeo-tus-cli (default: all available)
  --only LIST           sections: throughput,memory,batch (default: all)
  --memory-sizes LIST   file sizes of the memory-scaling runs (default 256MiB,1GiB,4GiB)
  --memory-runs N       runs per tool and size in the memory section (default 1)
  --batch-files N       files in the batch section (default 200)
  --batch-file-size S   size of each batch file (default 1MiB)
  --concurrency LIST    batch concurrencies (default 1,4,8)
  --quick               64MiB, 2 runs, memory 16MiB,64MiB,256MiB, batch of 40 files
  --out PATH            markdown report to update (default docs/benchmarks.md)
  --chart PATH          chart image (default: docs/benchmarks-throughput.png next to --out)
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

/** Parses argv (without node and script); returns `null` for --help. */
export function parseBenchOptions(
  argv: readonly string[],
  defaults: { repoDir: string },
): BenchOptions | null {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      runs: { type: 'string' },
      size: { type: 'string' },
      chunks: { type: 'string' },
      tools: { type: 'string' },
      only: { type: 'string' },
      'memory-sizes': { type: 'string' },
      'memory-runs': { type: 'string' },
      'batch-files': { type: 'string' },
      'batch-file-size': { type: 'string' },
      concurrency: { type: 'string' },
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
  const quick = values.quick === true;
  const sections = (values.only === undefined ? ['throughput', 'memory', 'batch'] : list(values.only)).map(
    (section) => {
      if (section !== 'throughput' && section !== 'memory' && section !== 'batch') {
        throw new Error(`unknown section: ${section}`);
      }
      return section as BenchSection;
    },
  );
  const outPath = values.out ?? `${defaults.repoDir}/docs/benchmarks.md`;
  const outDir = outPath.includes('/') ? outPath.slice(0, outPath.lastIndexOf('/')) : '.';
  return {
    runs: positiveInt(values.runs ?? (quick ? '2' : '5'), 'runs'),
    sizeBytes: parseBytes(values.size ?? (quick ? '64MiB' : '1GiB')),
    chunkSizesBytes: list(values.chunks ?? '5MiB,128MiB,512MiB,unlimited').map(parseBytes),
    tools: values.tools === undefined ? null : list(values.tools),
    sections,
    memorySizesBytes: list(values['memory-sizes'] ?? (quick ? '16MiB,64MiB,256MiB' : '256MiB,1GiB,4GiB')).map(
      parseBytes,
    ),
    memoryChunkSizeBytes: 512 * MIB,
    memoryRuns: positiveInt(values['memory-runs'] ?? '1', 'memory-runs'),
    batchFiles: positiveInt(values['batch-files'] ?? (quick ? '40' : '200'), 'batch-files'),
    batchFileSizeBytes: parseBytes(values['batch-file-size'] ?? '1MiB'),
    batchConcurrency: list(values.concurrency ?? '1,4,8').map((item) => positiveInt(item, 'concurrency')),
    outPath,
    chartPath: values.chart ?? `${outDir}/benchmarks-throughput.png`,
    jsonPath: values.json ?? `${defaults.repoDir}/bench/.work/results.json`,
    workDir: values['work-dir'] ?? `${defaults.repoDir}/bench/.work`,
  };
}
