/**
 * The batch section: many small files uploaded with uploadVideo() (a client process on bare node)
 * through the sandbox (in this process) at several concurrencies. Files per second from the
 * client's wall time; requests per file from the sandbox's own counters; every file's stored
 * SHA-256 compared with the source's.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { startSandbox } from '../../src/sandbox/index.js';
import type { BatchReport } from '../clients/vimeo-tus-batch.js';
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
  const rounds = new Map<number, BatchRound[]>(options.concurrency.map((level) => [level, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    const order = round % 2 === 0 ? options.concurrency : [...options.concurrency].reverse();
    for (const concurrency of order) {
      rounds.get(concurrency)?.push(await runRound(options, files, concurrency));
    }
  }
  return options.concurrency.map((concurrency) => ({
    concurrency,
    files: files.length,
    fileSizeBytes: files[0]?.sizeBytes ?? 0,
    rounds: rounds.get(concurrency) ?? [],
  }));
}

async function runRound(
  options: BatchOptions,
  files: readonly TestFile[],
  concurrency: number,
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
      `batch concurrency ${concurrency}: ${verifiedFiles}/${files.length} verified, ${
        result.filesPerS?.toFixed(1) ?? 'n/a'
      } files/s, ${result.videosCreated} videos created${error === null ? '' : ` (${error})`}`,
    );
    return result;
  } finally {
    await sandbox.close();
  }
}
