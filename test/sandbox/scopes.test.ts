/**
 * Token scopes: every call that needs a scope the token lacks is refused as Vimeo refuses it
 * (403, 'Your access token does not have the "upload" scope'), before anything is done.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { api, createVideo } from './helpers.js';

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

async function withScopes(scopes: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  const sandbox = await startSandbox(scopes);
  sandboxes.push(sandbox);
  return sandbox;
}

function expectScopeRefusal(res: Awaited<ReturnType<typeof api>>, scope: string): void {
  expect(res.status).toBe(403);
  expect(res.body).toEqual({ error: `Your access token does not have the "${scope}" scope` });
  expect(res.headers.get('content-type')).toBe('application/vnd.vimeo.error+json');
}

describe('token scopes', () => {
  it('grants public, private, upload, edit and delete by default: the whole flow works', async () => {
    const sandbox = await withScopes();
    const video = await createVideo(sandbox, 10);
    const version = { file_name: 'b.mp4', upload: { approach: 'tus', size: 10 } };
    expect((await api(sandbox, 'POST', `${video.uri}/versions`, version)).status).toBe(201);
    expect((await api(sandbox, 'PATCH', video.uri, { name: 'x' })).status).toBe(200);
    expect((await api(sandbox, 'DELETE', video.uri)).status).toBe(204);
  });

  it('refuses a create without "upload" with 403 and creates nothing', async () => {
    const sandbox = await withScopes({ scopes: ['public', 'private', 'edit', 'delete'] });
    const res = await api(sandbox, 'POST', '/me/videos', { upload: { approach: 'tus', size: 5 } });
    expectScopeRefusal(res, 'upload');
    const state = await sandbox.state();
    expect(state.videos).toHaveLength(0);
    expect(state.counters.videosCreated).toBe(0);
    // Other calls still work with this token.
    expect((await api(sandbox, 'GET', '/me')).status).toBe(200);
  });

  it('needs "upload" and "edit" for a version, naming "upload" first when both are missing', async () => {
    const sandbox = await withScopes();
    const video = await createVideo(sandbox, 10);
    const body = { file_name: 'b.mp4', upload: { approach: 'tus', size: 10 } };
    sandbox.setOptions({ scopes: ['public', 'private'] });
    expectScopeRefusal(await api(sandbox, 'POST', `${video.uri}/versions`, body), 'upload');
    sandbox.setOptions({ scopes: ['public', 'private', 'upload'] });
    expectScopeRefusal(await api(sandbox, 'POST', `${video.uri}/versions`, body), 'edit');
    expect((await sandbox.state()).videos[0]?.versions).toHaveLength(0);
  });

  it('needs "edit" for PATCH /videos/{id} and "delete" for DELETE; nothing changes when refused', async () => {
    const sandbox = await withScopes();
    const video = await createVideo(sandbox, 10, 'Before');
    sandbox.setOptions({ scopes: ['public', 'private', 'upload'] });
    expectScopeRefusal(await api(sandbox, 'PATCH', video.uri, { name: 'After' }), 'edit');
    expectScopeRefusal(await api(sandbox, 'DELETE', video.uri), 'delete');
    const state = await sandbox.state();
    expect(state.videos.map((v) => v.name)).toEqual(['Before']);
    expect(state.deletedVideoIds).toEqual([]);
  });

  it('without "private", GET /me/videos lists only videos anybody may watch', async () => {
    const sandbox = await withScopes();
    const open = await createVideo(sandbox, 10, 'Open');
    const hidden = await api(sandbox, 'POST', '/me/videos', {
      upload: { approach: 'tus', size: 10 },
      name: 'Unlisted',
      privacy: { view: 'unlisted' },
    });
    const all = await api(sandbox, 'GET', '/me/videos?fields=uri');
    expect(all.body.total).toBe(2);
    sandbox.setOptions({ scopes: ['public', 'upload', 'edit', 'delete'] });
    const publicOnly = await api(sandbox, 'GET', '/me/videos?fields=uri');
    expect(publicOnly.body.total).toBe(1);
    expect(publicOnly.body.data).toEqual([{ uri: open.uri }]);
    // The video itself is still there for a direct GET.
    expect((await api(sandbox, 'GET', String(hidden.body.uri))).status).toBe(200);
  });

  it('refuses unknown scope names', async () => {
    await expect(startSandbox({ scopes: ['upload', 'fly' as 'upload'] })).rejects.toThrow(/fly/);
  });
});
