import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uploadVideo } from '../../src/entry/create-upload.js';
import { FileError, TusError, VimeoTusError } from '../../src/errors.js';
import { MiB, randomFile } from './helpers/engine-helpers.js';
import { useEngineSandbox } from './helpers/use-engine-sandbox.js';

const t = useEngineSandbox();

async function failure(promise: Promise<unknown>): Promise<VimeoTusError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VimeoTusError);
  return error as VimeoTusError;
}

describe('bad local files fail before anything is created', () => {
  it.each([
    ['an empty file', 'E_FILE_EMPTY'],
    ['a directory', 'E_FILE_NOT_REGULAR'],
    ['a missing path', 'E_FILE_NOT_FOUND'],
  ])('%s → FileError %s, no create call', async (what, code) => {
    const sandbox = await t.start();
    let path = join(t.dir, 'missing.mp4');
    if (what === 'an empty file') {
      path = join(t.dir, 'empty.mp4');
      await writeFile(path, '');
    } else if (what === 'a directory') {
      path = join(t.dir, 'folder.mp4');
      await mkdir(path);
    }
    const error = await failure(uploadVideo(path, { token: sandbox.token, apiUrl: sandbox.apiUrl }));
    expect(error).toBeInstanceOf(FileError);
    expect(error.code).toBe(code);
    expect((await sandbox.state()).counters.createCalls).toBe(0);
  });
});

describe('refusals of the API host', () => {
  it('a bad token → AuthError naming the upload scope, nothing created, token not echoed', async () => {
    const sandbox = await t.start();
    const file = await randomFile(t.dir, 'clip.mp4', MiB);
    const badToken = 'definitely-wrong-token-123';
    const error = await failure(uploadVideo(file.path, { token: badToken, apiUrl: sandbox.apiUrl }));
    expect(error).toMatchObject({ name: 'VimeoApiError', code: 'E_AUTH' });
    expect(error.status).toBe(401);
    expect(error.message).toContain('upload');
    expect(JSON.stringify(error.toJSON())).not.toContain(badToken);
    expect((await sandbox.state()).videos).toHaveLength(0);
  });

  it('quota used up → QuotaError with Vimeo error_code, nothing created', async () => {
    const sandbox = await t.start({ quotaBytes: 1000 });
    const file = await randomFile(t.dir, 'clip.mp4', MiB);
    const error = await failure(uploadVideo(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl }));
    expect(error).toMatchObject({ name: 'VimeoApiError', code: 'E_QUOTA' });
    expect(error.status).toBe(403);
    expect([4101, 4102]).toContain(error.vimeoErrorCode);
    expect((await sandbox.state()).videos).toHaveLength(0);
  });
});

/** A stand-in for both hosts whose answers a test chooses, recording what the upload path saw. */
async function startStub(answers: {
  createUpload: (uploadLink: string) => Record<string, unknown>;
  headHeaders: Record<string, string>;
}): Promise<{
  apiUrl: string;
  uploadRequests: { method: string; authorization: string | undefined }[];
  allRequests: string[];
}> {
  const uploadRequests: { method: string; authorization: string | undefined }[] = [];
  const allRequests: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    allRequests.push(`${req.method} ${req.url}`);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.url?.startsWith('/files/')) {
      uploadRequests.push({ method: req.method ?? '', authorization: req.headers.authorization });
      res.writeHead(req.method === 'HEAD' ? 200 : 405, { 'Tus-Resumable': '1.0.0', ...answers.headHeaders });
      res.end();
      return;
    }
    if (req.method === 'POST' && req.url?.startsWith('/me/videos')) {
      const body = {
        uri: '/videos/1',
        link: 'https://vimeo.com/1',
        upload: answers.createUpload(`${base}/files/0123456789abcdef0123456789abcdef`),
        transcode: { status: 'in_progress' },
      };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not here"}');
  });
  await t.listen(server);
  return {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    uploadRequests,
    allRequests,
  };
}

describe('bad answers of Vimeo and the upload host', () => {
  it('a create answer without upload_link → TusError E_NOT_TUS naming the deleted video, no byte sent', async () => {
    const api = await startStub({
      createUpload: () => ({ status: 'in_progress', approach: 'tus', size: MiB }),
      headHeaders: {},
    });
    const file = await randomFile(t.dir, 'clip.mp4', MiB);
    const error = await failure(uploadVideo(file.path, { token: 'stub-token', apiUrl: api.apiUrl }));
    expect(error).toBeInstanceOf(TusError);
    expect(error.code).toBe('E_NOT_TUS');
    expect(api.uploadRequests).toHaveLength(0);
    // The video exists although unusable: it is deleted, and the error says which one it was.
    expect(api.allRequests.map((r) => r.split('?')[0])).toEqual([
      'POST /me/videos',
      expect.stringMatching(/^DELETE \/videos\//),
    ]);
    expect(error).toHaveProperty('videoUri', expect.stringMatching(/^\/videos\//));
  });

  it('a malformed Upload-Offset → TusError E_TUS_PROTOCOL; the token never reached the upload host', async () => {
    const api = await startStub({
      createUpload: (link) => ({ status: 'in_progress', approach: 'tus', size: MiB, upload_link: link }),
      headHeaders: { 'Upload-Offset': '12abc', 'Upload-Length': String(MiB) },
    });
    const file = await randomFile(t.dir, 'clip.mp4', MiB);
    const error = await failure(uploadVideo(file.path, { token: 'stub-token', apiUrl: api.apiUrl }));
    expect(error).toBeInstanceOf(TusError);
    expect(error.code).toBe('E_TUS_PROTOCOL');
    expect(api.uploadRequests.length).toBeGreaterThan(0);
    expect(api.uploadRequests.every((r) => r.authorization === undefined)).toBe(true);
    expect(error.message).not.toContain('0123456789abcdef0123456789abcdef');
  });

  it('an offset beyond the file size → TusError E_TUS_PROTOCOL', async () => {
    const api = await startStub({
      createUpload: (link) => ({ status: 'in_progress', approach: 'tus', size: MiB, upload_link: link }),
      headHeaders: { 'Upload-Offset': String(2 * MiB), 'Upload-Length': String(MiB) },
    });
    const file = await randomFile(t.dir, 'clip.mp4', MiB);
    const error = await failure(uploadVideo(file.path, { token: 'stub-token', apiUrl: api.apiUrl }));
    expect(error).toBeInstanceOf(TusError);
    expect(error.code).toBe('E_TUS_PROTOCOL');
  });

  it('bad options → ConfigError before any request', async () => {
    const api = await startStub({ createUpload: () => ({}), headHeaders: {} });
    const file = await randomFile(t.dir, 'clip.mp4', MiB);
    const error = await failure(
      uploadVideo(file.path, { token: 'stub-token', apiUrl: api.apiUrl, chunkSizeBytes: 1000 }),
    );
    expect(error.code).toBe('E_CONFIG');
    expect(api.allRequests).toHaveLength(0);
  });
});
