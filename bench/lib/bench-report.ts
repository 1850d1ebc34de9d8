/** Renders the results of `npm run bench` as the markdown of the report's `bench` section. */
import { type Breakdown, breakdownOf } from './breakdown.js';
import type { BatchResult, BenchResults, ConfigurationResult, Pending } from './results.js';
import { chunkLabel } from './rotation.js';
import type { RunRecord } from './runs.js';
import { pairRatios, type Spread, spread } from './stats.js';
import { fixed, formatBytes } from './units.js';

/** The targets of issue 16, judged at each client's default settings. */
export const TARGETS = {
  minRatioToVimeoJs: 1.05,
  minRatioToCurl: 0.9,
  maxCpuSPerGiB: 1.0,
  maxRssMiB: 80,
  /** Peak RSS counts as flat when its medians over the scaling sizes stay within this. */
  flatRssSpreadMiB: 8,
  batchConcurrency: 8,
  minBatchFilesPerS: 50,
  maxRequestsPerFileBeyondPatch: 3,
} as const;

/** The vimeo-tus clients the targets are judged for. */
export const OWN_TOOLS = ['vimeo-tus', 'vimeo-tus-cli'] as const;

const cell = (value: Spread | null, decimals: number): string =>
  value === null
    ? 'n/a'
    : value.count === 1 || value.min === value.max
      ? fixed(value.median, decimals)
      : `${fixed(value.median, decimals)} (${fixed(value.min, decimals)}–${fixed(value.max, decimals)})`;

const ofTool = (configuration: ConfigurationResult, tool: string): RunRecord[] =>
  configuration.records.filter((record) => record.tool === tool);

const okValues = (records: readonly RunRecord[], pick: (record: RunRecord) => number | null): number[] =>
  records
    .filter((record) => record.ok)
    .flatMap((record) => {
      const value = pick(record);
      return value === null ? [] : [value];
    });

/**
 * Where a client's time ends: `end`, its own end (vimeo-tus: verified; every peer: the server's
 * answer to its last PATCH), or `acked`, the server's answer that it holds every byte, for all.
 */
export type Span = 'end' | 'acked';

const SPAN_TEXT: Record<Span, string> = {
  end: 'vimeo-tus timed to verified',
  acked: 'every client timed to its last byte acknowledged',
};

const throughput = (record: RunRecord, span: Span): number | null =>
  span === 'end' ? record.mibPerS : record.ackedMibPerS;

/** Throughput of each round (null when that run failed), for pairing. */
function byRound(records: readonly RunRecord[], span: Span): (number | null)[] {
  const rounds: (number | null)[] = [];
  for (const record of records) rounds[record.round] = record.ok ? throughput(record, span) : null;
  return Array.from(rounds, (value) => value ?? null);
}

/** Median (min–max) of the pair-by-pair throughput ratios of two tools in one configuration. */
export function ratioSpread(
  configuration: ConfigurationResult,
  tool: string,
  reference: string,
  span: Span = 'end',
): Spread | null {
  return spread(
    pairRatios(byRound(ofTool(configuration, tool), span), byRound(ofTool(configuration, reference), span)),
  );
}

function toolsIn(configurations: readonly ConfigurationResult[]): string[] {
  const seen: string[] = [];
  for (const configuration of configurations) {
    for (const record of configuration.records) if (!seen.includes(record.tool)) seen.push(record.tool);
  }
  return seen;
}

/** Median requests per kind, `1 create + 8 patch + …`. */
function requestsCell(records: readonly RunRecord[]): string {
  const ok = records.filter((record) => record.ok);
  const kinds = [...new Set(ok.flatMap((record) => Object.keys(record.requests)))];
  const parts = kinds.map((kind) => {
    const median = spread(ok.map((record) => record.requests[kind] ?? 0))?.median ?? 0;
    return `${fixed(median, Number.isInteger(median) ? 0 : 1)} ${kind}`;
  });
  return parts.length === 0 ? 'n/a' : parts.join(', ');
}

