import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  ConfigError,
  CreateOutcomeUnknownError,
  NetworkError,
  TusError,
  VimeoApiError,
} from '../../src/errors.js';
import type { RetryEvent } from '../../src/upload/types.js';
import { VIMEO_ACCEPT, VimeoClient } from '../../src/vimeo/client.js';
import {
  type Handler,
  json,
  resetAfterRequest,
  type ScriptServer,
  startScriptServer,
} from './script-server.js';

const TOKEN = 'tok_0123456789abcdef';
const UPLOAD_LINK = 'http://127.0.0.1:9/files/0123456789abcdef0123456789abcdef';
const CREATED = {
  uri: '/videos/42',
  name: 'Talk',
  link: 'https://vimeo.com/42',
  upload: { status: 'in_progress', approach: 'tus', size: 1000, upload_link: UPLOAD_LINK },
  transcode: { status: 'in_progress' },
};
const FAST_RETRY = { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 4 };

let server: ScriptServer;
beforeAll(async () => {
  server = await startScriptServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

function client(extra: Partial<ConstructorParameters<typeof VimeoClient>[0]> = {}): VimeoClient {
  return new VimeoClient({ token: TOKEN, apiUrl: server.url, retry: FAST_RETRY, ...extra });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('VimeoClient.createVideo', () => {
  it('posts a tus create with the version header, bearer token, JSON body and fields', async () => {
    server.script(
      json(200, CREATED, {
        'X-RateLimit-Limit': '100',
        'X-RateLimit-Remaining': '99',
        'X-RateLimit-Reset': '2030-01-01T00:00:00+00:00',
      }),
    );
    const c = client();
    const created = await c.createVideo({
      sizeBytes: 1000,
      video: { name: 'Talk', privacy: { view: 'unlisted' } },
    });
    expect(created).toEqual({
      videoUri: '/videos/42',
      link: 'https://vimeo.com/42',
      uploadLink: UPLOAD_LINK,
      name: 'Talk',
      uploadStatus: 'in_progress',
      transcodeStatus: 'in_progress',
    });
    const req = server.requests[0];
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/me/videos?fields=uri,link,name,upload,transcode');
    expect(req?.headers.accept).toBe(VIMEO_ACCEPT);
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req?.body ?? '')).toEqual({
      name: 'Talk',
      privacy: { view: 'unlisted' },
      upload: { approach: 'tus', size: 1000 },
    });
    expect(c.rateLimit).toEqual({ limit: 100, remaining: 99, resetAt: new Date('2030-01-01T00:00:00Z') });
  });

  it('accepts any 2xx (201 too)', async () => {
    server.script(json(201, CREATED));
    await expect(client().createVideo({ sizeBytes: 1000 })).resolves.toMatchObject({
      videoUri: '/videos/42',
    });
  });

  it('refuses an answer without a tus upload_link, or with another approach', async () => {
    server.script(json(200, { ...CREATED, upload: { status: 'in_progress', approach: 'tus', size: 1000 } }));
    const noLink = await rejection(client().createVideo({ sizeBytes: 1000 }));
    expect(noLink).toBeInstanceOf(TusError);
    expect(noLink).toMatchObject({ code: 'E_NOT_TUS' });
    server.script(json(201, { ...CREATED, upload: { approach: 'post', upload_link: UPLOAD_LINK } }));
    expect(await rejection(client().createVideo({ sizeBytes: 1000 }))).toMatchObject({ code: 'E_NOT_TUS' });
  });

  it('maps 401 to AuthError that names the upload scope and never echoes the token', async () => {
    server.script(
      json(
        401,
        { error: 'Bad token', developer_message: `token ${TOKEN} is invalid`, error_code: 8003 },
        {
          'WWW-Authenticate': 'Bearer error="invalid_token"',
        },
      ),
    );
    const error = await rejection(client().createVideo({ sizeBytes: 1000 }));
    expect(error).toMatchObject({ name: 'VimeoApiError', code: 'E_AUTH' });
    const auth = error as VimeoApiError;
    expect(auth.code).toBe('E_AUTH');
    expect(auth.status).toBe(401);
    expect(auth.vimeoErrorCode).toBe(8003);
    expect(auth.message).toContain('`upload` scope');
    expect(JSON.stringify(auth.toJSON())).not.toContain(TOKEN);
    expect(auth.message).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(1);
  });

  it.each([4101, 4102, 4103, 4104, 3428])('maps 403 with error_code %i to QuotaError', async (code) => {
    server.script(json(403, { error: 'quota', error_code: code }));
    const error = await rejection(client().createVideo({ sizeBytes: 1000 }));
    expect(error).toMatchObject({ name: 'VimeoApiError', code: 'E_QUOTA' });
    expect(error).toMatchObject({ code: 'E_QUOTA', vimeoErrorCode: code, status: 403 });
  });

  it('maps other 403 and 400 answers to VimeoApiError with Vimeo details', async () => {
    server.script(json(403, { error: 'cannot edit', error_code: 3427 }));
    expect(await rejection(client().createVideo({ sizeBytes: 1000 }))).toMatchObject({
      code: 'E_VIMEO_API',
      vimeoErrorCode: 3427,
    });
    server.script(
      json(400, {
        error: 'invalid',
        developer_message: 'upload.size must be positive',
        error_code: 2204,
        invalid_parameters: [
          { field: 'upload.size', error_code: 2204, error: 'bad', developer_message: 'must be > 0' },
        ],
      }),
    );
    const error = await rejection(client().createVideo({ sizeBytes: 1000 }));
    expect(error).toBeInstanceOf(VimeoApiError);
    expect(error).toMatchObject({
      status: 400,
      vimeoErrorCode: 2204,
      developerMessage: 'upload.size must be positive',
      invalidParameters: [
        { field: 'upload.size', errorCode: 2204, error: 'bad', developerMessage: 'must be > 0' },
      ],
    });
  });

  const listOf = (...videos: unknown[]) => json(200, { data: videos, paging: { next: null } });
  const justNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const listed = (overrides: Record<string, unknown> = {}) => ({
    uri: '/videos/42',
    name: 'Talk',
    created_time: justNow(),
    upload: { status: 'in_progress', size: 1000 },
    ...overrides,
  });

  it('adopts the video a create made when its connection broke after it was sent', async () => {
    server.script(resetAfterRequest, listOf(listed()), json(200, CREATED));
    const created = await client().createVideo({ sizeBytes: 1000, video: { name: 'Talk' } });
    expect(created).toMatchObject({ videoUri: '/videos/42', uploadLink: UPLOAD_LINK, adopted: true });
    expect(server.requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
      'POST /me/videos',
      'GET /me/videos',
      'GET /videos/42',
    ]);
    expect(server.requests[1]?.url).toContain('direction=desc');
  });

  it('adopts the video of a create answered 500 or 503, never posting twice', async () => {
    for (const status of [500, 503]) {
      server.requests.length = 0;
      server.script(
        json(status, { error: 'problem', error_code: 4003 }),
        listOf(listed()),
        json(200, CREATED),
      );
      const created = await client().createVideo({ sizeBytes: 1000, video: { name: 'Talk' } });
      expect(created.adopted).toBe(true);
      expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    }
  });

  it('fails with CreateOutcomeUnknownError when no matching video is found after a 503', async () => {
    const older = new Date(Date.now() - 3_600_000).toISOString();
    server.script(
      json(503, { error: 'unavailable' }),
      listOf(listed({ name: 'Other' }), listed({ upload: { size: 999 } }), listed({ created_time: older })),
    );
    const error = await rejection(client().createVideo({ sizeBytes: 1000, video: { name: 'Talk' } }));
    expect(error).toBeInstanceOf(CreateOutcomeUnknownError);
    expect(error).toMatchObject({
      code: 'E_CREATE_OUTCOME_UNKNOWN',
      retryable: false,
      mayHaveCreatedVideo: true,
      status: 503,
    });
    expect((error as Error).message).toMatch(/may have created a video/);
    expect((error as Error).message).toMatch(/delete it/);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('adopts the video of a create that timed out (its answer never came)', async () => {
    const silent: Handler = () => undefined;
    server.script(silent, listOf(listed()), json(200, CREATED));
    const created = await client({ requestTimeoutMs: 300 }).createVideo({
      sizeBytes: 1000,
      video: { name: 'Talk' },
    });
    expect(created.adopted).toBe(true);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('with probeUpload, adopts only a video whose upload holds no byte yet', async () => {
    const probed: string[] = [];
    server.script(resetAfterRequest, listOf(listed()), json(200, CREATED));
    const empty = await client({
      probeUpload: async (link) => {
        probed.push(link);
        return { offset: 0, length: 1000 };
      },
    }).createVideo({ sizeBytes: 1000, video: { name: 'Talk' } });
    expect(empty).toMatchObject({ videoUri: '/videos/42', adopted: true });
    expect(probed).toEqual([UPLOAD_LINK]);

    server.requests.length = 0;
    server.script(resetAfterRequest, listOf(listed()), json(200, CREATED));
    const error = await rejection(
      client({ probeUpload: async () => ({ offset: 300, length: 1000 }) }).createVideo({
        sizeBytes: 1000,
        video: {
          name: 'Talk',
        },
      }),
    );
    expect(error).toBeInstanceOf(CreateOutcomeUnknownError);
    expect((error as Error).message).toMatch(
      /\/videos\/42 matches but its upload already holds 300 of 1000 bytes/,
    );
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('with probeUpload, does not adopt a video whose upload link does not answer', async () => {
    server.script(resetAfterRequest, listOf(listed()), json(200, CREATED));
    const gone = new TusError('E_UPLOAD_LINK_GONE', 'HEAD answered 404');
    const error = await rejection(
      client({ probeUpload: () => Promise.reject(gone) }).createVideo({
        sizeBytes: 1000,
        video: { name: 'Talk' },
      }),
    );
    expect(error).toBeInstanceOf(CreateOutcomeUnknownError);
    expect((error as Error).message).toMatch(/matches but could not be continued/);
  });

  it('refuses to adopt when two videos match (could be another upload of the same file)', async () => {
    server.script(resetAfterRequest, listOf(listed(), listed({ uri: '/videos/43' })));
    const error = await rejection(client().createVideo({ sizeBytes: 1000, video: { name: 'Talk' } }));
    expect(error).toBeInstanceOf(CreateOutcomeUnknownError);
    expect((error as Error).message).toMatch(/2 videos match/);
    expect(server.requests).toHaveLength(2);
  });

  it('never repeats a version create after a 5xx, and says a version may exist', async () => {
    server.script(json(502, { error: 'bad gateway' }), json(201, CREATED));
    const error = await rejection(
      client().createVersion({ videoUri: '/videos/42', sizeBytes: 1000, fileName: 'v2.mp4' }),
    );
    expect(error).toBeInstanceOf(CreateOutcomeUnknownError);
    expect(server.requests).toHaveLength(1);
  });

  it('deletes the video of a 2xx create answer without a tus upload link and says so', async () => {
    const noLink = { ...CREATED, upload: { status: 'in_progress', approach: 'tus', size: 1000 } };
    server.script(json(200, noLink), (_req, res) => res.writeHead(204).end());
    const error = await rejection(client().createVideo({ sizeBytes: 1000 }));
    expect(error).toBeInstanceOf(TusError);
    expect(error).toMatchObject({ code: 'E_NOT_TUS', videoUri: '/videos/42' });
    expect((error as Error).message).toMatch(/\(\/videos\/42\) was deleted/);
    expect(server.requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
      'POST /me/videos',
      'DELETE /videos/42',
    ]);
  });

  it('says when the video of an unusable create answer could not be deleted', async () => {
    const noLink = { ...CREATED, upload: { status: 'in_progress', approach: 'post', size: 1000 } };
    server.script(json(200, noLink), json(403, { error: 'no delete scope' }));
    const error = await rejection(client().createVideo({ sizeBytes: 1000 }));
    expect(error).toMatchObject({ code: 'E_NOT_TUS', videoUri: '/videos/42' });
    expect((error as Error).message).toMatch(/could not be deleted: delete it yourself/);
  });

  it('treats a 2xx create answer that is not JSON as a create that may have happened', async () => {
    server.script((_req, res) => res.writeHead(200).end('<html>oops'), listOf(listed()), json(200, CREATED));
    const created = await client().createVideo({ sizeBytes: 1000, video: { name: 'Talk' } });
    expect(created).toMatchObject({ videoUri: '/videos/42', adopted: true });
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('checks its retry policy at construction (NaN would loop forever)', () => {
    for (const retry of [{ maxAttempts: Number.NaN }, { maxAttempts: 0 }, { initialDelayMs: -5 }]) {
      expect(() => new VimeoClient({ token: TOKEN, apiUrl: server.url, retry })).toThrow(ConfigError);
    }
  });

  it('repeats a create answered 429', async () => {
    const retries: RetryEvent[] = [];
    server.script(json(429, { error: 'slow down' }, { 'Retry-After': '0' }), json(200, CREATED));
    const created = await client({ onRetry: (e) => retries.push(e) }).createVideo({ sizeBytes: 1000 });
    expect(created.videoUri).toBe('/videos/42');
    expect(created.adopted).toBeUndefined();
    expect(server.requests).toHaveLength(2);
    expect(retries.map((r) => r.code)).toEqual(['E_RATE_LIMITED']);
  });

  it('repeats a create when the connection was refused (nothing sent)', async () => {
    const closedPort = await freePort();
    const retries: RetryEvent[] = [];
    const c = new VimeoClient({
      token: TOKEN,
      apiUrl: `http://127.0.0.1:${closedPort}`,
      retry: { ...FAST_RETRY, maxAttempts: 3 },
      onRetry: (e) => retries.push(e),
    });
    const error = await rejection(c.createVideo({ sizeBytes: 1000 }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(retries).toHaveLength(2);
    expect((error as Error).message).not.toContain(TOKEN);
  });
});

describe('VimeoClient redirects', () => {
  it('never follows a 3xx (the token stays with apiUrl): the answer is an API error', async () => {
    server.script(json(302, { error: 'moved' }, { Location: `${server.url}/elsewhere` }));
    const error = await rejection(client().getMe());
    expect(error).toBeInstanceOf(VimeoApiError);
    expect(error).toMatchObject({ status: 302 });
    expect(server.requests.map((r) => r.url)).not.toContain('/elsewhere');
    expect(server.requests).toHaveLength(1);
  });
});

describe('VimeoClient rate limits', () => {
  it('tells onRateLimit the X-RateLimit-* headers of every answer that has them, a 429 included', async () => {
    const readings: unknown[] = [];
    const reset = Math.floor(Date.now() / 1000) + 60;
    server.script(
      json(
        429,
        { error: 'too many' },
        {
          'X-RateLimit-Limit': '10',
          'X-RateLimit-Remaining': '0',
          'Retry-After': '0',
          'X-RateLimit-Reset': String(reset),
        },
      ),
      json(200, { uri: '/videos/1' }),
      json(
        200,
        { uri: '/videos/1' },
        {
          'X-RateLimit-Limit': '10',
          'X-RateLimit-Remaining': '9',
          'X-RateLimit-Reset': '2030-01-01T00:00:00+00:00',
        },
      ),
    );
    const c = client({
      onRateLimit: (reading) => {
        readings.push(reading);
        throw new Error('an observer that throws changes nothing');
      },
    });
    await c.getVideo({ videoUri: '/videos/1' });
    await c.getVideo({ videoUri: '/videos/1' });
    expect(readings).toEqual([
      { limit: 10, remaining: 0, resetAt: new Date(reset * 1000) },
      { limit: 10, remaining: 9, resetAt: new Date('2030-01-01T00:00:00Z') },
    ]);
    expect(c.rateLimit).toEqual(readings[1]);
  });

  it('reads Retry-After into RateLimitError.retryAfterMs', async () => {
    server.script(json(429, { error: 'too many' }, { 'Retry-After': '7' }));
    const error = await rejection(client({ retry: { maxAttempts: 1 } }).getVideo({ videoUri: '/videos/1' }));
    expect(error).toMatchObject({ name: 'VimeoApiError', code: 'E_RATE_LIMITED' });
    expect(error).toMatchObject({ retryAfterMs: 7000, retryable: true, status: 429 });
  });

  it('falls back to X-RateLimit-Reset as Unix seconds or ISO-8601', async () => {
    const resetSeconds = Math.floor(Date.now() / 1000) + 120;
    server.script(json(429, { error: 'too many' }, { 'X-RateLimit-Reset': String(resetSeconds) }));
    const unix = (await rejection(
      client({ retry: { maxAttempts: 1 } }).getVideo({ videoUri: '/videos/1' }),
    )) as VimeoApiError;
    expect(unix.retryAfterMs).toBeGreaterThan(60_000);
    expect(unix.retryAfterMs).toBeLessThanOrEqual(120_000);
    const iso = new Date(Date.now() + 90_000).toISOString();
    server.script(json(429, { error: 'too many' }, { 'X-RateLimit-Reset': iso }));
    const isoError = (await rejection(
      client({ retry: { maxAttempts: 1 } }).getVideo({ videoUri: '/videos/1' }),
    )) as VimeoApiError;
    expect(isoError.retryAfterMs).toBeGreaterThan(30_000);
    expect(isoError.retryAfterMs).toBeLessThanOrEqual(90_000);
  });
});

describe('VimeoClient reads', () => {
  it('retries an idempotent GET over 500, 429 and a reset connection', async () => {
    const video = {
      uri: '/videos/7',
      link: 'https://vimeo.com/7',
      upload: { status: 'complete' },
      transcode: { status: 'in_progress' },
    };
    server.script(
      json(500, { error: 'oops' }),
      json(429, {}, { 'Retry-After': '0' }),
      resetAfterRequest,
      json(200, video),
    );
    const info = await client().getVideo({
      videoUri: '/videos/7',
      fields: ['uri', 'link', 'upload.status', 'transcode.status'],
    });
    expect(info).toEqual({
      uri: '/videos/7',
      link: 'https://vimeo.com/7',
      upload: { status: 'complete' },
      transcode: { status: 'in_progress' },
    });
    expect(server.requests).toHaveLength(4);
    expect(server.requests[3]?.url).toBe('/videos/7?fields=uri,link,upload.status,transcode.status');
  });

  it('does not wait for X-RateLimit-Reset after a 5xx (only a 429 means the window is used up)', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    const retries: RetryEvent[] = [];
    server.script(
      json(500, { error: 'oops' }, { 'X-RateLimit-Reset': reset }),
      json(200, { uri: '/videos/7' }),
    );
    await client({ onRetry: (e) => retries.push(e) }).getVideo({ videoUri: '/videos/7' });
    expect(retries).toHaveLength(1);
    expect(retries[0]?.delayMs).toBeLessThan(1000);
  });

  it('gives up after maxAttempts and throws the last error', async () => {
    server.script(json(502, { error: 'bad gateway' }));
    const error = await rejection(
      client({ retry: { ...FAST_RETRY, maxAttempts: 2 } }).getVideo({ videoUri: '/videos/7' }),
    );
    expect(error).toMatchObject({ status: 502, retryable: true });
    expect(server.requests).toHaveLength(2);
  });

  it('reads the legacy {"error"} body of an unknown video', async () => {
    server.script(json(404, { error: 'The requested video could not be found' }));
    const error = await rejection(client().getVideo({ videoUri: '/videos/999' }));
    expect(error).toBeInstanceOf(VimeoApiError);
    expect((error as Error).message).toContain('could not be found');
    expect(error).toMatchObject({ status: 404 });
    expect(server.requests).toHaveLength(1);
  });

  it('lists videos, reads the account, deletes, and creates versions', async () => {
    server.script(
      json(200, {
        data: [{ uri: '/videos/2', name: 'b', upload: { status: 'complete', size: 5 } }],
        paging: { next: '/me/videos?page=2' },
      }),
      json(200, { uri: '/users/1', name: 'Me', upload_quota: { space: { free: 10 } } }),
      (_req, res) => res.writeHead(204).end(),
      json(201, {
        uri: '/videos/2/versions/9',
        upload: { status: 'in_progress', upload_link: UPLOAD_LINK },
        transcode: { status: 'in_progress' },
      }),
    );
    const c = client();
    await expect(c.listVideos({ page: 1, perPage: 10 })).resolves.toEqual({
      data: [{ uri: '/videos/2', name: 'b', upload: { status: 'complete', size: 5 } }],
      next: '/me/videos?page=2',
    });
    await expect(c.getMe()).resolves.toEqual({
      uri: '/users/1',
      name: 'Me',
      uploadQuota: { space: { free: 10 } },
    });
    await expect(c.deleteVideo({ videoUri: '/videos/2' })).resolves.toBeUndefined();
    await expect(
      c.createVersion({ videoUri: '/videos/2', sizeBytes: 5, fileName: 'rev2.mp4' }),
    ).resolves.toMatchObject({
      videoUri: '/videos/2',
      versionUri: '/videos/2/versions/9',
      uploadLink: UPLOAD_LINK,
    });
    expect(server.requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
      'GET /me/videos',
      'GET /me',
      'DELETE /videos/2',
      'POST /videos/2/versions',
    ]);
    expect(server.requests[0]?.url).toContain('per_page=10');
    expect(JSON.parse(server.requests[3]?.body ?? '')).toEqual({
      file_name: 'rev2.mp4',
      upload: { approach: 'tus', size: 5 },
    });
  });

  it('rejects with AbortError when the signal aborts during a call', async () => {
    server.script(() => {
      /* never answers */
    });
    const controller = new AbortController();
    const pending = client().getVideo({ videoUri: '/videos/1', signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(await rejection(pending)).toBeInstanceOf(AbortError);
  });

  it('refuses bad configuration before any request', async () => {
    expect(() => new VimeoClient({ token: '' })).toThrow(ConfigError);
    // A token read from a file with its newline: refused at once, not sent (Node would refuse the
    // header, which looked like a lost request and was retried for half a minute).
    for (const token of [`${TOKEN}\n`, `${TOKEN} x`, `${TOKEN}\u0000`, `é${TOKEN}`]) {
      expect(() => new VimeoClient({ token })).toThrow(/line break/);
      expect(() => new VimeoClient({ token })).not.toThrow(TOKEN);
    }
    expect(() => new VimeoClient({ token: TOKEN, apiUrl: 'not a url' })).toThrow(ConfigError);
    expect(server.requests).toHaveLength(0);
    await expect(client().getVideo({ videoUri: 'nonsense' })).rejects.toBeInstanceOf(ConfigError);
  });

  it('sends the token over plain http only to loopback hosts', () => {
    for (const apiUrl of ['http://api.vimeo.com', 'http://10.0.0.5:8080', 'http://[2001:db8::1]/']) {
      expect(() => new VimeoClient({ token: TOKEN, apiUrl }), apiUrl).toThrow(ConfigError);
    }
    for (const apiUrl of [
      'http://127.0.0.1:1',
      'http://127.8.9.10',
      'http://[::1]:8080',
      'http://localhost:3000',
    ]) {
      expect(new VimeoClient({ token: TOKEN, apiUrl }).apiUrl, apiUrl).toBe(apiUrl.replace(/\/$/, ''));
    }
    expect(new VimeoClient({ token: TOKEN, apiUrl: 'https://api.vimeo.com/' }).apiUrl).toBe(
      'https://api.vimeo.com',
    );
  });

  it('never echoes a bad video URI (it could be an upload link)', async () => {
    const link = 'https://files.tus.vimeo.com/files/secret-capability-0123456789';
    const error = await rejection(client().getVideo({ videoUri: link }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('secret-capability');
    expect((error as Error).message).not.toContain('files.tus');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

describe('VimeoClient.editVideo and request', () => {
  it('editVideo PATCHes the fields to /videos/{id} and reads the answer', async () => {
    server.script(json(200, { uri: '/videos/7', name: 'Final', link: 'https://vimeo.com/7' }));
    const video = await client().editVideo({ videoUri: '/videos/7', video: { name: 'Final' } });
    expect(video).toEqual({ uri: '/videos/7', name: 'Final', link: 'https://vimeo.com/7' });
    expect(server.requests[0]).toMatchObject({ method: 'PATCH', url: '/videos/7' });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ name: 'Final' });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    await expect(client().editVideo({ videoUri: 'nonsense', video: {} })).rejects.toBeInstanceOf(ConfigError);
  });

  it('request sends any call with query, fields and body, and maps errors like every call', async () => {
    server.script(json(200, { data: [{ uri: '/albums/1' }] }), json(404, { error: 'no such album' }));
    const answer = await client().request({
      method: 'GET',
      path: '/me/albums',
      query: { per_page: '10' },
      fields: ['uri'],
    });
    expect(answer).toEqual({ data: [{ uri: '/albums/1' }] });
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/me/albums?fields=uri&per_page=10' });
    const error = await rejection(client().request({ method: 'DELETE', path: '/albums/9' }));
    expect(error).toMatchObject({ name: 'VimeoApiError', code: 'E_VIMEO_API', status: 404 });
  });

  it('request retries a GET after a 5xx, but never repeats a POST that may have reached Vimeo', async () => {
    server.script(json(503, { error: 'busy' }), json(200, { ok: true }));
    await expect(client().request({ method: 'GET', path: '/me' })).resolves.toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
    server.requests.length = 0;
    server.script(json(503, { error: 'busy' }), json(201, { ok: true }));
    const error = await rejection(
      client().request({ method: 'POST', path: '/me/albums', body: { name: 'a' } }),
    );
    expect(error).toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(1);
  });

  it('request takes a path only: a URL or a protocol-relative path never gets the token', async () => {
    for (const path of ['https://evil.example/x', '//evil.example/x', 'me', '/me?x=1']) {
      await expect(client().request({ method: 'GET', path })).rejects.toBeInstanceOf(ConfigError);
    }
    expect(server.requests).toHaveLength(0);
  });
});
