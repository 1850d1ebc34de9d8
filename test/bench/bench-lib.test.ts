/** Unit tests of the benchmark's pure helpers: units, statistics, report sections, SVG chart, time breakdown, targets. */
import { describe, expect, it } from 'vitest';
import type { ClientJob } from '../../bench/clients/client-io.js';
import type { Timeline } from '../../bench/clients/timeline-hook.js';
import { checkBatchTargets, checkTargets, summarizeTargets } from '../../bench/lib/bench-report.js';
import { breakdownOf } from '../../bench/lib/breakdown.js';
import { niceStep, renderBarChart } from '../../bench/lib/chart.js';
import { readSection, replaceSection } from '../../bench/lib/report-file.js';
import type { BenchResults, ConfigurationResult } from '../../bench/lib/results.js';
import type { RunRecord } from '../../bench/lib/runs.js';
import { pairRatios, spread } from '../../bench/lib/stats.js';
import { nodeHttpTool, type ToolCommand } from '../../bench/lib/tools.js';
import { MIB, parseBytes } from '../../bench/lib/units.js';
import { READ_BUFFER_COUNT, READ_SIZE_BYTES } from '../../src/sources/read-size.js';
import { DEFAULT_CHUNK_SIZE_BYTES } from '../../src/tus/constants.js';

describe('parseBytes', () => {
  it('reads binary units and unlimited', () => {
    expect(parseBytes('5MiB')).toBe(5 * MIB);
    expect(parseBytes('1G')).toBe(1024 * MIB);
    expect(parseBytes('512k')).toBe(512 * 1024);
    expect(parseBytes('1048576')).toBe(MIB);
    expect(parseBytes('unlimited')).toBe(Number.POSITIVE_INFINITY);
  });
  it('refuses what is not a size', () => {
    expect(() => parseBytes('lots')).toThrow(/not a byte size/);
    expect(() => parseBytes('0')).toThrow(/positive/);
  });
});

describe('stats', () => {
  it('gives median, min and max of odd and even samples', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, count: 3 });
    expect(spread([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4, count: 4 });
    expect(spread([])).toBeNull();
  });
  it('pairs run i with run i and skips pairs with a missing side', () => {
    expect(pairRatios([2, null, 6], [1, 3, 2])).toEqual([2, 3]);
  });
});

describe('report sections', () => {
  const text =
    'intro\n<!-- bench:begin -->\nold\n<!-- bench:end -->\nnotes\n<!-- chaos:begin -->\nc\n<!-- chaos:end -->\n';
  it('replaces only its own section and keeps the rest', () => {
    const next = replaceSection(text, 'bench', 'new table');
    expect(readSection(next, 'bench')).toBe('new table');
    expect(readSection(next, 'chaos')).toBe('c');
    expect(next.startsWith('intro\n')).toBe(true);
    expect(next).toContain('\nnotes\n');
  });
  it('appends the section with its markers when it is missing', () => {
    const next = replaceSection('only text\n', 'chaos', 'rows');
    expect(readSection(next, 'chaos')).toBe('rows');
    expect(next.startsWith('only text')).toBe(true);
  });
});

