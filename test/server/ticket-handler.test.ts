/**
 * The server's half of a browser upload against the sandbox, over real HTTP: the ticket endpoint
 * checks bodies and authorization before any call to Vimeo, makes a video (or a version of an
 * unfinished one), answers no secret; its node:http adapter serves the same; confirmUpload uses
 * the verification rules.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VerificationError } from '../../src/errors.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { confirmUpload } from '../../src/server/confirm-upload.js';
import { createTicketHandler, type TicketHandler } from '../../src/server/ticket-handler.js';
import { createUploadTicket } from '../../src/server/upload-ticket.js';
import { head, patch, randomFile } from '../sandbox/helpers.js';

function post(handler: TicketHandler, body: unknown, init: RequestInit = {}): Promise<Response> {
  return handler(
    new Request('http://app.test/upload-ticket', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...init,
    }),
  );
}

describe('ticket endpoint, createUploadTicket and confirmUpload', () => {
  let sandbox: Sandbox;
  let handler: TicketHandler;
  let allowed: boolean;
  beforeEach(async () => {
    sandbox = await startSandbox();
    allowed = true;
    handler = createTicketHandler({
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      maxSizeBytes: 1000,
      authorize: () => allowed,
    });
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it('issues a link for a valid body, and nothing secret', async () => {
    const res = await post(handler, { size: 10, name: 'clip.mp4', type: 'video/mp4' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(sandbox.token);
    const body = JSON.parse(text) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['link', 'uploadLink', 'videoUri']);
    expect(body.uploadLink?.startsWith(`${sandbox.uploadUrl}/files/`)).toBe(true);
    const state = await sandbox.state();
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]).toMatchObject({ uri: body.videoUri, name: 'clip.mp4', sizeBytes: 10 });
  });

  it('refuses bad bodies before any call to Vimeo', async () => {
    const cases: [unknown, number][] = [
      [{ size: 0 }, 400],
      [{ size: 1.5 }, 400],
      [{ size: '10' }, 400],
      [{ size: 1001 }, 413],
      [{ size: 10, token: 'x' }, 400],
      [{ size: 10, name: 'x'.repeat(256) }, 400],
      [{ size: 10, replace: 'https://evil.test/videos/1' }, 400],
      [[10], 400],
      ['{not json', 400],
    ];
    for (const [body, status] of cases) {
      const res = await post(handler, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await res.json()) as { code: string }).toMatchObject({ code: 'E_BODY' });
    }
    expect((await handler(new Request('http://app.test/t', { method: 'GET' }))).status).toBe(405);
    const plain = await post(handler, { size: 10 }, { headers: { 'Content-Type': 'text/plain' } });
    expect(plain.status).toBe(415);
    allowed = false;
    expect((await post(handler, { size: 10 })).status).toBe(403);
    expect((await sandbox.state()).counters.createCalls).toBe(0);
  });

  it('a replace of an unfinished video makes a version of it; of a finished one, 409', async () => {
    const first = (await (await post(handler, { size: 10, name: 'a.mp4' })).json()) as Record<string, string>;
    const again = await post(handler, { size: 10, name: 'a.mp4', replace: first.videoUri });
    expect(again.status).toBe(200);
    const version = (await again.json()) as Record<string, string>;
    expect(version.videoUri).toBe(first.videoUri);
    expect(version.uploadLink).not.toBe(first.uploadLink);
    let state = await sandbox.state();
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]?.versions).toHaveLength(1);

    await patch(version.uploadLink ?? '', 0, randomFile(10));
    // upload.status turns complete a moment after the last byte.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refused = await post(handler, { size: 10, replace: first.videoUri });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { code: string }).code).toBe('E_REPLACE_FINISHED');
    state = await sandbox.state();
    expect(state.videos[0]?.versions).toHaveLength(1);
  });

  it('serves node:http through .node', async () => {
    const server: Server = createServer(handler.node);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload-ticket`;
      const ok = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ size: 10, name: 'n.mp4' }),
      });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { videoUri: string }).videoUri).toMatch(/^\/videos\/\d+$/);
      const bad = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ size: 5000 }),
      });
      expect(bad.status).toBe(413);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('createUploadTicket with replace keeps the video; confirmUpload says complete only when it is', async () => {
    const ticket = await createUploadTicket({
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      size: 10,
      video: { name: 'c' },
    });
    expect(ticket.link).toMatch(/^https:\/\/vimeo\.com\/\d+$/);
    const options = { token: sandbox.token, apiUrl: sandbox.apiUrl, videoUri: ticket.videoUri };
    await expect(confirmUpload({ ...options, size: 10 })).rejects.toMatchObject({ code: 'E_VERIFY_FAILED' });
    await patch(ticket.uploadLink, 0, randomFile(4));
    await expect(confirmUpload({ ...options, size: 10 })).rejects.toBeInstanceOf(VerificationError);
    await patch(ticket.uploadLink, 4, randomFile(6));
    expect((await head(ticket.uploadLink)).headers['upload-offset']).toBe('10');
    // The whole file is there, but not the size the server issued the ticket for: refused.
    await expect(confirmUpload({ ...options, size: 11 })).rejects.toMatchObject({ code: 'E_VERIFY_FAILED' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const report = await confirmUpload({ ...options, size: 10 });
    expect(report).toMatchObject({ complete: true, uploadOffset: 10, uploadLength: 10 });

    const version = await createUploadTicket({ ...options, size: 20, replace: ticket.videoUri });
    expect(version.videoUri).toBe(ticket.videoUri);
    expect(version.link).toBe(ticket.link);
  });
});
