import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { api, createVideo, head, patch, randomFile, videoState, waitUntil } from './helpers.js';

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await startSandbox({ uploadCompleteDelayMs: 50, transcodeDelayMs: 50 });
});
afterEach(async () => {
  await sandbox.close();
});

describe('POST /me/videos', () => {
  it('creates a video with a tus upload link on the upload host', async () => {
    const res = await api(sandbox, 'POST', '/me/videos', {
      upload: { approach: 'tus', size: 1234 },
      name: 'Talk',
      privacy: { view: 'unlisted' },
    });
    expect(res.status).toBe(200);
    expect(res.body.uri).toMatch(/^\/videos\/\d+$/);
    expect(res.body.name).toBe('Talk');
    expect(res.body.link).toEqual(expect.any(String));
    expect(res.body.privacy).toEqual({ view: 'unlisted' });
    const upload = res.body.upload as Record<string, unknown>;
    expect(upload.status).toBe('in_progress');
    expect(upload.approach).toBe('tus');
    expect(upload.size).toBe(1234);
    expect(upload.upload_link).toMatch(new RegExp(`^${sandbox.uploadUrl}/files/[0-9a-f]{32}$`));
    expect(res.body.transcode).toEqual({ status: 'in_progress' });
    const state = await sandbox.state();
    expect(state.counters.createCalls).toBe(1);
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]?.sizeBytes).toBe(1234);
    expect(state.videos[0]?.storedBytes).toBe(0);
  });

  it('accepts the size as a numeric string and names the video Untitled by default', async () => {
    const res = await api(sandbox, 'POST', '/me/videos', { upload: { approach: 'tus', size: '77' } });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Untitled');
    expect((res.body.upload as { size: number }).size).toBe(77);
  });

  it('filters the POST response with ?fields= (nested)', async () => {
    const res = await api(sandbox, 'POST', '/me/videos?fields=uri,upload.upload_link,transcode.status', {
      upload: { approach: 'tus', size: 10 },
    });
    expect(Object.keys(res.body).sort()).toEqual(['transcode', 'upload', 'uri']);
    expect(Object.keys(res.body.upload as object)).toEqual(['upload_link']);
    expect(res.body.transcode).toEqual({ status: 'in_progress' });
  });

  it('answers 201 when configured so', async () => {
    sandbox.setOptions({ createStatus: 201 });
    const res = await api(sandbox, 'POST', '/me/videos', { upload: { approach: 'tus', size: 10 } });
    expect(res.status).toBe(201);
  });

  it('refuses other approaches with 400/2230 and creates nothing', async () => {
    for (const upload of [{ approach: 'post', size: 10 }, { size: 10 }]) {
      const res = await api(sandbox, 'POST', '/me/videos', { upload });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe(2230);
      expect(res.headers.get('content-type')).toBe('application/vnd.vimeo.error+json');
    }
    expect((await sandbox.state()).videos).toHaveLength(0);
  });

  it('refuses a missing or non-positive size with 400/2204 and invalid_parameters', async () => {
    for (const size of [undefined, 0, -5, 1.5, 'abc']) {
      const res = await api(sandbox, 'POST', '/me/videos', { upload: { approach: 'tus', size } });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe(2204);
      const params = res.body.invalid_parameters as { field: string; error_code: number }[];
      expect(params[0]).toMatchObject({ field: 'upload.size', error_code: 2204 });
    }
    expect((await sandbox.state()).videos).toHaveLength(0);
  });

  it('refuses a malformed body with 400/2205', async () => {
    const res = await api(sandbox, 'POST', '/me/videos', undefined, { rawBody: '{"upload": ' });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe(2205);
    expect(res.body.developer_message).toEqual(expect.any(String));
    expect(res.body).toHaveProperty('link', null);
  });
});

