/** Unit tests of the benchmark's pure helpers: units, statistics, report sections, PNG, targets. */
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkTargets } from '../../bench/lib/bench-report.js';
import { Raster } from '../../bench/lib/png.js';
import { readSection, replaceSection } from '../../bench/lib/report-file.js';
import type { BenchResults, ConfigurationResult } from '../../bench/lib/results.js';
import type { RunRecord } from '../../bench/lib/runs.js';
import { pairRatios, spread } from '../../bench/lib/stats.js';
import { MIB, parseBytes } from '../../bench/lib/units.js';

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

describe('PNG encoder', () => {
  it('writes a PNG whose pixel data inflates to the image size', () => {
    const image = new Raster(7, 5);
    image.fillRect(1, 1, 2, 2, [255, 0, 0]);
    const png = image.toPng();
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('ascii', 12, 16)).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(7);
    expect(png.readUInt32BE(20)).toBe(5);
    const idatAt = png.indexOf('IDAT');
    const length = png.readUInt32BE(idatAt - 4);
    const raw = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + length));
    expect(raw.length).toBe(5 * (7 * 3 + 1));
    // Row 1, pixel 1 is red (after the row's filter byte).
    const at = 1 * (7 * 3 + 1) + 1 + 3;
    expect([...raw.subarray(at, at + 3)]).toEqual([255, 0, 0]);
  });
});

describe('targets', () => {
  const record = (
    tool: string,
    round: number,
    mibPerS: number,
    cpuSPerGiB: number,
    rss: number,
  ): RunRecord => ({
    tool,
    sizeBytes: 1024 * MIB,
    chunkSizeBytes: 128 * MIB,
    round,
    ok: true,
    verified: true,
    hashChecked: round === 0,
    transferMs: 1000,
    processWallMs: 1100,
    mibPerS,
    cpuS: cpuSPerGiB,
    cpuSPerGiB,
    maxRssMiB: rss,
    requests: { head: 1, patch: 8, other: 0 },
    measuredBy: 'gnu-time',
    error: null,
  });
  const configuration = (records: RunRecord[]): ConfigurationResult => ({
    sizeBytes: 1024 * MIB,
    chunkSizeBytes: 128 * MIB,
    records,
  });
  const results = (throughput: ConfigurationResult[]): BenchResults => ({
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
    runs: 2,
    tools: [],
    throughput,
    memory: null,
    batch: null,
    chartFile: null,
  });

  it('judges the ratios pair by pair and the CPU and RSS limits', () => {
    const checks = checkTargets(
      results([
        configuration([
          record('curl', 0, 300, 0.5, 11),
          record('vimeo-tus', 0, 290, 0.8, 60),
          record('tus-js-client', 0, 200, 2, 90),
          record('curl', 1, 200, 0.5, 11),
          record('vimeo-tus', 1, 190, 0.9, 62),
          record('tus-js-client', 1, 185, 2, 90),
        ]),
      ]),
    );
    expect(checks.map((check) => check.verdict)).toEqual(['met', 'not met', 'met', 'met', 'not measured']);
    expect(checks[1]?.measured).toMatch(/^1\.2\d/);
  });

  it('says "not measured" when vimeo-tus did not run', () => {
    const checks = checkTargets(results([configuration([record('curl', 0, 300, 0.5, 11)])]));
    expect(checks.every((check) => check.verdict === 'not measured')).toBe(true);
  });
});
