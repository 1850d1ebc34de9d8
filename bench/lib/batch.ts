/**
 * The batch section: many small files uploaded with createUpload() (a client process on bare node)
 * through the sandbox (in this process) at several concurrencies, each upload holding its place
 * while it sends (as the CLI's batch does); at the highest concurrency also holding it until
 * verified, for comparison. Files per second from the client's wall time; requests per file from
 * the sandbox's own counters; every file's stored SHA-256 compared with the source's.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { startSandbox } from '../../src/sandbox/index.js';
import type { BatchPlaces, BatchReport } from '../clients/vimeo-tus-batch.js';
import { ensureRandomFile, type TestFile } from './files.js';
import { measure } from './measure.js';
import type { BatchResult, BatchRound, Pending } from './results.js';

/** Options of the batch section. */
export interface BatchOptions {
  readonly files: number;
  readonly fileSizeBytes: number;
  readonly concurrency: readonly number[];
  /** Rounds per concurrency; a round runs every concurrency, in alternating order. */
  readonly rounds: number;
  readonly workDir: string;
  readonly compiledDir: string;
  readonly distDir: string;
  readonly log: (line: string) => void;
}

/** Runs the batch section, or says why it cannot run. */
export async function runBatch(options: BatchOptions): Promise<BatchResult[] | Pending> {
  const present = await access(join(options.distDir, 'index.js'))
    .then(() => true)
    .catch(() => false);
  if (!present) {
    const pending = 'needs the built library (npm run build)';
    options.log(`batch pending: ${pending}`);
    return { pending };
  }
  const files: TestFile[] = [];
  for (let index = 0; index < options.files; index += 1) {
    files.push(await ensureRandomFile(join(options.workDir, 'batch'), options.fileSizeBytes, String(index)));
  }
  // Every concurrency with places held while sending; the highest also with places held to the end.
  const highest = Math.max(...options.concurrency);
  const levels: { concurrency: number; places: BatchPlaces }[] = [
    ...options.concurrency.map((concurrency) => ({ concurrency, places: 'sending' as const })),
    ...(options.concurrency.length > 0 ? [{ concurrency: highest, places: 'upload' as const }] : []),
  ];
  const rounds = levels.map((): BatchRound[] => []);
  for (let round = 0; round < options.rounds; round += 1) {
    const order = levels.map((_, index) => index);
    if (round % 2 === 1) order.reverse();
    for (const index of order) {
      const level = levels[index] as (typeof levels)[number];
      rounds[index]?.push(await runRound(options, files, level.concurrency, level.places));
    }
  }
  return levels.map((level, index) => ({
    ...level,
    files: files.length,
    fileSizeBytes: files[0]?.sizeBytes ?? 0,
    rounds: rounds[index] ?? [],
  }));
}

async function runRound(
  options: BatchOptions,
  files: readonly TestFile[],
  concurrency: number,
  places: BatchPlaces,
): Promise<BatchRound> {
  const sandbox = await startSandbox({});
  try {
    const measured = await measure({
      command: process.execPath,
      args: [
        join(options.compiledDir, 'clients', 'vimeo-tus-batch.js'),
        JSON.stringify({
          files: files.map((file) => file.path),
          concurrency,
          places,
          apiUrl: sandbox.apiUrl,
          token: sandbox.token,
          distDir: options.distDir,
          chunkSizeBytes: null,
        }),
      ],
      workDir: options.workDir,
      timeoutMs: 600_000,
    });
    let report: BatchReport | null = null;
    try {
      report = JSON.parse(measured.stdout.trim().split('\n').at(-1) ?? '') as BatchReport;
    } catch {
      report = null;
    }
    const state = await sandbox.state();
    const expected = new Map(files.map((file) => [file.sha256, file]));
    const matching = state.videos.filter(
      (video) => video.storedBytes === video.sizeBytes && video.sha256 !== null && expected.has(video.sha256),
    ).length;
    const requestsPerFile: Record<string, number> = {};
    for (const [kind, count] of Object.entries(state.counters.requests)) {
      if (count !== undefined && count > 0) requestsPerFile[kind] = count / files.length;
    }
    const verifiedFiles = Math.min(report?.verified ?? 0, matching);
    const error =
      report === null
        ? `batch client printed no report (exit ${measured.exitCode})`
        : report.errors.length > 0
          ? report.errors.join('; ')
          : matching !== files.length
            ? `${files.length - matching} stored files differ from their source`
            : null;
    const result: BatchRound = {
      verifiedFiles,
      wallMs: report?.wallMs ?? measured.processWallMs,
      filesPerS: report === null || report.wallMs <= 0 ? null : (verifiedFiles / report.wallMs) * 1000,
      requestsPerFile,
      videosCreated: state.counters.videosCreated,
      error,
    };
    options.log(
      `batch concurrency ${concurrency}${places === 'upload' ? ', places held until verified' : ''}: ${verifiedFiles}/${files.length} verified, ${
        result.filesPerS?.toFixed(1) ?? 'n/a'
      } files/s, ${result.videosCreated} videos created${error === null ? '' : ` (${error})`}`,
    );
    return result;
  } finally {
    await sandbox.close();
  }
}