describe('SVG chart', () => {
  it('draws one bar per value, escapes labels and leaves missing values out', () => {
    const svg = renderBarChart({
      title: 'Speed <&> test',
      yLabel: 'MiB/s',
      groups: ['default', '128 MiB'],
      series: [
        { label: 'curl', values: [{ median: 300, min: 250, max: 320 }, null] },
        {
          label: 'vimeo-tus',
          values: [
            { median: 280, min: 270, max: 290 },
            { median: 260, min: 250, max: 270 },
          ],
        },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Speed &lt;&amp;&gt; test');
    // The document's title (what a screen reader says), then one per bar.
    expect(svg.match(/<title>/g)?.length).toBe(4);
    expect(svg).toContain('<title>Speed &lt;&amp;&gt; test</title>');
    expect(svg).toContain('<title>vimeo-tus, 128 MiB: median 260 (250–270) MiB/s</title>');
  });
  it('picks round grid steps', () => {
    expect(niceStep(480)).toBe(100);
    expect(niceStep(90)).toBe(20);
  });
});

describe('time breakdown', () => {
  const timeline: Timeline = {
    hookMs: 40,
    exitMs: 2000,
    requests: [
      { method: 'GET', path: '/me', startMs: 100, bodyDoneMs: 101, responseMs: 110, endMs: 112, status: 200 },
      {
        method: 'POST',
        path: '/me/videos',
        startMs: 120,
        bodyDoneMs: 121,
        responseMs: 140,
        endMs: 141,
        status: 200,
      },
      {
        method: 'PATCH',
        path: '/u/1',
        startMs: 150,
        bodyDoneMs: 900,
        responseMs: 910,
        endMs: 912,
        status: 204,
      },
      {
        method: 'PATCH',
        path: '/u/1',
        startMs: 915,
        bodyDoneMs: 1800,
        responseMs: 1808,
        endMs: 1810,
        status: 204,
      },
      {
        method: 'HEAD',
        path: '/u/1',
        startMs: 1812,
        bodyDoneMs: 1812,
        responseMs: 1815,
        endMs: 1815,
        status: 200,
      },
    ],
  };
  it("splits a Node client's run into start-up, calls, bodies, answers and boundary idle", () => {
    const breakdown = breakdownOf({ ...record('vimeo-tus', 0, 300, 1, 60), timeline });
    expect(breakdown).toEqual({
      nodeStartMs: 40,
      loadMs: 60,
      callsBeforePatch: 2,
      callsBeforePatchMs: 12 + 21,
      workBeforePatchMs: 50 - 33,
      patches: 2,
      bodyMs: 750 + 885,
      answerWaitMs: 12 + 10,
      boundaryIdleMs: 3,
      boundaryIdleMaxMs: 3,
      headRoundTripMs: 3,
      afterLastPatchMs: 190,
      processMs: 2000,
    });
  });
  it('gives nothing for a run without a timeline', () => {
    expect(breakdownOf(record('vimeo-tus', 0, 300, 1, 60))).toBeNull();
  });
});

function record(
  tool: string,
  round: number,
  mibPerS: number,
  cpuSPerGiB: number,
  rss: number,
  ackedMibPerS = mibPerS,
): RunRecord {
  return {
    tool,
    sizeBytes: 1024 * MIB,
    chunk: 'default',
    round,
    ok: true,
    verified: true,
    hashChecked: round === 0,
    transferMs: 1000,
    ackedMs: (1000 * mibPerS) / ackedMibPerS,
    processWallMs: 1100,
    mibPerS,
    ackedMibPerS,
    cpuS: cpuSPerGiB,
    cpuSPerGiB,
    maxRssMiB: rss,
    requests: { create: 1, patch: 8 },
    measuredBy: 'gnu-time',
    timeline: null,
    selfTimings: null,
    error: null,
  };
}

describe('targets', () => {
  const configuration = (records: RunRecord[], sizeBytes = 1024 * MIB): ConfigurationResult => ({
    sizeBytes,
    chunk: 'default',
    records,
  });
  const results = (
    defaults: ConfigurationResult | null,
    scaling: ConfigurationResult[] | null = null,
    batch: BenchResults['batch'] = null,
  ): BenchResults => ({
    startedAt: '',
    finishedAt: '',
    machine: {
      date: '',
      nproc: 2,
      cpuModel: '',
      totalMemMiB: 0,
      free: '',
      loadAtStart: [],
      node: '',
      curl: '',
      packages: {},
    },
    loadAtEnd: [],
    measurement: '',
    profile: 'full',
    rounds: { defaults: 2, chunks: 2, scaling: 1 },
    tools: [],
    defaults,
    chunks: null,
    scaling,
    batch,
    fleet: null,
    chartFile: null,
  });

  it('judges the ratios pair by pair and the CPU and RSS limits', () => {
    const checks = checkTargets(
      results(
        configuration([
          record('curl', 0, 300, 0.5, 11),
          record('vimeo-tus', 0, 290, 0.8, 60),
          record('vimeo.js', 0, 270, 1.4, 90),
          record('curl', 1, 200, 0.5, 11),
          record('vimeo-tus', 1, 190, 0.9, 62),
          record('vimeo.js', 1, 185, 1.4, 90),
        ]),
        [
          configuration([record('vimeo-tus', 0, 1, 1, 58)], 256 * MIB),
          configuration([record('vimeo-tus', 0, 1, 1, 70)], 4096 * MIB),
        ],
      ),
    );
    expect(checks.map((check) => check.verdict)).toEqual([
      'met',
      'met',
      'met',
      'met',
      'met',
      'met',
      'not met',
    ]);
    expect(checks[0]?.measured).toMatch(/^1\.0[4-7]/);
    expect(checks[6]?.measured).toBe('256 MiB: 58, 4 GiB: 70');
  });

  it('judges the throughput on both spans: to the last byte acknowledged, and to its own end', () => {
    // vimeo-tus ends 0.1 s after its last byte is acknowledged (verification); the peers end there.
    const checks = checkTargets(
      results(
        configuration([
          record('curl', 0, 300, 0.5, 11),
          record('vimeo-tus', 0, 255, 0.5, 60, 285),
          record('vimeo.js', 0, 230, 1.4, 90),
          record('curl', 1, 200, 0.5, 11),
          record('vimeo-tus', 1, 175, 0.5, 60, 186),
          record('vimeo.js', 1, 160, 1.4, 90),
        ]),
      ),
    );
    const throughput = checks.slice(0, 4);
    expect(
      throughput.map((check) => [check.target.includes('last byte acknowledged'), check.verdict]),
    ).toEqual([
      [true, 'met'],
      [false, 'met'],
      [true, 'met'],
      [false, 'not met'],
    ]);
    // Pair ratios: 285/300 = 0.95 and 186/200 = 0.93, against 255/300 = 0.85 and 175/200 = 0.875.
    expect(throughput[2]?.measured).toBe('0.940 (0.930–0.950)');
    expect(throughput[3]?.measured).toBe('0.863 (0.850–0.875)');
  });

  it('says "not measured" when vimeo-tus did not run', () => {
    const checks = checkTargets(results(configuration([record('curl', 0, 300, 0.5, 11)])));
    expect(checks.every((check) => check.verdict === 'not measured')).toBe(true);
  });

  it('judges the batch on the median of its rounds, and counts requests beyond the PATCH over every round', () => {
    const round = (filesPerS: number, gets: number) => ({
      verifiedFiles: 200,
      wallMs: (200 / filesPerS) * 1000,
      filesPerS,
      requestsPerFile: { create: 1, head: 1, patch: 1, 'get-video': gets },
      videosCreated: 200,
      error: null,
    });
    const level = (
      concurrency: number,
      rounds: ReturnType<typeof round>[],
      places: 'sending' | 'upload' = 'sending',
    ) => ({
      concurrency,
      places,
      files: 200,
      fileSizeBytes: MIB,
      rounds,
    });
    const checks = checkBatchTargets(
      results(null, null, [
        level(4, [round(70, 1), round(72, 1), round(71, 1)]),
        // Median 52 (one slow round does not decide); GETs 1.00, 1.06, 1.00: 3.02 over every round.
        level(8, [round(52, 1), round(40, 1.06), round(55, 1)]),
        // Places held until verified: shown for comparison, never judged.
        level(8, [round(20, 2), round(21, 2), round(22, 2)], 'upload'),
      ]),
    );
    expect(checks.map((check) => check.verdict)).toEqual(['met', 'not met']);
    expect(checks[0]?.measured).toBe('52.0 (40.0–55.0) files/s (median of 3 rounds), every file verified');
    expect(checks[1]?.measured).toBe('3.02');
    const steady = checkBatchTargets(results(null, null, [level(8, [round(45, 1), round(46, 1)])]));
    expect(steady.map((check) => check.verdict)).toEqual(['not met', 'met']);
    expect(steady[1]?.measured).toBe('3.00');
    expect(summarizeTargets(steady)).toBe(
      `Met in this run: ${steady[1]?.target}.\n\nNot met in this run: ${steady[0]?.target}.`,
    );
  });
});

describe('tools', () => {
  const context = { compiledDir: '/x/bench/.work/js', distDir: '/x/dist' };
  const job: ClientJob = {
    filePath: '/f',
    sizeBytes: 10,
    uploadUrl: 'http://127.0.0.1:1/u',
    chunk: 'default',
    apiUrl: '',
    token: '',
  };
  const jobOf = (command: ToolCommand): ClientJob => JSON.parse(command.args.at(-1) ?? '') as ClientJob;

  it("gives the node-http probe vimeo-tus's default chunk size and reads, and a set size as it is", () => {
    const tool = nodeHttpTool(context);
    expect(jobOf(tool.command(job, null))).toMatchObject({
      chunk: DEFAULT_CHUNK_SIZE_BYTES,
      readSizeBytes: READ_SIZE_BYTES,
      readBuffers: READ_BUFFER_COUNT,
    });
    expect(jobOf(tool.command({ ...job, chunk: MIB }, null)).chunk).toBe(MIB);
    expect(jobOf(tool.command({ ...job, chunk: 'unlimited' }, null)).chunk).toBe('unlimited');
  });
});
