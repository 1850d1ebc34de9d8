/**
 * Peer client: tus-js-client 4 in Node, reading the file through fs.createReadStream(path) (which
 * tus-js-client turns into a re-openable file source), continuing an upload link the harness made.
 * At 'default' it passes no chunkSize (tus-js-client's default: the whole file in one PATCH).
 */
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Upload } from 'tus-js-client';
import { describeError, finish, readJob } from './client-io.js';

const job = readJob();
const started = performance.now();
const source = createReadStream(job.filePath);
// tus-js-client's Node typings omit the Readable inputs its Node file reader accepts.
const upload = new Upload(source as unknown as Buffer, {
  uploadUrl: job.uploadUrl,
  uploadSize: job.sizeBytes,
  ...(job.chunk === 'default'
    ? {}
    : { chunkSize: job.chunk === 'unlimited' ? Number.POSITIVE_INFINITY : job.chunk }),
  retryDelays: null,
  storeFingerprintForResuming: false,
  onSuccess: () => {
    finish({ ok: true, transferMs: performance.now() - started });
  },
  onError: (error) => {
    finish({ ok: false, transferMs: performance.now() - started, error: describeError(error) });
  },
});
upload.start();