describe('auth and rate limit', () => {
  it('answers 401/8003 without credentials and 401/8000 to a wrong token, both with WWW-Authenticate', async () => {
    for (const [token, code] of [
      [null, 8003],
      ['wrong', 8000],
    ] as const) {
      const res = await api(sandbox, 'GET', '/me', undefined, { token });
      expect(res.status).toBe(401);
      expect(res.body.error_code).toBe(code);
      expect(res.headers.get('content-type')).toBe('application/vnd.vimeo.error+json');
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(res.headers.get('x-ratelimit-limit')).not.toBeNull();
    }
    const basic = await fetch(`${sandbox.apiUrl}/me`, { headers: { Authorization: 'Basic abc' } });
    expect(((await basic.json()) as { error_code: number }).error_code).toBe(8003);
    for (const token of [null, 'wrong']) {
      const create = await api(
        sandbox,
        'POST',
        '/me/videos',
        { upload: { approach: 'tus', size: 5 } },
        { token },
      );
      expect(create.status).toBe(401);
    }
    expect((await sandbox.state()).videos).toHaveLength(0);
  });

  it('sends X-RateLimit-* on every response and 429 over the limit', async () => {
    sandbox.setOptions({ rateLimit: 3, rateLimitWindowMs: 600_000 });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api(sandbox, 'GET', '/me');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('3');
      expect(res.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
      remaining.push(res.headers.get('x-ratelimit-remaining') ?? '');
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await api(sandbox, 'GET', '/me');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.error_code).toBe(9000);
  });

  it('can write X-RateLimit-Reset as Unix seconds', async () => {
    sandbox.setOptions({ rateLimitResetFormat: 'unix' });
    const res = await api(sandbox, 'GET', '/me');
    expect(res.headers.get('x-ratelimit-reset')).toMatch(/^\d{10}$/);
  });
});

describe('quota', () => {
  it('refuses a create beyond the byte quota with 403/4101 and creates nothing', async () => {
    sandbox.setOptions({ quotaBytes: 1000 });
    await createVideo(sandbox, 600);
    const res = await api(sandbox, 'POST', '/me/videos', { upload: { approach: 'tus', size: 500 } });
    expect(res.status).toBe(403);
    expect(res.body.error_code).toBe(4101);
    const state = await sandbox.state();
    expect(state.videos).toHaveLength(1);
    expect(state.counters.createCalls).toBe(2);
    expect(state.counters.videosCreated).toBe(1);
  });

  it('refuses a create beyond the video-count quota with 403/4102', async () => {
    sandbox.setOptions({ quotaVideos: 1 });
    await createVideo(sandbox, 10);
    const res = await api(sandbox, 'POST', '/me/videos', { upload: { approach: 'tus', size: 10 } });
    expect(res.status).toBe(403);
    expect(res.body.error_code).toBe(4102);
    expect((await sandbox.state()).videos).toHaveLength(1);
  });

  it('reports upload_quota and the user uri on GET /me', async () => {
    sandbox.setOptions({ quotaBytes: 5000 });
    await createVideo(sandbox, 1200);
    const res = await api(sandbox, 'GET', '/me');
    expect(res.status).toBe(200);
    expect(res.body.uri).toMatch(/^\/users\/\d+$/);
    const quota = res.body.upload_quota as Record<string, Record<string, unknown>>;
    expect(quota.space).toMatchObject({ max: 5000, used: 1200, free: 3800, unit: 'video_size' });
    expect(quota.periodic).toMatchObject({ period: 'week', max: 5000 });
    expect(quota.lifetime).toMatchObject({ used: 1200 });
    const filtered = await api(sandbox, 'GET', '/me?fields=upload_quota.space.free');
    expect(filtered.body).toEqual({ upload_quota: { space: { free: 3800 } } });
  });

  it('reports a video-count quota in video_count units, unlimited as null', async () => {
    const unlimited = await api(sandbox, 'GET', '/me?fields=upload_quota.space');
    expect(unlimited.body).toMatchObject({ upload_quota: { space: { max: null, free: null } } });
    sandbox.setOptions({ quotaVideos: 3 });
    await createVideo(sandbox, 10);
    const res = await api(sandbox, 'GET', '/me?fields=upload_quota.space');
    expect(res.body).toMatchObject({
      upload_quota: { space: { unit: 'video_count', max: 3, used: 1, free: 2 } },
    });
  });
});