function runsTable(
  configurations: readonly ConfigurationResult[],
  labels: Map<string, string>,
  first: 'chunk' | 'size',
): string {
  const lines = [
    `| ${first === 'size' ? 'file size' : 'chunk size'} | client | verified runs | MiB/s median (min–max) | to the last byte acknowledged | client CPU s/GiB | client peak RSS MiB | requests (median) |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const configuration of configurations) {
    for (const tool of toolsIn([configuration])) {
      const records = ofTool(configuration, tool);
      const verified = records.filter((record) => record.ok).length;
      const failures = records.filter((record) => !record.ok).map((record) => record.error ?? 'failed');
      const firstCell =
        first === 'size' ? formatBytes(configuration.sizeBytes) : chunkLabel(configuration.chunk);
      lines.push(
        `| ${firstCell} | ${labels.get(tool) ?? tool} | ${verified}/${records.length}${
          failures.length > 0 ? ` (${[...new Set(failures)].join('; ')})` : ''
        } | ${cell(spread(okValues(records, (record) => record.mibPerS)), 1)} | ${cell(
          spread(okValues(records, (record) => record.ackedMibPerS)),
          1,
        )} | ${cell(
          spread(okValues(records, (record) => record.cpuSPerGiB)),
          2,
        )} | ${cell(spread(okValues(records, (record) => record.maxRssMiB)), 0)} | ${requestsCell(records)} |`,
      );
    }
  }
  return lines.join('\n');
}

const RATIO_PAIRS: readonly [string, string][] = [
  ['vimeo-tus', 'vimeo.js'],
  ['vimeo-tus', 'curl'],
  ['vimeo-tus-cli', 'vimeo.js'],
  ['vimeo-tus-cli', 'curl'],
  ['vimeo-tus', 'tus-js-client'],
  ['vimeo.js', 'curl'],
  ['vimeo-tus', 'node-http'],
  ['node-http', 'curl'],
];

function ratioTable(configurations: readonly ConfigurationResult[], bySize = false): string {
  const present = toolsIn(configurations);
  const pairs = RATIO_PAIRS.filter(([a, b]) => present.includes(a) && present.includes(b));
  if (pairs.length === 0) return '(fewer than two clients ran)';
  const lines = [
    `| ratios at | ${pairs.map(([a, b]) => `${a} ÷ ${b}`).join(' | ')} |`,
    `| --- | ${pairs.map(() => '---').join(' | ')} |`,
  ];
  for (const configuration of configurations) {
    const label = bySize ? formatBytes(configuration.sizeBytes) : chunkLabel(configuration.chunk);
    for (const span of ['end', 'acked'] as const) {
      const cells = pairs.map(([a, b]) => cell(ratioSpread(configuration, a, b, span), 2));
      lines.push(`| ${label}, ${SPAN_TEXT[span]} | ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

const BREAKDOWN_COLUMNS: readonly [string, (breakdown: Breakdown) => number | null][] = [
  ['node start', (b) => b.nodeStartMs],
  ['load → 1st request', (b) => b.loadMs],
  ['those requests', (b) => b.callsBeforePatchMs],
  ['client work before 1st PATCH', (b) => b.workBeforePatchMs],
  ['PATCH bodies', (b) => b.bodyMs],
  ['answer after last byte (sum)', (b) => b.answerWaitMs],
  ['idle between PATCHes (sum)', (b) => b.boundaryIdleMs],
  ['idle at one boundary (max)', (b) => b.boundaryIdleMaxMs],
  ['one HEAD round trip', (b) => b.headRoundTripMs],
  ['after last PATCH → exit', (b) => b.afterLastPatchMs],
  ['process', (b) => b.processMs],
];

/** Median of each part of the time, per client and file size (ms). */
export function breakdownTable(
  configurations: readonly ConfigurationResult[],
  labels: Map<string, string>,
): string {
  const lines = [
    `| file | client | runs | requests before 1st PATCH | PATCHes | ${BREAKDOWN_COLUMNS.map(([name]) => name).join(' | ')} |`,
    `| --- | --- | --- | --- | --- | ${BREAKDOWN_COLUMNS.map(() => '---').join(' | ')} |`,
  ];
  for (const configuration of configurations) {
    for (const tool of toolsIn([configuration])) {
      const parts = ofTool(configuration, tool)
        .filter((record) => record.ok)
        .flatMap((record) => {
          const breakdown = breakdownOf(record);
          return breakdown === null ? [] : [breakdown];
        });
      if (parts.length === 0) continue;
      const median = (pick: (breakdown: Breakdown) => number | null): string => {
        const values = parts.flatMap((part) => {
          const value = pick(part);
          return value === null ? [] : [value];
        });
        return values.length === 0 ? '—' : fixed(spread(values)?.median, 0);
      };
      lines.push(
        `| ${formatBytes(configuration.sizeBytes)} | ${labels.get(tool) ?? tool} | ${parts.length} | ${median(
          (b) => b.callsBeforePatch,
        )} | ${median((b) => b.patches)} | ${BREAKDOWN_COLUMNS.map(([, pick]) => median(pick)).join(' | ')} |`,
      );
    }
  }
  return lines.join('\n');
}

const BREAKDOWN_NOTE =
  'From the timeline each Node client recorded (ms since its process started; curl from its own `-w` phases, where "client work before 1st PATCH" is its connect time). "PATCH bodies": first header to the last body byte handed to the kernel; "answer after last byte": from there to the end of the answer (the server drains the socket buffers, writes, answers); "idle between PATCHes": from one answer to the next PATCH, what the client itself waits for at a chunk boundary, next to one round trip to the same host (a HEAD, request to answer) in the same run.';

/** Requests per file over every round of a level: all requests ÷ all files, by kind. */
function levelRequestsPerFile(level: BatchResult): Record<string, number> {
  const perFile: Record<string, number> = {};
  for (const round of level.rounds) {
    for (const [kind, value] of Object.entries(round.requestsPerFile)) {
      perFile[kind] = (perFile[kind] ?? 0) + value / level.rounds.length;
    }
  }
  return perFile;
}

const beyondPatch = (requestsPerFile: Readonly<Record<string, number>>): number =>
  Object.entries(requestsPerFile)
    .filter(([kind]) => kind !== 'patch')
    .reduce((sum, [, value]) => sum + value, 0);

/** Files per second of a level's rounds (a failed round counts with its verified files). */
const levelFilesPerS = (level: BatchResult): Spread | null =>
  spread(level.rounds.flatMap((round) => (round.filesPerS === null ? [] : [round.filesPerS])));

/** True when every round of the level verified every file. */
const levelVerifiedAll = (level: BatchResult): boolean =>
  level.rounds.length > 0 &&
  level.rounds.every((round) => round.error === null && round.verifiedFiles === level.files);

const PLACES_TEXT: Record<BatchResult['places'], string> = {
  sending: 'while it sends (as the CLI)',
  upload: 'until verified',
};

function batchTable(batch: readonly BatchResult[] | Pending | null): string {
  if (batch === null) return '(not run)';
  if ('pending' in batch) return `Pending: ${batch.pending}`;
  const kinds = [
    ...new Set(batch.flatMap((level) => level.rounds.flatMap((round) => Object.keys(round.requestsPerFile)))),
  ].sort();
  const lines = [
    `| concurrency | an upload holds its place | rounds | files verified per round | files/s median (min–max) | videos created per round | requests per file beyond the PATCH, all rounds (min–max of rounds) | requests per file${
      kinds.length > 0 ? ` (${kinds.join(', ')})` : ''
    } |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const level of batch) {
    const perFile = levelRequestsPerFile(level);
    const total = Object.values(perFile).reduce((sum, value) => sum + value, 0);
    const detail = kinds.map((kind) => fixed(perFile[kind] ?? 0, 2)).join(', ');
    const verified = level.rounds
      .map(
        (round) => `${round.verifiedFiles}/${level.files}${round.error === null ? '' : ` (${round.error})`}`,
      )
      .join(', ');
    const beyond = spread(level.rounds.map((round) => beyondPatch(round.requestsPerFile)));
    const rangeText =
      beyond === null || beyond.min === beyond.max
        ? ''
        : ` (${fixed(beyond.min, 2)}–${fixed(beyond.max, 2)})`;
    lines.push(
      `| ${level.concurrency} | ${PLACES_TEXT[level.places]} | ${level.rounds.length} | ${verified} | ${cell(levelFilesPerS(level), 1)} | ${level.rounds
        .map((round) => round.videosCreated)
        .join(', ')} | ${fixed(beyondPatch(perFile), 2)}${rangeText} | ${fixed(total, 2)}${
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

const judged = (value: number | null | undefined, ok: (value: number) => boolean): TargetCheck['verdict'] =>
  value === null || value === undefined ? 'not measured' : ok(value) ? 'met' : 'not met';

/** Checks the issue's targets against the results, for one vimeo-tus client. */
export function checkTargets(results: BenchResults, tool: string = 'vimeo-tus'): TargetCheck[] {
  const defaults = results.defaults;
  const checks: TargetCheck[] = [];
  for (const [reference, minimum] of [
    ['vimeo.js', TARGETS.minRatioToVimeoJs],
    ['curl', TARGETS.minRatioToCurl],
  ] as const) {
    for (const span of ['acked', 'end'] as const) {
      const ratio = defaults === null ? null : ratioSpread(defaults, tool, reference, span);
      checks.push({
        target: `${tool}: throughput ≥ ${minimum} × ${reference} (defaults, median of pair ratios; ${SPAN_TEXT[span]})`,
        measured: cell(ratio, 3),
        verdict: judged(ratio?.median, (value) => value >= minimum),
      });
    }
  }
  const cpu =
    defaults === null ? null : spread(okValues(ofTool(defaults, tool), (record) => record.cpuSPerGiB));
  checks.push({
    target: `${tool}: client CPU ≤ ${TARGETS.maxCpuSPerGiB} s/GiB (defaults, median)`,
    measured: cell(cpu, 2),
    verdict: judged(cpu?.median, (value) => value <= TARGETS.maxCpuSPerGiB),
  });
  const everything = [defaults, ...(results.chunks ?? []), ...(results.scaling ?? [])].flatMap(
    (configuration) => (configuration === null ? [] : ofTool(configuration, tool)),
  );
  const rss = spread(okValues(everything, (record) => record.maxRssMiB));
  checks.push({
    target: `${tool}: peak RSS ≤ ${TARGETS.maxRssMiB} MiB (every run)`,
    measured: rss === null ? 'n/a' : `max ${fixed(rss.max, 0)} MiB`,
    verdict: judged(rss?.max, (value) => value <= TARGETS.maxRssMiB),
  });
  const medians = (results.scaling ?? []).flatMap((configuration) => {
    const value = spread(okValues(ofTool(configuration, tool), (record) => record.maxRssMiB));
    return value === null ? [] : [{ size: configuration.sizeBytes, median: value.median }];
  });
  const flat = spread(medians.map((entry) => entry.median));
  checks.push({
    target: `${tool}: peak RSS flat over file sizes (medians within ${TARGETS.flatRssSpreadMiB} MiB)`,
    measured:
      flat === null
        ? 'n/a'
        : medians.map((entry) => `${formatBytes(entry.size)}: ${fixed(entry.median, 0)}`).join(', '),
    verdict:
      medians.length < 2
        ? 'not measured'
        : judged(flat?.max, () => (flat?.max ?? 0) - (flat?.min ?? 0) <= TARGETS.flatRssSpreadMiB),
  });
  return checks;
}

/** The batch targets (createUpload in the CLI's places, held while sending): files/s is the median of the rounds, requests count every round. */
export function checkBatchTargets(results: BenchResults): TargetCheck[] {
  const batch = results.batch;
  const level =
    batch === null || 'pending' in batch
      ? undefined
      : batch.find(
          (result) => result.concurrency === TARGETS.batchConcurrency && result.places === 'sending',
        );
  const verifiedAll = level !== undefined && levelVerifiedAll(level);
  const filesPerS = level === undefined ? null : levelFilesPerS(level);
  const requests = level === undefined ? undefined : beyondPatch(levelRequestsPerFile(level));
  const rounds = level?.rounds.length ?? 0;
  return [
    {
      target: `batch: ≥ ${TARGETS.minBatchFilesPerS} files/s at concurrency ${TARGETS.batchConcurrency}, every file verified`,
      measured:
        level === undefined
          ? 'n/a'
          : `${cell(filesPerS, 1)} files/s (median of ${rounds} round${rounds === 1 ? '' : 's'}), ${
              verifiedAll ? 'every file verified' : 'not every file verified'
            }`,
      verdict:
        level === undefined
          ? 'not measured'
          : judged(filesPerS?.median ?? null, (value) => verifiedAll && value >= TARGETS.minBatchFilesPerS),
    },
    {
      target: `batch: ≤ ${TARGETS.maxRequestsPerFileBeyondPatch} requests per file beyond the PATCH`,
      measured: requests === undefined ? 'n/a' : fixed(requests, 2),
      verdict:
        requests === undefined
          ? 'not measured'
          : judged(requests, (value) => value <= TARGETS.maxRequestsPerFileBeyondPatch),
    },
  ];
}

/** One plain sentence per verdict: which targets this run met, missed, or did not measure. */
export function summarizeTargets(checks: readonly TargetCheck[]): string {
  const lines: string[] = [];
  for (const [verdict, title] of [
    ['met', 'Met in this run'],
    ['not met', 'Not met in this run'],
    ['not measured', 'Not measured in this run'],
  ] as const) {
    const targets = checks.filter((check) => check.verdict === verdict).map((check) => check.target);
    if (targets.length > 0) lines.push(`${title}: ${targets.join('; ')}.`);
  }
  return lines.join('\n\n');
}

/** The whole `bench` section. */
export function renderBenchSection(results: BenchResults, commandLine: string): string {
  const labels = new Map(results.tools.map((tool) => [tool.id, tool.label]));
  const machine = results.machine;
  const out: string[] = [];
  out.push('## Measured results');
  out.push('');
  out.push(
    `Generated by \`${commandLine}\` (profile ${results.profile}) from ${results.startedAt} to ${results.finishedAt}. Rounds: ${results.rounds.defaults} at the defaults, ${results.rounds.chunks} per chunk size, ${results.rounds.scaling} per file size in the scaling runs; clients alternate (A B C, C B A, …); medians with (min–max); ratios are taken pair by pair (round i of one client against round i of the other). Only verified runs count: the sandbox holds the whole file for the video, and the stored bytes' SHA-256 equals the source's (checked on each client's first run of every configuration).`,
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
  const missing = results.tools.filter((tool) => tool.unavailableReason !== null);
  if (missing.length > 0) {
    out.push(
      `Not measured: ${missing.map((tool) => `${tool.label} (${tool.unavailableReason})`).join('; ')}.`,
    );
    out.push('');
  }
  if (results.defaults !== null) {
    out.push(`### Each client at its own defaults (${formatBytes(results.defaults.sizeBytes)} file)`);
    out.push('');
    out.push(runsTable([results.defaults], labels, 'size'));
    out.push('');
    out.push(ratioTable([results.defaults]));
    out.push('');
  }
  // The defaults' file and the largest file of the scaling runs: fixed costs against per-byte ones.
  const largest = [...(results.scaling ?? [])].sort((a, b) => b.sizeBytes - a.sizeBytes)[0];
  const timed = [results.defaults, largest].filter(
    (configuration, index, all): configuration is ConfigurationResult =>
      configuration !== null &&
      configuration !== undefined &&
      all.findIndex((other) => other?.sizeBytes === configuration.sizeBytes) === index,
  );
  if (timed.length > 0) {
    out.push('### Where the time goes (each client at its defaults; ms, medians)');
    out.push('');
    out.push(BREAKDOWN_NOTE);
    out.push('');
    out.push(breakdownTable(timed, labels));
    out.push('');
  }
  if (results.chunks !== null && results.chunks.length > 0) {
    out.push('### Per chunk size');
    out.push('');
    out.push(runsTable(results.chunks, labels, 'chunk'));
    out.push('');
    out.push(ratioTable(results.chunks));
    out.push('');
  }
  if (results.chartFile !== null) {
    out.push(`![Throughput by setting: median bars with min–max whiskers](${results.chartFile})`);
    out.push('');
  }
  if (results.scaling !== null) {
    out.push('### File sizes (each client at its defaults)');
    out.push('');
    out.push(runsTable(results.scaling, labels, 'size'));
    out.push('');
    out.push(ratioTable(results.scaling, true));
    out.push('');
  }
  out.push('### Batch of small files (createUpload, sandbox in the harness process)');
  out.push('');
  out.push(batchTable(results.batch));
  out.push('');
  out.push('### Fleet: `queue work` on Redis against the plain CLI batch (bench/fleet.ts)');
  out.push('');
  out.push(
    results.fleet === null
      ? '(not run)'
      : 'pending' in results.fleet
        ? `Pending: ${results.fleet.pending}`
        : results.fleet.table,
  );
  out.push('');
  out.push('### Targets, measured side by side in this run');
  out.push('');
  out.push('| target | measured | verdict |');
  out.push('| --- | --- | --- |');
  const checks = [...OWN_TOOLS.flatMap((tool) => checkTargets(results, tool)), ...checkBatchTargets(results)];
  for (const check of checks) out.push(`| ${check.target} | ${check.measured} | ${check.verdict} |`);
  out.push('');
  out.push(summarizeTargets(checks));
  return out.join('\n');
}
