import { describe, expect, it } from 'vitest';
import { collectResetFault, collectStallFault, collectStatusFault } from '../../src/sandbox/cli-parsers.js';
import { FaultController } from '../../src/sandbox/faults.js';
import { filterFields, parseFields } from '../../src/sandbox/fields-filter.js';
import { RateLimiter } from '../../src/sandbox/rate-limit.js';

describe('fields filter', () => {
  const video = {
    uri: '/videos/1',
    name: 'x',
    upload: { status: 'in_progress', size: 5, upload_link: 'L' },
    transcode: { status: 'complete' },
    pictures: {
      sizes: [
        { width: 1, link: 'a' },
        { width: 2, link: 'b' },
      ],
    },
  };

  it('keeps nested paths and merges siblings', () => {
    expect(filterFields(video, parseFields('uri,upload.status,upload.size'))).toEqual({
      uri: '/videos/1',
      upload: { status: 'in_progress', size: 5 },
    });
  });

  it('maps paths through arrays and ignores unknown paths', () => {
    expect(filterFields(video, parseFields('pictures.sizes.width,nope,upload.nope'))).toEqual({
      pictures: { sizes: [{ width: 1 }, { width: 2 }] },
      upload: {},
    });
  });

  it('leaves the resource alone without fields', () => {
    expect(filterFields(video, parseFields(null))).toBe(video);
    expect(filterFields(video, parseFields(' , '))).toBe(video);
  });
});

describe('rate limiter', () => {
  it('counts down within a window and starts afresh after it', () => {
    const limiter = new RateLimiter();
    const t0 = Date.UTC(2026, 0, 1);
    expect(limiter.take(t0, 2, 1000, 'unix').headers['X-RateLimit-Remaining']).toBe('1');
    expect(limiter.take(t0 + 10, 2, 1000, 'unix').allowed).toBe(true);
    const over = limiter.take(t0 + 20, 2, 1000, 'unix');
    expect(over.allowed).toBe(false);
    expect(over.headers['X-RateLimit-Reset']).toBe(String((t0 + 1000) / 1000));
    expect(over.retryAfterSeconds).toBe(1);
    expect(limiter.take(t0 + 1000, 2, 1000, 'iso')).toMatchObject({
      allowed: true,
      headers: { 'X-RateLimit-Reset': '2026-01-01T00:00:02+00:00' },
    });
  });
});

describe('fault controller', () => {
  it('selects the nth request and bursts, numbering from the last set()', () => {
    const faults = new FaultController({ status: [{ kind: 'patch', nth: 2, count: 2, status: 503 }] });
    const hits = [1, 2, 3, 4].map(() => faults.statusFault('patch', faults.count('patch'))?.status);
    expect(hits).toEqual([undefined, 503, 503, undefined]);
    faults.set({ resets: [{ nth: 1, afterBytes: 7 }] });
    expect(faults.patchPlan(faults.count('patch')).resetAfterBytes).toBe(7);
    expect(faults.patchPlan(faults.count('patch')).resetAfterBytes).toBeUndefined();
    expect(faults.requestCounts().patch).toBe(6);
    expect(faults.injectedCounts().patch).toBe(2);
  });
});

describe('CLI fault syntax', () => {
  it('parses status, reset and stall faults', () => {
    expect(collectStatusFault('patch:2+3:429:5')).toEqual([
      { kind: 'patch', nth: 2, count: 3, status: 429, retryAfterSeconds: 5 },
    ]);
    expect(collectStatusFault('head:*:503')[0]).toMatchObject({ nth: 1, count: Number.POSITIVE_INFINITY });
    expect(collectResetFault('2:102400')).toEqual([{ nth: 2, count: 1, afterBytes: 102400 }]);
    expect(collectStallFault('1:5000:10')).toEqual([{ nth: 1, count: 1, durationMs: 5000, afterBytes: 10 }]);
  });

  it('parses "none" (no Retry-After) and the after/cut timings', () => {
    expect(collectStatusFault('head:1:429:none')[0]).toMatchObject({ retryAfterSeconds: null });
    expect(collectStatusFault('create:1:503::after')[0]).toEqual({
      kind: 'create',
      nth: 1,
      count: 1,
      status: 503,
      afterHandling: true,
    });
    expect(collectStatusFault('create:1:503::after-cut')[0]).toMatchObject({
      afterHandling: true,
      cutConnection: true,
    });
    expect(() => collectStatusFault('create:1:503::later')).toThrow();
  });

  it('rejects malformed values', () => {
    expect(() => collectStatusFault('nope:1:500')).toThrow();
    expect(() => collectStatusFault('patch:1:200')).toThrow();
    expect(() => collectResetFault('2')).toThrow();
    expect(() => collectStallFault('x:1')).toThrow();
  });
});
