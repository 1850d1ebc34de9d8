/**
 * Smoke test of `npm run chaos`: the real script with a tiny file, 2 runs of three faults, writing
 * to a temporary report. It proves the campaign still runs through the ledger-backed upload and
 * that its uploads were verified against the sandbox's stored bytes; nothing about speed. The
 * link-expiry runs are the ledger's case: the call meets a dead link, its rerun asks for a new
 * version of the same video.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChaosResults } from '../../bench/lib/chaos-report.js';
import { readSection } from '../../bench/lib/report-file.js';

const run = promisify(execFile);
const repoDir = join(import.meta.dirname, '..', '..');

describe('chaos smoke', () => {
  let dir: string;
  let results: ChaosResults;
  let report: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chaos-smoke-'));
    await run(
      process.execPath,
      [
        join(repoDir, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(repoDir, 'bench', 'chaos.ts'),
        '--runs',
        '2',
        '--faults',
        'reset,5xx,link-expiry',
        '--size',
        '3MiB',
        '--chunk',
        '1MiB',
        '--seed',
        '7',
        '--out',
        join(dir, 'benchmarks.md'),
        '--json',
        join(dir, 'chaos.json'),
        '--work-dir',
        join(dir, 'work'),
      ],
      { cwd: repoDir, timeout: 240_000 },
    );
    results = JSON.parse(await readFile(join(dir, 'chaos.json'), 'utf8')) as ChaosResults;
    report = await readFile(join(dir, 'benchmarks.md'), 'utf8');
  }, 300_000);

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const recordsOf = (id: string) => results.scenarios.find((scenario) => scenario.id === id)?.records ?? [];

  it('runs each fault twice, the fault strikes, and every upload ends verified with one video', () => {
    expect(results.scenarios.map((scenario) => [scenario.id, scenario.pending])).toEqual([
      ['reset', null],
      ['5xx', null],
      ['link-expiry', null],
    ]);
    for (const scenario of results.scenarios) {
      expect(scenario.records).toHaveLength(2);
      for (const record of scenario.records) {
        expect(record.error).toBeNull();
        expect(record.faultHit).toBe(true);
        expect(record.verified).toBe(true);
        expect(record.videosCreated).toBe(1);
        expect(record.contentMismatch).toBe(false);
      }
    }
  });

  it('absorbs resets and 5xx inside one call, with retries', () => {
    for (const record of [...recordsOf('reset'), ...recordsOf('5xx')]) {
      expect(record.calls).toBe(1);
      expect(record.retries).toBeGreaterThanOrEqual(1);
      expect(record.versionsCreated).toBe(0);
    }
  });

  it('recovers an expired link on the same video within the call: a new version, no rerun', () => {
    for (const record of recordsOf('link-expiry')) {
      expect(record.calls).toBe(1);
      expect(record.interruptions).toEqual([]);
      // The new version takes the whole file again, on top of what went to the dead link.
      expect(record.bytesBeyondFile).toBeGreaterThan(0);
      expect(record.notices).toContain('new-version');
      expect(record.versionsCreated).toBe(1);
    }
  });

  it('writes a chaos section whose table parses, leaving the bench section alone', () => {
    const section = readSection(report, 'chaos') ?? '';
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| fault') && !line.startsWith('| ---'))
      .map((line) =>
        line
          .slice(1, -1)
          .split('|')
          .map((cell) => cell.trim()),
      );
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row[1]).toBe('2');
      expect(row[3]).toBe('2/2');
      expect(row[5]).toBe('0');
      expect(row[6]).toBe('0');
    }
    expect(readSection(report, 'bench')).toBe('');
  });
});
