/**
 * Smoke test of `npm run bench`: the real script on a tiny file, 2 runs, writing to a temporary
 * report. It proves that the harness still runs end to end and that every upload was verified;
 * it asserts nothing about speed.
 */
import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSection } from '../../bench/lib/report-file.js';
import type { BenchResults } from '../../bench/lib/results.js';

const run = promisify(execFile);
const repoDir = join(import.meta.dirname, '..', '..');

/** Splits a markdown table into rows of trimmed cells (header and separator removed). */
function tableRows(markdown: string, firstHeaderCell: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${firstHeaderCell} |`));
  if (start === -1) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

describe('bench smoke', () => {
  let dir: string;
  let results: BenchResults;
  let report: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    // The measured vimeo-tus clients run the built library; CI builds before testing, a bare
    // `vitest run` may not have.
    const built = await access(join(repoDir, 'dist', 'index.js'))
      .then(() => true)
      .catch(() => false);
    if (!built) {
      await run(
        process.execPath,
        [join(repoDir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
        {
          cwd: repoDir,
          timeout: 180_000,
        },
      );
    }
    await run(
      process.execPath,
      [
        join(repoDir, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(repoDir, 'bench', 'run.ts'),
        '--size',
        '3MiB',
        '--runs',
        '2',
        '--chunks',
        '1MiB,unlimited',
        '--memory-sizes',
        '1MiB,2MiB',
        '--memory-runs',
        '1',
        '--batch-files',
        '4',
        '--concurrency',
        '1,2',
        '--out',
        join(dir, 'benchmarks.md'),
        '--json',
        join(dir, 'results.json'),
        '--work-dir',
        join(dir, 'work'),
      ],
      { cwd: repoDir, timeout: 240_000 },
    );
    results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as BenchResults;
    report = await readFile(join(dir, 'benchmarks.md'), 'utf8');
  }, 300_000);

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('verifies every upload, with a SHA-256 check per client and configuration', () => {
    const configurations = [...(results.throughput ?? []), ...(results.memory ?? [])];
    expect(configurations.length).toBe(4);
    const ran = results.tools.filter((tool) => tool.unavailableReason === null).map((tool) => tool.id);
    // curl is skipped (and reported) only where it is not installed.
    expect(ran).toEqual(expect.arrayContaining(['tus-js-client', 'vimeo-tus', 'vimeo-tus-cli']));
    for (const configuration of configurations) {
      for (const tool of ran) {
        const records = configuration.records.filter((record) => record.tool === tool);
        expect(records.length).toBeGreaterThan(0);
        for (const record of records) {
          expect(record.error).toBeNull();
          expect(record.ok && record.verified).toBe(true);
          expect(record.cpuS).toBeGreaterThanOrEqual(0);
          expect(record.maxRssMiB).toBeGreaterThan(0);
        }
        expect(records.some((record) => record.hashChecked)).toBe(true);
      }
    }
  });

  it('writes a bench section whose tables parse and match the results', () => {
    const section = readSection(report, 'bench');
    expect(section).not.toBeNull();
    const rows = tableRows(section ?? '', 'chunk size').filter((row) => row.length === 7);
    const ran = results.tools.filter((tool) => tool.unavailableReason === null);
    expect(rows.length).toBe(2 * ran.length);
    for (const row of rows) {
      expect(row[2]).toBe('2/2');
      expect(Number.parseFloat(row[3] ?? '')).toBeGreaterThan(0);
    }
    expect(tableRows(section ?? '', 'target').length).toBe(5);
    expect(readSection(report, 'chaos')).toBe('');
  });

  it('uploads the batch through the sandbox, one verified video per file', () => {
    expect(results.batch).not.toBeNull();
    const batch = results.batch;
    if (batch === null || 'pending' in batch) throw new Error(`batch did not run: ${JSON.stringify(batch)}`);
    expect(batch.map((level) => level.concurrency)).toEqual([1, 2]);
    for (const level of batch) {
      expect(level.error).toBeNull();
      expect(level.verifiedFiles).toBe(4);
      expect(level.videosCreated).toBe(4);
      expect(level.requestsPerFile.patch).toBeGreaterThanOrEqual(1);
    }
    const section = readSection(report, 'bench') ?? '';
    expect(tableRows(section, 'concurrency').map((row) => row[1])).toEqual(['4/4', '4/4']);
  });

  it('writes the chart as a PNG next to the report', async () => {
    const png = await readFile(join(dir, 'benchmarks-throughput.png'));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(results.chartFile).toBe('benchmarks-throughput.png');
  });
});
