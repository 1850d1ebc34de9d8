import { appendFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { uploadVideo } from '../../src/entry/create-upload.js';
import { FileError, LedgerError, VerificationError } from '../../src/errors.js';
import { MiB, randomFile, runEngine } from './helpers/engine-helpers.js';
import { useEngineSandbox } from './helpers/use-engine-sandbox.js';

const t = useEngineSandbox();

describe('engine edge cases', () => {
  it('stops with E_PROCESSING_TIMEOUT when Vimeo keeps processing', async () => {
    const sandbox = await t.start({ transcodeDelayMs: 600_000 });
    const file = await randomFile(t.dir, 'clip.mp4', MiB);
    const error = await uploadVideo(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      waitForProcessing: { timeoutMs: 300, pollIntervalMs: 20 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationError);
    expect(error).toMatchObject({ code: 'E_PROCESSING_TIMEOUT' });
    // The bytes themselves are all there: only the processing wait gave up.
    const state = await sandbox.state();
    expect(state.videos[0]?.sha256).toBe(file.sha256);
  });

  it('stops with E_FILE_CHANGED when the file grows during the upload', async () => {
    const sandbox = await t.start();
    const file = await randomFile(t.dir, 'growing.mp4', 3 * MiB);
    let appended = false;
    const error = await runEngine(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      chunkSizeBytes: MiB,
      hooks: {
        onAcked: async () => {
          if (!appended) {
            appended = true;
            await appendFile(file.path, 'more bytes');
          }
        },
      },
    }).done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect(error).toMatchObject({ code: 'E_FILE_CHANGED' });
    expect((await sandbox.state()).videos).toHaveLength(1);
  });

  it('a failing hook ends the upload at once with a LedgerError (not retried)', async () => {
    const sandbox = await t.start();
    const file = await randomFile(t.dir, 'clip.mp4', 2 * MiB);
    let calls = 0;
    const error = await runEngine(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      chunkSizeBytes: MiB,
      hooks: {
        onAcked: () => {
          calls++;
          throw new Error('disk full');
        },
      },
    }).done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as Error).message).toContain('disk full');
    expect(calls).toBe(1);
  });

  it('a beforeCreate hook that fails prevents the create call', async () => {
    const sandbox = await t.start();
    const file = await randomFile(t.dir, 'clip.mp4', MiB);
    const error = await runEngine(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      hooks: {
        beforeCreate: async () => {
          throw new Error('ledger locked');
        },
      },
    }).done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerError);
    expect((await sandbox.state()).counters.createCalls).toBe(0);
  });

  it('E_VERIFY_FAILED when the final HEAD does not show every byte', async () => {
    const file = await randomFile(t.dir, 'clip.mp4', MiB);
    let heads = 0;
    const server = createServer((req, res) => {
      req.resume();
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (req.method === 'PATCH') {
        // The PATCH (sent without a HEAD: the video is new) reports every byte...
        res.writeHead(204, { 'Tus-Resumable': '1.0.0', 'Upload-Offset': String(file.sizeBytes) }).end();
        return;
      }
      if (req.method === 'HEAD') {
        heads++;
        // ...but the verify HEAD sees bytes missing.
        res.writeHead(200, {
          'Tus-Resumable': '1.0.0',
          'Upload-Offset': String(file.sizeBytes - 10),
          'Upload-Length': String(file.sizeBytes),
        });
        res.end();
        return;
      }
      const body = {
        uri: '/videos/5',
        link: 'https://vimeo.com/5',
        upload: {
          approach: 'tus',
          status: 'in_progress',
          upload_link: `${base}/files/0123456789abcdef0123456789abcdef`,
        },
        transcode: { status: 'in_progress' },
      };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    await t.listen(server);
    const error = await uploadVideo(file.path, {
      token: 'stub-token',
      apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationError);
    expect(error).toMatchObject({ code: 'E_VERIFY_FAILED' });
    expect(heads).toBe(1);
  });
});
