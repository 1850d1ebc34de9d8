/**
 * CORS as Vimeo's hosts answer it: the upload host lets any page send HEAD/PATCH with the tus
 * headers and read the offsets (also on error answers, so a page can tell a dead link from a
 * network failure); the API host answers no CORS, so a page can never use the token.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { createVideo, raw } from './helpers.js';

const ORIGIN = { Origin: 'http://127.0.0.1:9999' };

describe('sandbox CORS', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox();
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it('the upload host answers a preflight allowing the tus methods and headers', async () => {
    const video = await createVideo(sandbox, 10);
    const res = await raw(video.uploadLink, 'OPTIONS', {
      ...ORIGIN,
      'Access-Control-Request-Method': 'PATCH',
      'Access-Control-Request-Headers': 'tus-resumable, upload-offset, content-type',
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(String(res.headers['access-control-allow-methods']).split(', ')).toEqual(
      expect.arrayContaining(['HEAD', 'PATCH']),
    );
    expect(String(res.headers['access-control-allow-headers']).split(', ').sort()).toEqual([
      'Content-Type',
      'Tus-Resumable',
      'Upload-Offset',
    ]);
  });

  it('the upload host exposes Upload-Offset and Upload-Length, on success and on a dead link', async () => {
    const video = await createVideo(sandbox, 10);
    const ok = await raw(video.uploadLink, 'HEAD', { ...ORIGIN, 'Tus-Resumable': '1.0.0' });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('*');
    const exposed = String(ok.headers['access-control-expose-headers']).split(', ');
    expect(exposed).toEqual(expect.arrayContaining(['Upload-Offset', 'Upload-Length']));
    const dead = await raw(`${sandbox.uploadUrl}/files/${'0'.repeat(32)}`, 'HEAD', {
      ...ORIGIN,
      'Tus-Resumable': '1.0.0',
    });
    expect(dead.status).toBe(404);
    expect(dead.headers['access-control-allow-origin']).toBe('*');
  });

  it('the upload host adds no CORS headers to a request without Origin', async () => {
    const video = await createVideo(sandbox, 10);
    const res = await raw(video.uploadLink, 'HEAD', { 'Tus-Resumable': '1.0.0' });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('the API host answers no CORS: no preflight, no Allow-Origin', async () => {
    const preflight = await raw(`${sandbox.apiUrl}/me/videos`, 'OPTIONS', {
      ...ORIGIN,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization, content-type',
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
    const me = await raw(`${sandbox.apiUrl}/me`, 'GET', {
      ...ORIGIN,
      Authorization: `Bearer ${sandbox.token}`,
    });
    expect(me.status).toBe(200);
    expect(me.headers['access-control-allow-origin']).toBeUndefined();
  });
});
