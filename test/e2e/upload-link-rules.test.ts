/**
 * Which upload links the client follows (issue 11): https only, unless the API itself is plain
 * http on loopback; when the API is Vimeo's, only a Vimeo host. End to end, the API is reached over
 * https through a local TLS proxy (self-signed, made here with openssl) in front of the sandbox,
 * whose upload links are plain http: the client must refuse them before sending a byte.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uploadVideo } from '../../src/entry/create-upload.js';
import { TusError, type VimeoTusError } from '../../src/errors.js';
import { assertUploadLinkAllowed } from '../../src/vimeo/upload-link.js';
import { randomFile, rejection } from './helpers/engine-helpers.js';
import { closeServer, useEngineSandbox } from './helpers/use-engine-sandbox.js';

const t = useEngineSandbox();

let savedTlsSetting: string | undefined;
beforeEach(() => {
  savedTlsSetting = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
});
afterEach(() => {
  if (savedTlsSetting === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  else process.env.NODE_TLS_REJECT_UNAUTHORIZED = savedTlsSetting;
});

/** An https front for `targetUrl` on 127.0.0.1 with a throwaway self-signed certificate. */
async function httpsFront(targetUrl: string): Promise<string> {
  const key = join(t.dir, 'key.pem');
  const cert = join(t.dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ],
    { stdio: 'ignore', timeout: 30_000 },
  );
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) {
        headers[name] = value;
      }
    }
    const answer = await fetch(`${targetUrl}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    const body = Buffer.from(await answer.arrayBuffer());
    res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'text/plain' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.defer(() => closeServer(server as unknown as import('node:http').Server));
  // The test's own certificate: trusted for this test only.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('an https API with a plain-http upload link', () => {
  it('is refused before any byte is sent; the error names the host, never the link', async () => {
    const sandbox = await t.start();
    const apiUrl = await httpsFront(sandbox.apiUrl);
    const file = await randomFile(t.dir, 'clip.mp4', 20_000);
    const error = await rejection(uploadVideo(file.path, { token: sandbox.token, apiUrl }));
    expect(error).toBeInstanceOf(TusError);
    expect(error.code).toBe('E_UPLOAD_LINK_REFUSED');
    const state = await sandbox.state();
    const link = state.videos[0]?.uploadLink ?? '';
    expect(error.message).toContain(new URL(link).host);
    expect(error.message).toContain('not https');
    expect(error.message).not.toContain(link.split('/').at(-1) ?? 'no link');
    expect(error.videoUri).toBe(state.videos[0]?.uri);
    expect(state.counters.requests.patch ?? 0).toBe(0);
    expect(state.counters.requests.head ?? 0).toBe(0);
    expect(state.videos[0]?.storedBytes).toBe(0);
  });

  it('a create answer naming a foreign plain-http tus host: refused, the foreign host gets nothing', async () => {
    const sandbox = await t.start({ faults: { foreignUploadLinks: [{ kind: 'create' }] } });
    const apiUrl = await httpsFront(sandbox.apiUrl);
    const file = await randomFile(t.dir, 'clip.mp4', 20_000);
    const error = await rejection(uploadVideo(file.path, { token: sandbox.token, apiUrl }));
    expect(error.code).toBe('E_UPLOAD_LINK_REFUSED');
    const state = await sandbox.state();
    expect(state.foreignUploads.every((u) => u.storedBytes === 0)).toBe(true);
    const foreign = state.foreignUploads[0]?.uploadLink ?? '';
    expect(error.message).toContain(new URL(foreign).host);
    expect(error.message).not.toContain(foreign);
  });

  it('a resume target on plain http is refused too', async () => {
    const sandbox = await t.start();
    const apiUrl = await httpsFront(sandbox.apiUrl);
    const file = await randomFile(t.dir, 'clip.mp4', 20_000);
    const error = await rejection(
      uploadVideo(file.path, {
        token: sandbox.token,
        apiUrl,
        resume: { videoUri: '/videos/1', uploadLink: `${sandbox.uploadUrl}/files/${'a'.repeat(32)}` },
      }),
    );
    expect(error.code).toBe('E_UPLOAD_LINK_REFUSED');
    expect((await sandbox.state()).counters.requests.head ?? 0).toBe(0);
  });
});

describe('the rules', () => {
  const refused = (apiUrl: string, link: string): string | null => {
    try {
      assertUploadLinkAllowed(apiUrl, link, 'The answer');
      return null;
    } catch (error) {
      return (error as VimeoTusError).code;
    }
  };
  it.each([
    ['https://api.vimeo.com', 'https://us-files.tus.vimeo.com/files/vimeo-prod-src-tus-us/abc', null],
    ['https://api.vimeo.com', 'https://vimeo.com/files/abc', null],
    ['https://api.vimeo.com', 'https://files.tus.example.com/files/abc', 'E_UPLOAD_LINK_REFUSED'],
    ['https://api.vimeo.com', 'https://vimeo.com.evil.example/files/abc', 'E_UPLOAD_LINK_REFUSED'],
    ['https://api.vimeo.com', 'https://notvimeo.com/files/abc', 'E_UPLOAD_LINK_REFUSED'],
    ['https://api.vimeo.com', 'http://files.tus.vimeo.com/files/abc', 'E_UPLOAD_LINK_REFUSED'],
    ['https://vimeo.proxy.example', 'https://uploads.example/files/abc', null],
    ['https://vimeo.proxy.example', 'http://uploads.example/files/abc', 'E_UPLOAD_LINK_REFUSED'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8081/files/abc', null],
    ['http://localhost:8080', 'https://files.example/abc', null],
    ['http://127.0.0.1:8080', 'ftp://127.0.0.1/files/abc', 'E_UPLOAD_LINK_REFUSED'],
  ])('API %s, link %s → %s', (apiUrl, link, expected) => {
    expect(refused(apiUrl, link)).toBe(expected);
  });
});
