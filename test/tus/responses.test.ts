import { describe, expect, it } from 'vitest';
import { TusError } from '../../src/errors.js';
import { errorForStatus, parseOffsetHeader } from '../../src/tus/responses.js';

const url = new URL(
  'https://files.tus.vimeo.com/files/vimeo-prod-src-tus-us/0123456789abcdef0123456789abcdef',
);
const context = { method: 'HEAD', url, status: 200 };

describe('parseOffsetHeader', () => {
  it('accepts plain digits', () => {
    expect(parseOffsetHeader({ 'upload-offset': '0' }, 'upload-offset', context)).toBe(0);
    expect(parseOffsetHeader({ 'upload-offset': '1057149' }, 'upload-offset', context)).toBe(1057149);
    expect(parseOffsetHeader({ 'upload-length': '9007199254740991' }, 'upload-length', context)).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it.each(['', ' ', '12abc', '-1', '+5', '1e3', '0x10', '1.0', '1 2', '99999999999999999', 'Infinity'])(
    'rejects %j with E_TUS_PROTOCOL',
    (value) => {
      const attempt = () => parseOffsetHeader({ 'upload-offset': value }, 'upload-offset', context);
      expect(attempt).toThrow(TusError);
      try {
        attempt();
      } catch (error) {
        expect((error as TusError).code).toBe('E_TUS_PROTOCOL');
        expect((error as TusError).message).toContain('Upload-Offset');
        expect((error as TusError).message).not.toContain(url.pathname);
      }
    },
  );

  it('rejects a missing header', () => {
    expect(() => parseOffsetHeader({}, 'upload-length', context)).toThrow(/no Upload-Length header/);
  });
});

describe('errorForStatus', () => {
  const make = (status: number, headers = {}, body = '') =>
    errorForStatus('PATCH', url, status, headers, body);

  it('maps each status to its typed error', () => {
    expect(make(404)).toMatchObject({ code: 'E_UPLOAD_LINK_GONE', retryable: false, status: 404 });
    expect(make(410)).toMatchObject({ code: 'E_UPLOAD_LINK_GONE', retryable: false });
    expect(make(409)).toMatchObject({ code: 'E_OFFSET_MISMATCH', retryable: true });
    expect(make(423)).toMatchObject({ code: 'E_SERVER', retryable: true });
    expect(make(412)).toMatchObject({ code: 'E_TUS_PROTOCOL', retryable: false });
    expect(make(400)).toMatchObject({ code: 'E_TUS_PROTOCOL', retryable: false });
    expect(make(403)).toMatchObject({ code: 'E_TUS_PROTOCOL', retryable: false });
    expect(make(302)).toMatchObject({ code: 'E_TUS_PROTOCOL', retryable: false });
    expect(make(503)).toBeInstanceOf(TusError);
    expect(make(503)).toMatchObject({ code: 'E_SERVER', retryable: true, status: 503 });
    expect(make(500)).toMatchObject({ code: 'E_SERVER', retryable: true, status: 500 });
  });

  it('carries the server delay of a 429', () => {
    const error = make(429, { 'retry-after': '7' });
    expect(error).toMatchObject({ name: 'TusError', code: 'E_RATE_LIMITED' });
    expect(error.retryAfterMs).toBe(7_000);
    expect(make(429).retryAfterMs).toBeUndefined();
    expect(make(429, { 'x-ratelimit-reset': '30' }).retryAfterMs).toBe(30_000);
  });

  it('reads only Retry-After on a 5xx, never the rate-limit window', () => {
    expect(make(503, { 'retry-after': '5' }).retryAfterMs).toBe(5_000);
    expect(make(503, { 'x-ratelimit-reset': '600' }).retryAfterMs).toBeUndefined();
    expect(make(502, { 'retry-after': '0', 'x-ratelimit-reset': '600' }).retryAfterMs).toBe(0);
  });

  it('never names the upload link, only its host', () => {
    const error = make(400, {}, 'bad request');
    expect(error.message).toContain('files.tus.vimeo.com');
    expect(error.message).not.toContain(url.pathname);
    expect(error.request).toEqual({ method: 'PATCH', host: 'files.tus.vimeo.com', status: 400 });
  });
});
