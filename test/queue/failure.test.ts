/**
 * Which failures end a queued upload at once, which pause the whole queue, and which BullMQ
 * retries with backoff.
 */
import { describe, expect, it } from 'vitest';
import { FileError, LedgerError, NetworkError, TusError, VimeoApiError } from '../../src/errors.js';
import {
  classifyFailure,
  codeOfReason,
  DEFAULT_RATE_LIMIT_PAUSE_MS,
  failureReason,
} from '../../src/queue/failure.js';

const request = (status: number) => ({ method: 'POST', host: 'api.vimeo.com', status });

describe('classifyFailure', () => {
  it('gives up at once on a missing or changed source, a bad token, a full quota, a refused request', () => {
    for (const error of [
      new FileError('E_FILE_NOT_FOUND', '/a.mp4', 'gone'),
      new FileError('E_FILE_CHANGED', '/a.mp4', 'changed'),
      new LedgerError('modified', { code: 'E_FILE_MODIFIED_SINCE_LEDGER' }),
      new VimeoApiError('no', { code: 'E_AUTH', request: request(401) }),
      new VimeoApiError('full', { code: 'E_QUOTA', request: request(403) }),
      new VimeoApiError('bad folder', { request: request(400) }),
    ]) {
      expect(classifyFailure(error), error.code).toMatchObject({ kind: 'permanent', code: error.code });
    }
  });

  it('retries the network, 5xx, an upload another worker still holds, Redis, and anything unknown', () => {
    for (const error of [
      new NetworkError('reset'),
      new TusError('E_SERVER', '503'),
      new VimeoApiError('oops', { request: request(500) }),
      new LedgerError('held', { code: 'E_UPLOAD_LOCKED' }),
      new LedgerError('redis down'),
      new FileError('E_FILE_UNREADABLE', 'https://host/a.mp4', 'reset while reading', { retryable: true }),
    ]) {
      expect(classifyFailure(error), error.code).toMatchObject({ kind: 'transient', code: error.code });
    }
    expect(classifyFailure(new Error('boom'))).toMatchObject({ kind: 'transient', code: 'E_UNEXPECTED' });
  });

  it('pauses the queue for as long as the server asked after a 429, 60 s when it did not say', () => {
    const asked = new VimeoApiError('slow down', {
      code: 'E_RATE_LIMITED',
      retryAfterMs: 4200,
      request: request(429),
    });
    expect(classifyFailure(asked)).toEqual({ kind: 'rate-limited', pauseMs: 4200 });
    const silent = new TusError('E_RATE_LIMITED', 'slow down');
    expect(classifyFailure(silent)).toEqual({ kind: 'rate-limited', pauseMs: DEFAULT_RATE_LIMIT_PAUSE_MS });
  });

  it('stores a failure as "[code] message" and reads the code back', () => {
    const reason = failureReason('E_QUOTA', 'The weekly quota is used up.');
    expect(reason).toBe('[E_QUOTA] The weekly quota is used up.');
    expect(codeOfReason(reason)).toBe('E_QUOTA');
    expect(codeOfReason('job stalled more than allowable limit')).toBeUndefined();
  });
});