describe('/videos/{id}', () => {
  it('GETs a video, filtered with nested fields', async () => {
    const video = await createVideo(sandbox, 100, 'Clip');
    const full = await api(sandbox, 'GET', video.uri);
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({
      uri: video.uri,
      name: 'Clip',
      upload: { upload_link: video.uploadLink },
    });
    expect(full.body.created_time).toEqual(expect.any(String));
    const res = await api(sandbox, 'GET', `${video.uri}?fields=uri,upload.status,transcode.status`);
    expect(res.body).toEqual({
      uri: video.uri,
      upload: { status: 'in_progress' },
      transcode: { status: 'in_progress' },
    });
  });

  it('answers 404 with the legacy body for an unknown video', async () => {
    const res = await api(sandbox, 'GET', '/videos/999');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: expect.any(String) });
  });

  it('PATCHes metadata (nested merge) and returns the video', async () => {
    const video = await createVideo(sandbox, 100, 'Before');
    const res = await api(sandbox, 'PATCH', video.uri, { name: 'After', privacy: { view: 'disable' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'After', privacy: { view: 'disable' } });
    const again = await api(sandbox, 'GET', `${video.uri}?fields=name`);
    expect(again.body).toEqual({ name: 'After' });
  });

  it('DELETEs a video (204): it disappears and its upload link dies', async () => {
    const video = await createVideo(sandbox, 100);
    expect((await head(video.uploadLink)).status).toBe(200);
    const res = await api(sandbox, 'DELETE', video.uri);
    expect(res.status).toBe(204);
    expect((await api(sandbox, 'GET', video.uri)).status).toBe(404);
    expect((await head(video.uploadLink)).status).toBe(404);
    const state = await sandbox.state();
    expect(state.videos).toHaveLength(0);
    expect(state.deletedVideoIds).toEqual([video.id]);
  });

  it('moves upload.status and transcode.status to complete after all bytes arrived', async () => {
    const bytes = randomFile(2048);
    const video = await createVideo(sandbox, bytes.length);
    expect((await patch(video.uploadLink, 0, bytes.subarray(0, 1000))).status).toBe(204);
    const partial = await api(sandbox, 'GET', `${video.uri}?fields=upload.status,transcode.status,status`);
    expect(partial.body).toEqual({
      upload: { status: 'in_progress' },
      transcode: { status: 'in_progress' },
      status: 'uploading',
    });
    expect((await patch(video.uploadLink, 1000, bytes.subarray(1000))).status).toBe(204);
    const seen = new Set<string>();
    await waitUntil(async () => {
      const res = await api(sandbox, 'GET', `${video.uri}?fields=upload.status,transcode.status`);
      const body = res.body as { upload: { status: string }; transcode: { status: string } };
      seen.add(`${body.upload.status}/${body.transcode.status}`);
      return body.transcode.status === 'complete';
    });
    expect([...seen].at(-1)).toBe('complete/complete');
    const state = await videoState(sandbox, video.id);
    expect(state).toMatchObject({ uploadStatus: 'complete', transcodeStatus: 'complete', storedBytes: 2048 });
  });

  it('ends in transcode error when configured so', async () => {
    sandbox.setOptions({ transcodeOutcome: 'error', uploadCompleteDelayMs: 0, transcodeDelayMs: 0 });
    const bytes = randomFile(10);
    const video = await createVideo(sandbox, bytes.length);
    await patch(video.uploadLink, 0, bytes);
    const res = await api(sandbox, 'GET', `${video.uri}?fields=upload.status,transcode.status`);
    expect(res.body).toEqual({ upload: { status: 'complete' }, transcode: { status: 'error' } });
  });
});

describe('GET /me/videos', () => {
  it('lists videos newest first, paged with paging.next, fields applied to each item', async () => {
    const uris: string[] = [];
    for (let i = 0; i < 5; i++) uris.push((await createVideo(sandbox, 10, `v${i}`)).uri);
    const page1 = await api(sandbox, 'GET', '/me/videos?per_page=2&fields=uri,name,created_time');
    expect(page1.status).toBe(200);
    expect(page1.body.total).toBe(5);
    const data1 = page1.body.data as { uri: string; name: string; created_time: string }[];
    expect(data1.map((v) => v.uri)).toEqual([uris[4], uris[3]]);
    expect(Object.keys(data1[0] ?? {}).sort()).toEqual(['created_time', 'name', 'uri']);
    const paging = page1.body.paging as { next: string | null };
    expect(paging.next).toBe('/me/videos?page=2&per_page=2');
    const page3 = await api(sandbox, 'GET', '/me/videos?per_page=2&page=3');
    expect((page3.body.data as { uri: string }[]).map((v) => v.uri)).toEqual([uris[0]]);
    expect((page3.body.paging as { next: string | null }).next).toBeNull();
  });
});

