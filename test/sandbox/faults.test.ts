import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/index.js';
import {
  api,
  createVideo,
  head,
  offsetOf,
  patch,
  randomFile,
  sha256,
  videoState,
  waitUntil,
} from './helpers.js';

let sandbox: Sandbox | undefined;

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox(options);
  return sandbox;
}
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const KiB = 1024;

describe('connection reset after N bytes of a PATCH', () => {
  it('resets the 2nd PATCH after 100 KiB and keeps the received bytes by default', async () => {
    const s = await start({ faults: { resets: [{ nth: 2, afterBytes: 100 * KiB }] } });
    const bytes = randomFile(600 * KiB);
    const video = await createVideo(s, bytes.length);
    expect((await patch(video.uploadLink, 0, bytes.subarray(0, 200 * KiB))).status).toBe(204);
    await expect(patch(video.uploadLink, 200 * KiB, bytes.subarray(200 * KiB))).rejects.toThrow();
    expect(await offsetOf(video.uploadLink)).toBe(300 * KiB);
    // The 3rd PATCH is not hit: the rest goes through.
    expect((await patch(video.uploadLink, 300 * KiB, bytes.subarray(300 * KiB))).status).toBe(204);
    const state = await videoState(s, video.id);
    expect(state.sha256).toBe(sha256(bytes));
    expect((await s.state()).counters.faultsInjected.patch).toBe(1);
  });

  it('drops all bytes of the interrupted PATCH with dropPartial', async () => {
    const s = await start({ faults: { resets: [{ nth: 2, afterBytes: 100 * KiB }], dropPartial: true } });
    const bytes = randomFile(400 * KiB);
    const video = await createVideo(s, bytes.length);
    await patch(video.uploadLink, 0, bytes.subarray(0, 50 * KiB));
    await expect(patch(video.uploadLink, 50 * KiB, bytes.subarray(50 * KiB))).rejects.toThrow();
    expect(await offsetOf(video.uploadLink)).toBe(50 * KiB);
    expect((await patch(video.uploadLink, 50 * KiB, bytes.subarray(50 * KiB))).status).toBe(204);
    expect((await videoState(s, video.id)).sha256).toBe(sha256(bytes));
  });

  it('numbers requests from the moment faults are set at runtime', async () => {
    const s = await start();
    const bytes = randomFile(300 * KiB);
    const video = await createVideo(s, bytes.length);
    await patch(video.uploadLink, 0, bytes.subarray(0, 10 * KiB));
    await patch(video.uploadLink, 10 * KiB, bytes.subarray(10 * KiB, 20 * KiB));
    s.setFaults({ resets: [{ nth: 1, afterBytes: 5 * KiB }] });
    await expect(patch(video.uploadLink, 20 * KiB, bytes.subarray(20 * KiB))).rejects.toThrow();
    expect(await offsetOf(video.uploadLink)).toBe(25 * KiB);
    s.setFaults({});
    expect((await patch(video.uploadLink, 25 * KiB, bytes.subarray(25 * KiB))).status).toBe(204);
  });
});

