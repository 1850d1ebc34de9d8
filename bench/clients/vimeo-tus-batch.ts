/**
 * vimeo-tus batch client: uploadVideo() from the built dist/ over a list of files with a fixed
 * number of uploads in flight. Prints one JSON line: how many ended verified, and the wall time.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { describeError } from './client-io.js';

type LibraryModule = typeof import('../../src/index.js');

/** The job of one batch run. */
export interface BatchJob {
  readonly files: readonly string[];
  readonly concurrency: number;
  readonly apiUrl: string;
  readonly token: string;
  readonly distDir: string;
  readonly chunkSizeBytes: number | null;
}

/** What the batch client prints. */
export interface BatchReport {
  readonly verified: number;
  readonly failed: number;
  readonly wallMs: number;
  readonly errors: readonly string[];
}

const text = process.argv[2];
if (text === undefined) throw new Error('missing job argument');
const job = JSON.parse(text) as BatchJob;
const library = (await import(pathToFileURL(join(job.distDir, 'index.js')).href)) as LibraryModule;
const queue = [...job.files];
let verified = 0;
const errors: string[] = [];
const started = performance.now();
const worker = async (): Promise<void> => {
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    try {
      const result = await library.uploadVideo(file, {
        token: job.token,
        apiUrl: job.apiUrl,
        chunkSizeBytes: job.chunkSizeBytes ?? Number.POSITIVE_INFINITY,
      });
      if (result.uploadOffset === result.bytesTotal && result.uploadLength === result.bytesTotal)
        verified += 1;
      else errors.push(`ended at ${result.uploadOffset} of ${result.bytesTotal}`);
    } catch (error) {
      errors.push(describeError(error));
    }
  }
};
await Promise.all(Array.from({ length: job.concurrency }, worker));
const report: BatchReport = {
  verified,
  failed: job.files.length - verified,
  wallMs: performance.now() - started,
  errors: [...new Set(errors)].slice(0, 5),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
