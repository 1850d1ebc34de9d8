/**
 * vimeo-tus as a library: runTransfer() of the built dist/ continuing a pre-created upload, run on
 * bare node so that the figures are the engine's and not a TypeScript loader's.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { describeError, finish, readJob } from './client-io.js';

type FileSourceModule = typeof import('../../src/sources/file-source.js');
type TransferModule = typeof import('../../src/tus/transfer.js');

const job = readJob();
if (job.distDir === undefined) throw new Error('distDir missing');
const moduleUrl = (relative: string): string => pathToFileURL(join(job.distDir ?? '', relative)).href;
let started = performance.now();
try {
  const sources = (await import(moduleUrl('sources/file-source.js'))) as FileSourceModule;
  const tus = (await import(moduleUrl('tus/transfer.js'))) as TransferModule;
  // Module loading is start-up, as for the other clients; the transfer starts at the file check.
  started = performance.now();
  const file = await sources.inspectFile(job.filePath);
  const result = await tus.runTransfer({
    uploadUrl: job.uploadUrl,
    source: file,
    chunkSizeBytes: job.chunkSizeBytes ?? Number.POSITIVE_INFINITY,
  });
  const complete = result.uploadOffset === job.sizeBytes && result.uploadLength === job.sizeBytes;
  finish({
    ok: complete,
    transferMs: performance.now() - started,
    ...(complete ? {} : { error: `ended at ${result.uploadOffset} of ${result.uploadLength}` }),
  });
} catch (error) {
  finish({ ok: false, transferMs: performance.now() - started, error: describeError(error) });
}