describe('status faults', () => {
  it('answers the Nth request of a kind with the given status, once', async () => {
    const s = await start({ faults: { status: [{ kind: 'head', nth: 2, status: 503 }] } });
    const video = await createVideo(s, 10);
    expect((await head(video.uploadLink)).status).toBe(200);
    const faulted = await head(video.uploadLink);
    expect(faulted.status).toBe(503);
    expect(faulted.headers['content-type']).toContain('text/plain');
    expect((await head(video.uploadLink)).status).toBe(200);
  });

  it('answers a burst of K PATCHes with 429 and Retry-After, storing nothing', async () => {
    const s = await start({
      faults: { status: [{ kind: 'patch', nth: 1, count: 2, status: 429, retryAfterSeconds: 3 }] },
    });
    const bytes = randomFile(50 * KiB);
    const video = await createVideo(s, bytes.length);
    for (let i = 0; i < 2; i++) {
      const res = await patch(video.uploadLink, 0, bytes);
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('3');
    }
    expect(await offsetOf(video.uploadLink)).toBe(0);
    expect((await patch(video.uploadLink, 0, bytes)).status).toBe(204);
  });

  it.each([500, 502])('answers %i to a PATCH', async (status) => {
    const s = await start({ faults: { status: [{ kind: 'patch', status }] } });
    const video = await createVideo(s, 10);
    expect((await patch(video.uploadLink, 0, randomFile(10))).status).toBe(status);
    expect(await offsetOf(video.uploadLink)).toBe(0);
  });

  it('fails a create call with 500 and creates nothing; the next create works', async () => {
    const s = await start({ faults: { status: [{ kind: 'create', status: 500 }] } });
    const res = await api(s, 'POST', '/me/videos', { upload: { approach: 'tus', size: 10 } });
    expect(res.status).toBe(500);
    expect(res.body.error_code).toEqual(expect.any(Number));
    expect((await s.state()).videos).toHaveLength(0);
    await createVideo(s, 10);
    const state = await s.state();
    expect(state.videos).toHaveLength(1);
    expect(state.counters.createCalls).toBe(2);
  });

  it('answers 429 with Retry-After to an API request', async () => {
    const s = await start({ faults: { status: [{ kind: 'get-video', status: 429 }] } });
    const video = await createVideo(s, 10);
    const res = await api(s, 'GET', video.uri);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await api(s, 'GET', video.uri)).status).toBe(200);
  });
});

describe('stall', () => {
  it('stops reading a PATCH after N bytes; a client that gives up keeps those bytes on the server', async () => {
    const s = await start({ faults: { stalls: [{ nth: 1, afterBytes: 64 * KiB, durationMs: 60_000 }] } });
    const bytes = randomFile(512 * KiB);
    const video = await createVideo(s, bytes.length);
    const abort = new AbortController();
    const sending = patch(video.uploadLink, 0, bytes, {}, abort.signal);
    await waitUntil(async () => (await videoState(s, video.id)).storedBytes === 64 * KiB);
    abort.abort();
    await expect(sending).rejects.toThrow();
    await waitUntil(async () => (await offsetOf(video.uploadLink)) === 64 * KiB);
    expect((await patch(video.uploadLink, 64 * KiB, bytes.subarray(64 * KiB))).status).toBe(204);
    expect((await videoState(s, video.id)).sha256).toBe(sha256(bytes));
  });

  it('resumes reading after the stall and completes the PATCH', async () => {
    const s = await start({ faults: { stalls: [{ nth: 1, afterBytes: 1000, durationMs: 200 }] } });
    const bytes = randomFile(100 * KiB);
    const video = await createVideo(s, bytes.length);
    const res = await patch(video.uploadLink, 0, bytes);
    expect(res.status).toBe(204);
    expect((await videoState(s, video.id)).sha256).toBe(sha256(bytes));
    expect((await s.state()).counters.faultsInjected.patch).toBe(1);
  });
});

describe('throttle', () => {
  it('limits a PATCH body to the given rate (lower bound only) without corrupting it', async () => {
    const rate = 512 * KiB;
    const s = await start({ faults: { throttleBytesPerSecond: rate } });
    const bytes = randomFile(256 * KiB);
    const video = await createVideo(s, bytes.length);
    const started = Date.now();
    const sending = patch(video.uploadLink, 0, bytes);
    // Progress is visible while it runs.
    await waitUntil(async () => {
      const stored = (await videoState(s, video.id)).storedBytes;
      return stored > 0 && stored < bytes.length;
    });
    expect((await sending).status).toBe(204);
    expect(Date.now() - started).toBeGreaterThanOrEqual((bytes.length / rate) * 1000 * 0.9);
    expect((await videoState(s, video.id)).sha256).toBe(sha256(bytes));
  });
});

describe('upload link TTL', () => {
  it('answers 404 to HEAD and PATCH once the link expired (or the configured status)', async () => {
    const s = await start({ faults: { linkTtlMs: 3_600_000 } });
    const video = await createVideo(s, 10);
    expect((await head(video.uploadLink)).status).toBe(200);
    s.setFaults({ linkTtlMs: 0 });
    expect((await head(video.uploadLink)).status).toBe(404);
    expect((await patch(video.uploadLink, 0, randomFile(10))).status).toBe(404);
    expect((await videoState(s, video.id)).expired).toBe(true);
    s.setFaults({ linkTtlMs: 0, expiredLinkStatus: 410 });
    expect((await head(video.uploadLink)).status).toBe(410);
  });
});

