/**
 * vimeo-tus batch client: createUpload() from the built dist/ over a list of files, in the CLI's
 * batch places (dist/upload/places.js), and how long an upload holds its place: while it sends
 * (`sending`, as the CLI's batch does: an upload whose bytes are all acknowledged leaves its place
 * while Vimeo confirms it, at most twice as many under way) or until it is verified (`upload`). Prints
 * one JSON line: how many ended verified, and the wall time.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { describeError } from './client-io.js';

type LibraryModule = typeof import('../../src/index.js');
type PlacesModule = typeof import('../../src/upload/places.js');

/** How long an upload holds its place in the batch. */
export type BatchPlaces = 'sending' | 'upload';

/** The job of one batch run. */
export interface BatchJob {
  readonly files: readonly string[];
  readonly concurrency: number;
  readonly places: BatchPlaces;
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
const { leavesPlace, runInPlaces } = (await import(
  pathToFileURL(join(job.distDir, 'upload', 'places.js')).href
)) as PlacesModule;
let verified = 0;
const errors: string[] = [];
const started = performance.now();
await runInPlaces(job.files, job.concurrency, undefined, async (file, sent) => {
  const upload = library.createUpload(file, {
    token: job.token,
    apiUrl: job.apiUrl,
    chunkSizeBytes: job.chunkSizeBytes ?? Number.POSITIVE_INFINITY,
  });
  if (job.places === 'sending') {
    upload.on('progress', (progress) => {
      if (leavesPlace(progress.phase)) sent();
    });
  }
  try {
    const result = await upload.done;
    if (result.uploadOffset === result.bytesTotal && result.uploadLength === result.bytesTotal) verified += 1;
    else errors.push(`ended at ${result.uploadOffset} of ${result.bytesTotal}`);
  } catch (error) {
    errors.push(describeError(error));
  }
});
const report: BatchReport = {
  verified,
  failed: job.files.length - verified,
  wallMs: performance.now() - started,
  errors: [...new Set(errors)].slice(0, 5),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
