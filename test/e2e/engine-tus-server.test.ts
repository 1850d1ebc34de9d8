import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { uploadVideo } from '../../src/entry/create-upload.js';
import { startTusServer } from '../tus/helpers/tus-server.js';
import { MiB, randomFile } from './helpers/engine-helpers.js';
import { useEngineSandbox } from './helpers/use-engine-sandbox.js';

const t = useEngineSandbox();

/** A stand-in API host that only knows one video (of `sizeBytes`), complete once asked. */
async function startStubApi(sizeBytes: number): Promise<{ apiUrl: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    requests.push(`${req.method} ${req.url?.split('?')[0]}`);
    if (req.method === 'GET' && req.url?.startsWith('/videos/9')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          uri: '/videos/9',
          link: 'https://vimeo.com/9',
          upload: { status: 'complete', size: sizeBytes },
          transcode: { status: 'in_progress' },
        }),
      );
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"unknown"}');
  });
  await t.listen(server);
  return { apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe('engine against plain @tus/server (resume of an upload created by the test)', () => {
  it('continues a partly sent upload and stores identical bytes, never creating a video', async () => {
    const tus = await startTusServer();
    t.defer(() => tus.close());
    const file = await randomFile(t.dir, 'clip.mp4', 3 * MiB + 321);
    const stub = await startStubApi(file.sizeBytes);
    const uploadLink = await tus.createUpload(file.sizeBytes);
    // Someone sent the first MiB earlier.
    const bytes = await readFile(file.path);
    const first = await fetch(uploadLink, {
      method: 'PATCH',
      headers: {
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': '0',
        'Content-Type': 'application/offset+octet-stream',
      },
      body: bytes.subarray(0, MiB),
    });
    expect(first.status).toBe(204);
    tus.requests.length = 0;

    const result = await uploadVideo(file.path, {
      token: 'api-only-token',
      apiUrl: stub.apiUrl,
      chunkSizeBytes: MiB,
      resume: { videoUri: '/videos/9', uploadLink },
    });
    expect(result).toMatchObject({
      videoUri: '/videos/9',
      link: 'https://vimeo.com/9',
      uploadOffset: file.sizeBytes,
      uploadLength: file.sizeBytes,
      uploadStatus: 'complete',
      resumed: true,
    });
    expect(result.bytesSent).toBe(file.sizeBytes - MiB);
    expect(await tus.storedSha256(uploadLink)).toBe(file.sha256);
    expect(tus.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(stub.requests.filter((r) => r.startsWith('POST'))).toEqual([]);
  });
});