describe('faults after the work was done', () => {
  it('creates the video, then answers 503 (afterHandling)', async () => {
    const s = await start({ faults: { status: [{ kind: 'create', status: 503, afterHandling: true }] } });
    const res = await api(s, 'POST', '/me/videos', {
      name: 'Lost answer',
      upload: { approach: 'tus', size: 10 },
    });
    expect(res.status).toBe(503);
    const state = await s.state();
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]?.name).toBe('Lost answer');
    expect(state.counters.faultsInjected.create).toBe(1);
  });

  it('creates the video, then cuts the connection (afterHandling + cutConnection)', async () => {
    const s = await start({
      faults: { status: [{ kind: 'create', status: 503, afterHandling: true, cutConnection: true }] },
    });
    await expect(api(s, 'POST', '/me/videos', { upload: { approach: 'tus', size: 10 } })).rejects.toThrow();
    expect((await s.state()).videos).toHaveLength(1);
  });

  it('cuts the connection before creating anything (cutConnection alone)', async () => {
    const s = await start({ faults: { status: [{ kind: 'create', status: 503, cutConnection: true }] } });
    await expect(api(s, 'POST', '/me/videos', { upload: { approach: 'tus', size: 10 } })).rejects.toThrow();
    expect((await s.state()).videos).toHaveLength(0);
  });
});

describe('429 without Retry-After', () => {
  it('sends no Retry-After when retryAfterSeconds is null, on both hosts', async () => {
    const s = await start({
      faults: {
        status: [
          { kind: 'get-video', status: 429, retryAfterSeconds: null },
          { kind: 'head', status: 429, retryAfterSeconds: null },
        ],
      },
    });
    const video = await createVideo(s, 10);
    const apiAnswer = await api(s, 'GET', video.uri);
    expect(apiAnswer.status).toBe(429);
    expect(apiAnswer.headers.get('retry-after')).toBeNull();
    const headAnswer = await head(video.uploadLink);
    expect(headAnswer.status).toBe(429);
    expect(headAnswer.headers['retry-after']).toBeUndefined();
  });
});

describe('link dies on completion', () => {
  it('answers the completing PATCH, then 404 (or the configured status) to HEAD and PATCH', async () => {
    const s = await start({ faults: { linkDiesOnCompletion: true } });
    const bytes = randomFile(20 * KiB);
    const video = await createVideo(s, bytes.length);
    expect((await patch(video.uploadLink, 0, bytes.subarray(0, 10 * KiB))).status).toBe(204);
    expect(await offsetOf(video.uploadLink)).toBe(10 * KiB);
    expect((await patch(video.uploadLink, 10 * KiB, bytes.subarray(10 * KiB))).status).toBe(204);
    expect((await head(video.uploadLink)).status).toBe(404);
    expect((await patch(video.uploadLink, bytes.length, Buffer.alloc(0))).status).toBe(404);
    expect((await videoState(s, video.id)).sha256).toBe(sha256(bytes));
    s.setFaults({ linkDiesOnCompletion: true, expiredLinkStatus: 410 });
    expect((await head(video.uploadLink)).status).toBe(410);
  });
});

describe('idle()', () => {
  it('waits until the upload host finished a PATCH the client gave up on', async () => {
    const s = await start({ faults: { stalls: [{ nth: 1, afterBytes: 64 * KiB, durationMs: 300 }] } });
    const bytes = randomFile(512 * KiB);
    const video = await createVideo(s, bytes.length);
    const abort = new AbortController();
    const sending = patch(video.uploadLink, 0, bytes, {}, abort.signal);
    await waitUntil(async () => (await videoState(s, video.id)).storedBytes >= 64 * KiB);
    abort.abort();
    await expect(sending).rejects.toThrow();
    await s.idle();
    const settled = (await videoState(s, video.id)).storedBytes;
    expect(await offsetOf(video.uploadLink)).toBe(settled);
    expect((await videoState(s, video.id)).storedBytes).toBe(settled);
  });
});
