/** Renders the results of `npm run bench` as the markdown of the report's `bench` section. */
import type { BatchResult, BenchResults, ConfigurationResult, Pending } from './results.js';
import type { RunRecord } from './runs.js';
import { pairRatios, type Spread, spread } from './stats.js';
import { fixed, formatBytes, MIB } from './units.js';

/** Throughput / CPU / RSS targets of the default chunk size (issue 6). */
export const TARGETS = {
  chunkSizeBytes: 128 * MIB,
  minRatioToCurl: 0.9,
  minRatioToTusJsClient: 1.25,
  maxCpuSPerGiB: 1.0,
  maxRssMiB: 80,
  /** Peak RSS counts as flat when its spread over file and chunk sizes stays within this. */
  flatRssSpreadMiB: 16,
} as const;

const cell = (value: Spread | null, decimals: number): string =>
  value === null
    ? 'n/a'
    : `${fixed(value.median, decimals)} (${fixed(value.min, decimals)}–${fixed(value.max, decimals)})`;

const chunkLabel = (chunkSizeBytes: number | null): string =>
  chunkSizeBytes === null ? 'unlimited' : formatBytes(chunkSizeBytes);

const ofTool = (configuration: ConfigurationResult, tool: string): RunRecord[] =>
  configuration.records.filter((record) => record.tool === tool);

const okValues = (records: readonly RunRecord[], pick: (record: RunRecord) => number | null): number[] =>
  records
    .filter((record) => record.ok)
    .flatMap((record) => {
      const value = pick(record);
      return value === null ? [] : [value];
    });

/** Throughput of each round (null when that run failed), for pairing. */
function byRound(records: readonly RunRecord[]): (number | null)[] {
  const rounds: (number | null)[] = [];
  for (const record of records) rounds[record.round] = record.ok ? record.mibPerS : null;
  return Array.from(rounds, (value) => value ?? null);
}

/** Median (min–max) of the pair-by-pair throughput ratios of two tools in one configuration. */
export function ratioSpread(
  configuration: ConfigurationResult,
  tool: string,
  reference: string,
): Spread | null {
  return spread(pairRatios(byRound(ofTool(configuration, tool)), byRound(ofTool(configuration, reference))));
}

function toolsIn(configurations: readonly ConfigurationResult[]): string[] {
  const seen: string[] = [];
  for (const configuration of configurations) {
    for (const record of configuration.records) if (!seen.includes(record.tool)) seen.push(record.tool);
  }
  return seen;
}

