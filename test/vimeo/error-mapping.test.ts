import { describe, expect, it } from 'vitest';
import { NetworkError, VimeoApiError } from '../../src/errors.js';
import {
  errorCode,
  mapErrorAnswer,
  mapNetworkFailure,
  parseErrorBody,
} from '../../src/vimeo/error-mapping.js';
import { parseResetDate } from '../../src/vimeo/rate-limit.js';

const TOKEN = 'secret-token-value';

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  return {
    method: 'POST',
    url: 'https://api.vimeo.com/me/videos?fields=uri',
    path: '/me/videos',
    status,
    headers: new Headers(headers),
    bodyText: typeof body === 'string' ? body : JSON.stringify(body),
    secrets: [TOKEN],
  };
}

describe('parseErrorBody', () => {
  it('reads full, legacy and non-JSON bodies', () => {
    expect(parseErrorBody('{"error":"gone"}')).toEqual({ error: 'gone' });
    expect(parseErrorBody('{"error":"x","error_code":"2204","developer_message":"d"}')).toEqual({
      error: 'x',
      vimeoErrorCode: 2204,
      developerMessage: 'd',
    });
    expect(parseErrorBody('Bad Gateway')).toEqual({ error: 'Bad Gateway' });
    expect(parseErrorBody('')).toEqual({});
    expect(parseErrorBody('[1,2]')).toEqual({});
  });
});

describe('mapErrorAnswer', () => {
  it('keeps the request summary to method, host and status, and scrubs the token', () => {
    const error = mapErrorAnswer(answer(400, { error: `bad ${TOKEN}`, developer_message: `token=${TOKEN}` }));
    expect(error).toBeInstanceOf(VimeoApiError);
    expect(error.request).toEqual({ method: 'POST', host: 'api.vimeo.com', status: 400 });
    expect(error.message).not.toContain(TOKEN);
    expect(error.developerMessage).not.toContain(TOKEN);
    expect(error.retryable).toBe(false);
  });

  it('needs a quota error_code to call a 403 a quota error', () => {
    expect(mapErrorAnswer(answer(403, { error_code: 4102 }))).toMatchObject({
      name: 'VimeoApiError',
      code: 'E_QUOTA',
    });
    expect(mapErrorAnswer(answer(403, { error: 'forbidden' }))).not.toMatchObject({ code: 'E_QUOTA' });
  });

  it('marks 5xx retryable and takes Retry-After as its delay', () => {
    const error = mapErrorAnswer(answer(503, 'down', { 'Retry-After': '3' }));
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 3000, status: 503 });
  });
});

describe('network failures', () => {
  it('finds the system code inside fetch errors and knows when nothing was sent', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    const reset = new TypeError('fetch failed', {
      cause: Object.assign(new Error('socket'), { code: 'ECONNRESET' }),
    });
    expect(errorCode(refused)).toBe('ECONNREFUSED');
    const a = mapNetworkFailure('POST', 'https://api.vimeo.com/me/videos', '/me/videos', refused, [TOKEN]);
    const b = mapNetworkFailure('POST', 'https://api.vimeo.com/me/videos', '/me/videos', reset, [TOKEN]);
    expect(a).toBeInstanceOf(NetworkError);
    expect(a.nothingSent).toBe(true);
    expect(b.nothingSent).toBe(false);
    expect(b.retryable).toBe(true);
  });
});

describe('network failures of node:http', () => {
  it('reads the code on the socket error itself (no cause) and knows when nothing was sent', () => {
    const url = 'https://api.vimeo.com/me/videos';
    const sent = (code: string) =>
      mapNetworkFailure('POST', url, '/me/videos', Object.assign(new Error('socket'), { code }), [TOKEN]);
    expect(sent('ECONNREFUSED').nothingSent).toBe(true);
    expect(sent('ENOTFOUND').nothingSent).toBe(true);
    expect(sent('ECONNRESET').nothingSent).toBe(false);
    expect(sent('ETIMEDOUT').nothingSent).toBe(false);
    expect(sent('ECONNRESET').message).toContain('ECONNRESET');
  });
});

describe('parseResetDate', () => {
  it('reads ISO-8601 and Unix seconds', () => {
    // The reset lies ahead of "now", as it does in a live answer.
    const now = Date.parse('2023-04-08T09:00:00Z');
    expect(parseResetDate('2023-04-08T09:21:35+00:00', now)?.toISOString()).toBe('2023-04-08T09:21:35.000Z');
    expect(parseResetDate('1680945695', now)?.toISOString()).toBe('2023-04-08T09:21:35.000Z');
    expect(parseResetDate('soon', now)).toBeNull();
  });
});
