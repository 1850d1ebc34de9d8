/**
 * vimeo-tus as a library: uploadVideo(path) of the built dist/, the whole call a library user makes
 * (create the video, send the bytes, verify), on bare node so that the figures are the engine's and
 * not a TypeScript loader's. At 'default' it passes no chunk size. Besides the whole call it reports
 * when its progress first showed every byte acknowledged: where a peer's time ends.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { describeError, finish, readJob } from './client-io.js';

type LibraryModule = typeof import('../../src/index.js');

const job = readJob();
let started = performance.now();
let ackedAt: number | undefined;
try {
  const library = (await import(pathToFileURL(join(job.distDir ?? '', 'index.js')).href)) as LibraryModule;
  // Module loading is start-up, as for the other clients; the upload starts with the call.
  started = performance.now();
  const result = await library.uploadVideo(job.filePath, {
    token: job.token,
    apiUrl: job.apiUrl,
    onProgress: (progress) => {
      if (ackedAt === undefined && progress.bytesAcked >= progress.bytesTotal) ackedAt = performance.now();
    },
    ...(job.chunk === 'default'
      ? {}
      : { chunkSizeBytes: job.chunk === 'unlimited' ? Number.POSITIVE_INFINITY : job.chunk }),
  });
  const complete = result.uploadOffset === job.sizeBytes && result.uploadLength === job.sizeBytes;
  finish({
    ok: complete,
    transferMs: performance.now() - started,
    ...(ackedAt === undefined ? {} : { ackedMs: ackedAt - started }),
    videoUri: result.videoUri,
    ...(complete ? {} : { error: `ended at ${result.uploadOffset} of ${result.uploadLength}` }),
  });
} catch (error) {
  finish({ ok: false, transferMs: performance.now() - started, error: describeError(error) });
}