function runsTable(
  configurations: readonly ConfigurationResult[],
  labels: Map<string, string>,
  bySize: boolean,
): string {
  const lines = [
    `| ${bySize ? 'file size' : 'chunk size'} | client | verified runs | MiB/s median (min–max) | client CPU s/GiB | client peak RSS MiB | HEAD + PATCH |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const configuration of configurations) {
    for (const tool of toolsIn([configuration])) {
      const records = ofTool(configuration, tool);
      const verified = records.filter((record) => record.ok).length;
      const heads = spread(okValues(records, (record) => record.requests.head));
      const patches = spread(okValues(records, (record) => record.requests.patch));
      const first = bySize ? formatBytes(configuration.sizeBytes) : chunkLabel(configuration.chunkSizeBytes);
      const failures = records.filter((record) => !record.ok).map((record) => record.error ?? 'failed');
      lines.push(
        `| ${first} | ${labels.get(tool) ?? tool} | ${verified}/${records.length}${
          failures.length > 0 ? ` (${[...new Set(failures)].join('; ')})` : ''
        } | ${cell(spread(okValues(records, (record) => record.mibPerS)), 1)} | ${cell(
          spread(okValues(records, (record) => record.cpuSPerGiB)),
          2,
        )} | ${cell(spread(okValues(records, (record) => record.maxRssMiB)), 0)} | ${
          heads === null || patches === null
            ? 'n/a'
            : `${fixed(heads.median, 0)} + ${fixed(patches.median, 0)}`
        } |`,
      );
    }
  }
  return lines.join('\n');
}

const RATIO_PAIRS: readonly [string, string][] = [
  ['vimeo-tus', 'curl'],
  ['vimeo-tus', 'tus-js-client'],
  ['vimeo-tus-cli', 'curl'],
  ['vimeo-tus-cli', 'tus-js-client'],
  ['tus-js-client', 'curl'],
];

function ratioTable(configurations: readonly ConfigurationResult[]): string {
  const present = toolsIn(configurations);
  const pairs = RATIO_PAIRS.filter(([a, b]) => present.includes(a) && present.includes(b));
  if (pairs.length === 0) return '(fewer than two tools ran)';
  const lines = [
    `| chunk size | ${pairs.map(([a, b]) => `${a} ÷ ${b}`).join(' | ')} |`,
    `| --- | ${pairs.map(() => '---').join(' | ')} |`,
  ];
  for (const configuration of configurations) {
    const cells = pairs.map(([a, b]) => cell(ratioSpread(configuration, a, b), 2));
    lines.push(`| ${chunkLabel(configuration.chunkSizeBytes)} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function batchTable(batch: readonly BatchResult[] | Pending | null): string {
  if (batch === null) return '(not run)';
  if ('pending' in batch) return `Pending: ${batch.pending}`;
  const kinds = [...new Set(batch.flatMap((result) => Object.keys(result.requestsPerFile)))].sort();
  const lines = [
    `| concurrency | files verified | files/s | videos created | requests per file${
      kinds.length > 0 ? ` (${kinds.join(', ')})` : ''
    } |`,
    '| --- | --- | --- | --- | --- |',
  ];
  for (const result of batch) {
    const total = Object.values(result.requestsPerFile).reduce((sum, value) => sum + value, 0);
    const detail = kinds.map((kind) => fixed(result.requestsPerFile[kind] ?? 0, 2)).join(', ');
    lines.push(
      `| ${result.concurrency} | ${result.verifiedFiles}/${result.files}${
        result.error === null ? '' : ` (${result.error})`
      } | ${fixed(result.filesPerS, 1)} | ${result.videosCreated} | ${fixed(total, 2)}${
        kinds.length > 0 ? ` (${detail})` : ''
      } |`,
    );
  }
  return lines.join('\n');
}

/** One line of the targets table. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly verdict: 'met' | 'not met' | 'not measured';
}

/** Checks the issue's targets against the results (for the vimeo-tus library client). */
export function checkTargets(results: BenchResults, tool = 'vimeo-tus'): TargetCheck[] {
  const atDefault = results.throughput?.find(
    (configuration) => configuration.chunkSizeBytes === TARGETS.chunkSizeBytes,
  );
  const checks: TargetCheck[] = [];
  const ratioCheck = (reference: string, minimum: number): TargetCheck => {
    const target = `throughput ≥ ${minimum} × ${reference} (128 MiB chunks, median of pair ratios)`;
    const ratio = atDefault === undefined ? null : ratioSpread(atDefault, tool, reference);
    if (ratio === null) return { target, measured: 'n/a', verdict: 'not measured' };
    return { target, measured: cell(ratio, 2), verdict: ratio.median >= minimum ? 'met' : 'not met' };
  };
  checks.push(
    ratioCheck('curl', TARGETS.minRatioToCurl),
    ratioCheck('tus-js-client', TARGETS.minRatioToTusJsClient),
  );
  const cpu =
    atDefault === undefined ? null : spread(okValues(ofTool(atDefault, tool), (record) => record.cpuSPerGiB));
  checks.push({
    target: `client CPU ≤ ${TARGETS.maxCpuSPerGiB} s/GiB (128 MiB chunks, median)`,
    measured: cell(cpu, 2),
    verdict: cpu === null ? 'not measured' : cpu.median <= TARGETS.maxCpuSPerGiB ? 'met' : 'not met',
  });
  const everyRun = [...(results.throughput ?? []), ...(results.memory ?? [])].flatMap((configuration) =>
    ofTool(configuration, tool),
  );
  const rss = spread(okValues(everyRun, (record) => record.maxRssMiB));
  checks.push({
    target: `client peak RSS ≤ ${TARGETS.maxRssMiB} MiB (every run, every file and chunk size)`,
    measured: rss === null ? 'n/a' : `max ${fixed(rss.max, 0)} MiB`,
    verdict: rss === null ? 'not measured' : rss.max <= TARGETS.maxRssMiB ? 'met' : 'not met',
  });
  const medians = [...(results.throughput ?? []), ...(results.memory ?? [])].flatMap((configuration) => {
    const value = spread(okValues(ofTool(configuration, tool), (record) => record.maxRssMiB));
    return value === null ? [] : [value.median];
  });
  const flat = spread(medians);
  checks.push({
    target: `peak RSS flat: medians over file and chunk sizes within ${TARGETS.flatRssSpreadMiB} MiB`,
    measured: flat === null ? 'n/a' : `${fixed(flat.min, 0)}–${fixed(flat.max, 0)} MiB`,
    verdict:
      flat === null || medians.length < 2
        ? 'not measured'
        : flat.max - flat.min <= TARGETS.flatRssSpreadMiB
          ? 'met'
          : 'not met',
  });
  return checks;
}

/** The whole `bench` section. */
export function renderBenchSection(results: BenchResults, commandLine: string): string {
  const labels = new Map(results.tools.map((tool) => [tool.id, tool.label]));
  const machine = results.machine;
  const out: string[] = [];
  const sizes = [...new Set((results.throughput ?? []).map((configuration) => configuration.sizeBytes))];
  out.push(
    `## Throughput, CPU and memory${sizes.length === 1 ? ` (${formatBytes(sizes[0] ?? 0)} file, loopback)` : ''}`,
  );
  out.push('');
  out.push(
    `Generated by \`${commandLine}\` from ${results.startedAt} to ${results.finishedAt}. ${results.runs} runs per client and configuration, clients alternating (A B C, C B A, …); medians with (min–max); ratios are taken pair by pair (run i of one client against run i of the other). Only verified runs count: the server's offset and the stored size equal the file size, and the stored bytes' SHA-256 equals the source's (checked on each client's first run of every configuration).`,
  );
  out.push('');
  out.push(`Measurement: ${results.measurement}`);
  out.push('');
  out.push('| machine | |');
  out.push('| --- | --- |');
  out.push(`| cores (nproc) | ${machine.nproc} (${machine.cpuModel}) |`);
  out.push(`| memory | ${machine.totalMemMiB} MiB |`);
  out.push(
    `| load average (1, 5, 15 min) at start / end | ${machine.loadAtStart.join(', ')} / ${results.loadAtEnd.join(', ')} |`,
  );
  out.push(`| node | ${machine.node} |`);
  out.push(`| curl | ${machine.curl} |`);
  out.push(
    `| packages | ${Object.entries(machine.packages)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')} |`,
  );
  out.push('');
  out.push('<details><summary>free -m</summary>');
  out.push('');
  out.push('```');
  out.push(machine.free);
  out.push('```');
  out.push('');
  out.push('</details>');
  out.push('');
  const missing = results.tools.filter((tool) => tool.unavailableReason !== null);
  if (missing.length > 0) {
    out.push(
      `Not measured: ${missing.map((tool) => `${tool.label} (${tool.unavailableReason})`).join('; ')}.`,
    );
    out.push('');
  }
  if (results.throughput !== null) {
    out.push('### Per chunk size');
    out.push('');
    out.push(
      'curl always sends one PATCH; it runs in every row as the side-by-side reference. "HEAD + PATCH" counts the requests the server received from the client (median), the same way for every client.',
    );
    out.push('');
    out.push(runsTable(results.throughput, labels, false));
    out.push('');
    out.push('### Throughput ratios, pair by pair');
    out.push('');
    out.push(ratioTable(results.throughput));
    out.push('');
    if (results.chartFile !== null) {
      out.push(`![Throughput by chunk size: median bars with min–max whiskers](${results.chartFile})`);
      out.push('');
    }
  }
  if (results.memory !== null) {
    out.push('### Memory scaling (512 MiB chunks)');
    out.push('');
    out.push(runsTable(results.memory, labels, true));
    out.push('');
  }
  out.push('### Batch of small files through the sandbox');
  out.push('');
  out.push(batchTable(results.batch));
  out.push('');
  out.push('### Targets (vimeo-tus library, measured side by side in this run)');
  out.push('');
  out.push('| target | measured | verdict |');
  out.push('| --- | --- | --- |');
  for (const check of checkTargets(results))
    out.push(`| ${check.target} | ${check.measured} | ${check.verdict} |`);
  return out.join('\n');
}
