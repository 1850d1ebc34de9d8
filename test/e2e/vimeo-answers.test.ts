/**
 * Vimeo's answers handled as Vimeo sends them (issue 11): a token without the `upload` scope, the
 * fields asked of a version call, and error bodies that quote the upload id bare or URL-encoded.
 * Real HTTP against the sandbox on 127.0.0.1.
 */
import { describe, expect, it } from 'vitest';
import { uploadVideo } from '../../src/entry/create-upload.js';
import { VimeoApiError, type VimeoTusError } from '../../src/errors.js';
import { VimeoClient } from '../../src/vimeo/client.js';
import { startApiProxy } from '../resume/api-proxy.js';
import { randomFile, rejection } from './helpers/engine-helpers.js';
import { useEngineSandbox } from './helpers/use-engine-sandbox.js';

const t = useEngineSandbox();

describe('a token without the upload scope', () => {
  it('is E_AUTH naming the missing scope and how to get it; no video is made', async () => {
    const sandbox = await t.start({ scopes: ['public', 'private', 'edit', 'delete'] });
    const file = await randomFile(t.dir, 'clip.mp4', 5000);
    const error = await rejection(uploadVideo(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl }));
    expect(error).toBeInstanceOf(VimeoApiError);
    expect(error.code).toBe('E_AUTH');
    expect(error.status).toBe(403);
    expect(error.message).toContain('lacks the `upload` scope');
    expect(error.message).toContain('https://developer.vimeo.com/apps');
    expect((await sandbox.state()).videos).toHaveLength(0);
  });

  it('a replace with a token without `edit` names `edit`', async () => {
    const sandbox = await t.start({ scopes: ['public', 'private', 'upload'] });
    const file = await randomFile(t.dir, 'clip.mp4', 5000);
    const first = await uploadVideo(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl });
    const error = await rejection(
      uploadVideo(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl, replace: first.videoUri }),
    );
    expect(error.code).toBe('E_AUTH');
    expect(error.message).toContain('lacks the `edit` scope');
  });
});

describe('the version call', () => {
  it('asks for ?fields=uri,upload and still replaces the file', async () => {
    const sandbox = await t.start();
    const proxy = await startApiProxy(sandbox.apiUrl);
    t.defer(() => proxy.close());
    const seen: string[] = [];
    proxy.setHold((request) => {
      seen.push(`${request.method} ${request.path}`);
      return false;
    });
    const file = await randomFile(t.dir, 'clip.mp4', 5000);
    const first = await uploadVideo(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl });
    const v2 = await randomFile(t.dir, 'v2.mp4', 7000);
    const result = await uploadVideo(v2.path, {
      token: sandbox.token,
      apiUrl: proxy.url,
      replace: first.videoUri,
    });
    expect(result.videoUri).toBe(first.videoUri);
    const versionCalls = seen.filter((line) => line.startsWith('POST ') && line.includes('/versions'));
    expect(versionCalls).toEqual([`POST ${first.videoUri}/versions?fields=uri,upload`]);
  });
});

describe('error bodies that quote the upload id', () => {
  function expectNoUploadId(error: VimeoTusError, uploadLink: string): void {
    const id = uploadLink.split('/').at(-1) ?? '';
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const shown = `${error.message}\n${JSON.stringify(error)}\n${error.developerMessage ?? ''}`;
    expect(shown).not.toContain(id);
    expect(shown).not.toContain(encodeURIComponent(uploadLink));
    expect(shown).toContain('[redacted]');
  }

  it('from the upload host (a refused PATCH): neither the id nor the encoded link is shown', async () => {
    const sandbox = await t.start({
      faults: { quoteUploadIdInErrors: true, status: [{ kind: 'patch', status: 400 }] },
    });
    const file = await randomFile(t.dir, 'clip.mp4', 5000);
    const error = await rejection(uploadVideo(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl }));
    const link = (await sandbox.state()).videos[0]?.uploadLink ?? '';
    expectNoUploadId(error, link);
  });

  it('from the API host (an error about the video): neither the id nor the encoded link is shown', async () => {
    const sandbox = await t.start({
      faults: {
        quoteUploadIdInErrors: true,
        status: [{ kind: 'get-video', status: 400, count: Number.POSITIVE_INFINITY }],
      },
    });
    const file = await randomFile(t.dir, 'clip.mp4', 5000);
    const error = await rejection(uploadVideo(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl }));
    expect(error.status).toBe(400);
    const link = (await sandbox.state()).videos[0]?.uploadLink ?? '';
    expectNoUploadId(error, link);
  });

  it('a link the client was only told of (a resume target) is redacted from API errors too', async () => {
    const sandbox = await t.start();
    const file = await randomFile(t.dir, 'clip.mp4', 5000);
    const first = await uploadVideo(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl });
    const link = (await sandbox.state()).videos[0]?.uploadLink ?? '';
    sandbox.setFaults({ quoteUploadIdInErrors: true, status: [{ kind: 'get-video', status: 400 }] });
    const client = new VimeoClient({ token: sandbox.token, apiUrl: sandbox.apiUrl });
    client.protectUploadLink(link);
    const error = await rejection(client.getVideo({ videoUri: first.videoUri }));
    expectNoUploadId(error, link);
  });
});

describe('privacy "password"', () => {
  it('needs a password: ConfigError before anything is sent (create and edit); a password alone sets the view', async () => {
    const sandbox = await t.start();
    const client = new VimeoClient({ token: sandbox.token, apiUrl: sandbox.apiUrl });
    const noPassword = await rejection(
      client.createVideo({ sizeBytes: 10, video: { privacy: { view: 'password' } } }),
    );
    expect(noPassword.code).toBe('E_CONFIG');
    const created = await client.createVideo({ sizeBytes: 10, video: { password: 'open-sesame-1' } });
    const edit = await rejection(
      client.editVideo({ videoUri: created.videoUri, video: { privacy: { view: 'password' } } }),
    );
    expect(edit.code).toBe('E_CONFIG');
    const mixed = await rejection(
      client.editVideo({
        videoUri: created.videoUri,
        video: { privacy: { view: 'unlisted' }, password: 'x1' },
      }),
    );
    expect(mixed.code).toBe('E_CONFIG');
    const state = await sandbox.state();
    expect(state.counters.requests).toEqual({ create: 1 });
    expect(state.videos[0]).toMatchObject({ privacyView: 'password', password: 'open-sesame-1' });
  });

  it('the sandbox refuses the view without a password as Vimeo does (400, 2204, field password)', async () => {
    const sandbox = await t.start();
    const answer = await fetch(`${sandbox.apiUrl}/me/videos`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${sandbox.token}`,
        'Content-Type': 'application/json',
        Accept: 'application/vnd.vimeo.*+json;version=3.4',
      },
      body: JSON.stringify({ upload: { approach: 'tus', size: 10 }, privacy: { view: 'password' } }),
    });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { error_code: number; invalid_parameters: { field: string }[] };
    expect(body.error_code).toBe(2204);
    expect(body.invalid_parameters[0]?.field).toBe('password');
    expect((await sandbox.state()).videos).toHaveLength(0);
  });
});
