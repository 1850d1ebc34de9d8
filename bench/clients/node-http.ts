/**
 * Probe client: Node's own `http` with no library, sending the same PATCHes as vimeo-tus at the same
 * chunk setting (at 'default', vimeo-tus's 512 MB, which the harness passes as the size), from the
 * same reads (1 MiB, synchronous, into 2 buffers that cycle between disk and socket; the harness
 * passes vimeo-tus's own figures), continuing an upload link the harness made. No create,
 * no retries, no progress, no verification: what any Node client pays per byte, so that the engine's
 * own cost shows as vimeo-tus ÷ node-http, and Node's against curl's as node-http ÷ curl.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { describeError, finish, readJob } from './client-io.js';

const job = readJob();
const chunkBytes = job.chunk === 'unlimited' || job.chunk === 'default' ? job.sizeBytes : job.chunk;
const { readSizeBytes, readBuffers } = job;
if (readSizeBytes === undefined || readBuffers === undefined) throw new Error('the job names no reads');
const buffers = Array.from({ length: readBuffers }, () => Buffer.allocUnsafe(readSizeBytes));
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const fd = openSync(job.filePath, 'r');

/** One PATCH of [offset, offset + length): resolves on the server's 204. */
function patch(offset: number, length: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const link = new URL(job.uploadUrl);
    // Through the module object, as every client here does: the timeline hook wraps http.request.
    const req = http.request(
      {
        agent,
        method: 'PATCH',
        hostname: link.hostname,
        port: link.port,
        path: `${link.pathname}${link.search}`,
        headers: {
          'Tus-Resumable': '1.0.0',
          'Upload-Offset': String(offset),
          'Content-Type': 'application/offset+octet-stream',
          'Content-Length': String(length),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 204 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    const end = offset + length;
    let position = offset;
    let inFlight = 0;
    let next = 0;
    const pump = (): void => {
      while (position < end && inFlight < buffers.length) {
        const buffer = buffers[next++ % buffers.length] as Buffer;
        const read = readSync(fd, buffer, 0, Math.min(buffer.length, end - position), position);
        if (read === 0) {
          req.destroy(new Error(`file ended at ${position}`));
          return;
        }
        position += read;
        inFlight++;
        req.write(read === buffer.length ? buffer : buffer.subarray(0, read), () => {
          inFlight--;
          if (position < end) pump();
          else if (inFlight === 0) req.end();
        });
      }
    };
    pump();
  });
}

const started = performance.now();
try {
  for (let offset = 0; offset < job.sizeBytes; ) {
    const length = Math.min(chunkBytes, job.sizeBytes - offset);
    await patch(offset, length);
    offset += length;
  }
  finish({ ok: true, transferMs: performance.now() - started });
} catch (error) {
  finish({ ok: false, transferMs: performance.now() - started, error: describeError(error) });
} finally {
  closeSync(fd);
  agent.destroy();
}