describe('POST /videos/{id}/versions', () => {
  it('answers 201 with a version that has its own fresh upload link for the same video', async () => {
    const video = await createVideo(sandbox, 100);
    const res = await api(sandbox, 'POST', `${video.uri}/versions`, {
      file_name: 'rev2.mp4',
      upload: { approach: 'tus', size: 300 },
    });
    expect(res.status).toBe(201);
    expect(res.body.uri).toMatch(new RegExp(`^${video.uri}/versions/\\d+$`));
    expect(res.body.active).toBe(false);
    const link = (res.body.upload as { upload_link: string }).upload_link;
    expect(link).toMatch(/\/files\/[0-9a-f]{32}$/);
    expect(link).not.toBe(video.uploadLink);
    const headRes = await head(link);
    expect(headRes.headers['upload-length']).toBe('300');
    const bytes = randomFile(300);
    expect((await patch(link, 0, bytes)).status).toBe(204);
    const state = await videoState(sandbox, video.id);
    expect(state.versions).toHaveLength(1);
    expect(state.storedBytes).toBe(300);
    expect((await sandbox.state()).videos).toHaveLength(1);
    const got = await api(sandbox, 'GET', `${video.uri}?fields=upload.upload_link`);
    expect(got.body).toEqual({ upload: { upload_link: link } });
  });

  it('names the file `filename` in the version resource and honours ?fields=uri,upload', async () => {
    const video = await createVideo(sandbox, 100);
    const body = { file_name: 'rev2.mp4', upload: { approach: 'tus', size: 50 } };
    const full = await api(sandbox, 'POST', `${video.uri}/versions`, body);
    expect(full.body.filename).toBe('rev2.mp4');
    expect(full.body).not.toHaveProperty('file_name');
    const trimmed = await api(sandbox, 'POST', `${video.uri}/versions?fields=uri,upload`, body);
    expect(trimmed.status).toBe(201);
    expect(Object.keys(trimmed.body).sort()).toEqual(['upload', 'uri']);
    expect(trimmed.body.upload).toMatchObject({ approach: 'tus', size: 50, status: 'in_progress' });
    expect((trimmed.body.upload as { upload_link: string }).upload_link).toMatch(/\/files\/[0-9a-f]{32}$/);
  });

  it('validates the version body and answers 404 for an unknown video', async () => {
    const video = await createVideo(sandbox, 100);
    const bad = await api(sandbox, 'POST', `${video.uri}/versions`, { upload: { approach: 'tus', size: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe(2204);
    const unknown = await api(sandbox, 'POST', '/videos/1/versions', {
      upload: { approach: 'tus', size: 5 },
    });
    expect(unknown.status).toBe(404);
  });
});

describe('version header', () => {
  it('answers 400/3116 to uploads without version=3.4 when required', async () => {
    sandbox.setOptions({ requireVersionHeader: true });
    const body = JSON.stringify({ upload: { approach: 'tus', size: 5 } });
    const headers = { Authorization: `Bearer ${sandbox.token}`, 'Content-Type': 'application/json' };
    const bare = await fetch(`${sandbox.apiUrl}/me/videos`, { method: 'POST', headers, body });
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as { error_code: number }).error_code).toBe(3116);
    // The helper sends the 3.4 Accept header.
    await createVideo(sandbox, 5);
    expect((await sandbox.state()).videos).toHaveLength(1);
  });
});

describe('introspection', () => {
  it('counts API requests that carry tus headers', async () => {
    await fetch(`${sandbox.apiUrl}/me`, {
      headers: { Authorization: `Bearer ${sandbox.token}`, 'Tus-Resumable': '1.0.0' },
    });
    await api(sandbox, 'GET', '/me');
    expect((await sandbox.state()).counters.apiRequestsWithTusHeaders).toBe(1);
  });

  it('can skip hashing (state({ hashes: false }) and ?hashes=false)', async () => {
    const video = await createVideo(sandbox, 10);
    await patch(video.uploadLink, 0, randomFile(4));
    const cheap = await sandbox.state({ hashes: false });
    expect(cheap.videos[0]).toMatchObject({ storedBytes: 4, sha256: null });
    const res = await fetch(`${sandbox.apiUrl}/__sandbox/state?hashes=false`);
    expect(((await res.json()) as { videos: { sha256: string | null }[] }).videos[0]?.sha256).toBeNull();
    expect((await sandbox.state()).videos[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves GET /__sandbox/state without auth, same as state()', async () => {
    await createVideo(sandbox, 10);
    const res = await fetch(`${sandbox.apiUrl}/__sandbox/state`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { videos: unknown[]; counters: { createCalls: number } };
    expect(body).toEqual(await sandbox.state());
    expect(body.counters.createCalls).toBe(1);
  });
});
