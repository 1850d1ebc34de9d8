/**
 * The quoteUploadIdInErrors fault: error answers of both hosts quote the upload id, bare and inside
 * the URL-encoded upload link, so a client's redaction can be tested against both forms.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { api, createVideo, patch, randomFile, raw } from './helpers.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.close();
});

function quotes(text: string, link: string): boolean {
  const id = link.split('/').at(-1) ?? '';
  return text.includes(id) && text.includes(encodeURIComponent(link));
}

describe('error answers quoting the upload id', () => {
  it('are plain by default', async () => {
    const video = await createVideo(sandbox, 10);
    const conflict = await patch(video.uploadLink, 5, randomFile(5));
    expect(conflict.status).toBe(409);
    expect(conflict.body).toBe('mismatched offset\n');
  });

  it('quote it on the upload host: 409, 412, injected status, 405, expired and deleted links', async () => {
    sandbox.setFaults({ quoteUploadIdInErrors: true, status: [{ kind: 'patch', nth: 2, status: 503 }] });
    const video = await createVideo(sandbox, 10);
    const link = video.uploadLink;
    const conflict = await patch(link, 5, randomFile(5));
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatch(/^mismatched offset \(upload [0-9a-f]{32}, http%3A%2F%2F127\.0\.0\.1%3A/);
    expect(quotes(conflict.body, link)).toBe(true);
    const injected = await patch(link, 0, randomFile(5));
    expect(injected.status).toBe(503);
    expect(quotes(injected.body, link)).toBe(true);
    const version = await patch(link, 0, randomFile(5), { 'Tus-Resumable': '0.2.2' });
    expect(version.status).toBe(412);
    expect(quotes(version.body, link)).toBe(true);
    const post = await raw(link, 'POST', {});
    expect(post.status).toBe(405);
    expect(quotes(post.body, link)).toBe(true);
    sandbox.setFaults({ quoteUploadIdInErrors: true, linkTtlMs: 0 });
    const expired = await patch(link, 0, randomFile(5));
    expect(expired.status).toBe(404);
    expect(expired.body.startsWith('Upload link expired (upload ')).toBe(true);
    sandbox.setFaults({ quoteUploadIdInErrors: true });
    expect((await api(sandbox, 'DELETE', video.uri)).status).toBe(204);
    const gone = await patch(link, 0, randomFile(5));
    expect(gone.status).toBe(404);
    expect(quotes(gone.body, link)).toBe(true);
  });

  it('quote the current upload in API errors about an existing video', async () => {
    const video = await createVideo(sandbox, 10);
    sandbox.setFaults({
      quoteUploadIdInErrors: true,
      status: [
        { kind: 'get-video', nth: 1, status: 500 },
        { kind: 'version', nth: 1, status: 503 },
      ],
    });
    const got = await api(sandbox, 'GET', video.uri);
    expect(got.status).toBe(500);
    expect(quotes(String(got.body.developer_message), video.uploadLink)).toBe(true);
    const version = await api(sandbox, 'POST', `${video.uri}/versions`, {
      file_name: 'b.mp4',
      upload: { approach: 'tus', size: 10 },
    });
    expect(version.status).toBe(503);
    expect(quotes(String(version.body.developer_message), video.uploadLink)).toBe(true);
    // No video, nothing to quote.
    const unknown = await api(sandbox, 'GET', '/videos/1');
    expect(unknown.body).toEqual({ error: "The requested video couldn't be found." });
  });
});
