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
import { breakdownOf } from '../../bench/lib/breakdown.js';
import { readSection } from '../../bench/lib/report-file.js';
import type { BenchResults } from '../../bench/lib/results.js';
import { MIB } from '../../bench/lib/units.js';
import { SKIP_REDIS } from '../helpers/redis-server.js';

const run = promisify(execFile);
const repoDir = join(import.meta.dirname, '..', '..');

/** Splits every markdown table with this first header cell into rows of trimmed cells (header and separator removed). */
function tableRows(markdown: string, firstHeaderCell: string): string[][] {
  const lines = markdown.split('\n');
  const rows: string[][] = [];
  lines.forEach((header, start) => {
    if (!header.startsWith(`| ${firstHeaderCell} |`)) return;
    for (const line of lines.slice(start + 2)) {
      if (!line.startsWith('|')) break;
      rows.push(
        line
          .slice(1, -1)
          .split('|')
          .map((cell) => cell.trim()),
      );
    }
  });
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
        '--chunk-runs',
        '1',
        '--chunks',
        '1MiB,unlimited',
        '--scaling-sizes',
        '1MiB,2MiB',
        '--scaling-runs',
        '1',
        '--batch-files',
        '4',
        '--concurrency',
        '1,2',
        '--batch-rounds',
        '2',
        '--fleet-rounds',
        '1',
        '--fleet-files',
        '2',
        '--fleet-file-mib',
        '1',
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
    const configurations = [results.defaults, ...(results.chunks ?? []), ...(results.scaling ?? [])];
    expect(configurations.map((configuration) => configuration?.chunk)).toEqual([
      'default',
      MIB,
      'unlimited',
      'default',
      'default',
    ]);
    const ran = results.tools.filter((tool) => tool.unavailableReason === null).map((tool) => tool.id);
    // curl is skipped (and reported) only where it is not installed.
    expect(ran).toEqual(
      expect.arrayContaining(['node-http', 'tus-js-client', 'vimeo.js', 'vimeo-tus', 'vimeo-tus-cli']),
    );
    for (const configuration of configurations) {
      for (const tool of ran) {
        const records = configuration?.records.filter((record) => record.tool === tool) ?? [];
        expect(records.length).toBeGreaterThan(0);
        for (const record of records) {
          expect(record.error).toBeNull();
          expect(record.ok && record.verified).toBe(true);
          expect(record.cpuS).toBeGreaterThanOrEqual(0);
          expect(record.maxRssMiB).toBeGreaterThan(0);
          expect(record.requests.patch).toBeGreaterThanOrEqual(1);
          // The last byte is acknowledged before vimeo-tus verifies (a HEAD and a read at least);
          // every peer's time ends there.
          if (tool.startsWith('vimeo-tus')) {
            expect(record.ackedMs).toBeGreaterThan(0);
            expect(record.ackedMs).toBeLessThan(record.transferMs ?? 0);
          } else expect(record.ackedMs).toBe(record.transferMs);
        }
        expect(records.some((record) => record.hashChecked)).toBe(true);
      }
    }
  });

  it('makes the clients that create a video create exactly one, and times their requests', () => {
    for (const record of results.defaults?.records ?? []) {
      const creates = record.tool === 'vimeo.js' || record.tool.startsWith('vimeo-tus');
      expect(record.requests.create ?? 0).toBe(creates ? 1 : 0);
      if (record.tool === 'curl') continue;
      expect(record.timeline?.requests.some((request) => request.method === 'PATCH')).toBe(true);
      // The hook saw exactly the requests the sandbox counted for this run.
      const counted = Object.values(record.requests).reduce((sum, count) => sum + count, 0);
      expect(record.timeline?.requests.length).toBe(counted);
      // Every request's start was taken when it was made, not when its body ended.
      expect(record.timeline?.requests.filter((request) => request.startFromChannel)).toEqual([]);
      const breakdown = breakdownOf(record);
      expect(breakdown?.patches).toBe(record.requests.patch);
      expect(breakdown?.callsBeforePatch).toBeGreaterThanOrEqual(creates ? 1 : 0);
    }
    // The 1 MiB chunk size makes three PATCHes of a 3 MiB file for the chunked clients only.
    const chunked = results.chunks?.[0]?.records ?? [];
    for (const record of chunked) {
      const single = record.tool === 'curl' || record.tool === 'vimeo.js';
      expect(record.requests.patch).toBe(single ? 1 : 3);
    }
  });

  it('writes a bench section whose tables parse and match the results', () => {
    const section = readSection(report, 'bench');
    expect(section).not.toBeNull();
    const ran = results.tools.filter((tool) => tool.unavailableReason === null);
    const defaultsRows = tableRows(section ?? '', 'file size').filter((row) => row.length === 8);
    // The defaults table and the scaling table (two sizes).
    expect(defaultsRows.length).toBe(3 * ran.length);
    const chunkRows = tableRows(section ?? '', 'chunk size').filter((row) => row.length === 8);
    expect(chunkRows.length).toBe(2 * ran.length);
    for (const row of [...defaultsRows, ...chunkRows]) {
      expect(row[2]).toMatch(/^(\d)\/\1$/);
      expect(Number.parseFloat(row[3] ?? '')).toBeGreaterThan(0);
      expect(Number.parseFloat(row[4] ?? '')).toBeGreaterThanOrEqual(Number.parseFloat(row[3] ?? ''));
    }
    // The time breakdown: the defaults' file and the largest scaling file, every client.
    expect(tableRows(section ?? '', 'file').length).toBe(2 * ran.length);
    // Per vimeo-tus client: 4 throughput checks (2 peers, 2 spans), CPU, RSS, flat RSS; the batch 2.
    expect(tableRows(section ?? '', 'target').length).toBe(16);
    expect(readSection(report, 'chaos')).toBe('');
  });

  it('uploads the batch through the sandbox, one verified video per file', () => {
    expect(results.batch).not.toBeNull();
    const batch = results.batch;
    if (batch === null || 'pending' in batch) throw new Error(`batch did not run: ${JSON.stringify(batch)}`);
    expect(batch.map((level) => [level.concurrency, level.places])).toEqual([
      [1, 'sending'],
      [2, 'sending'],
      [2, 'upload'],
    ]);
    for (const level of batch) {
      expect(level.rounds).toHaveLength(2);
      for (const round of level.rounds) {
        expect(round.error).toBeNull();
        expect(round.verifiedFiles).toBe(4);
        expect(round.videosCreated).toBe(4);
        expect(round.requestsPerFile.patch).toBeGreaterThanOrEqual(1);
      }
    }
    const section = readSection(report, 'bench') ?? '';
    expect(tableRows(section, 'concurrency').map((row) => row.slice(0, 4))).toEqual([
      ['1', 'while it sends (as the CLI)', '2', '4/4, 4/4'],
      ['2', 'while it sends (as the CLI)', '2', '4/4, 4/4'],
      ['2', 'until verified', '2', '4/4, 4/4'],
    ]);
  });

  it.skipIf(SKIP_REDIS)(
    'runs the fleet section: the CLI batch and 1, 2, 4 queue workers, every file one video',
    () => {
      // bench/fleet.ts itself checks after each run that the sandbox holds exactly one video per file
      // with its bytes, and exits non-zero otherwise (then the section is pending).
      const fleet = results.fleet;
      if (fleet === null || 'pending' in fleet)
        throw new Error(`fleet did not run: ${JSON.stringify(fleet)}`);
      const section = readSection(report, 'bench') ?? '';
      expect(tableRows(section, 'configuration').map((row) => row[0])).toEqual([
        'CLI batch',
        'fleet, 1 worker',
        'fleet, 2 workers',
        'fleet, 4 workers',
      ]);
    },
  );

  it('writes the chart as SVG next to the report', async () => {
    const svg = await readFile(join(dir, 'benchmarks-throughput.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(results.chartFile).toBe('benchmarks-throughput.svg');
    expect(report).toContain('](benchmarks-throughput.svg)');
  });
});
