import { describe, expect, it } from 'vitest';
import { AbortError, NetworkError, VerificationError, VimeoApiError } from '../../src/errors.js';
import type { UploadRecord } from '../../src/ledger/types.js';
import { createRefused, failurePatch } from '../../src/resume/failure-rules.js';

const record = { fileSize: 1000, ackedBytes: 10 } as UploadRecord;
const answered = (status: number) => ({ request: { method: 'POST', host: 'api.vimeo.com', status } });

describe('what an error does to a ledger record', () => {
  it('a create refused with a 4xx fails the record; a 5xx, a timeout or an abort keeps it creating', () => {
    expect(createRefused(new VimeoApiError('full', { code: 'E_QUOTA', ...answered(403) }))).toBe(true);
    expect(createRefused(new VimeoApiError('bad', answered(400)))).toBe(true);
    expect(createRefused(new VimeoApiError('edge', answered(503)))).toBe(false);
    expect(createRefused(new NetworkError('reset'))).toBe(false);
    expect(
      failurePatch(record, new VimeoApiError('full', { code: 'E_QUOTA', ...answered(403) }), 'create'),
    ).toEqual({
      state: 'failed',
      errorCode: 'E_QUOTA',
      errorMessage: 'full',
    });
    expect(failurePatch(record, new VimeoApiError('edge', answered(500)), 'create')).toEqual({
      errorCode: 'E_VIMEO_API',
      errorMessage: 'edge',
    });
    expect(failurePatch(record, new AbortError(), 'create')).not.toHaveProperty('state');
  });

  it('a version call refused with a 4xx keeps the record resumable (the video exists: no new one)', () => {
    const refused = [
      new VimeoApiError('cannot edit', answered(403)),
      new VimeoApiError('bad', answered(400)),
      new VimeoApiError('full', { code: 'E_QUOTA', ...answered(403) }),
    ];
    for (const error of refused) {
      const patch = failurePatch(record, error, 'version');
      expect(patch).not.toHaveProperty('state');
      expect(patch).toEqual({ errorCode: error.code, errorMessage: error.message });
    }
  });

  it('after the create, only a processing failure fails the record; a processing timeout leaves it verified', () => {
    expect(failurePatch(record, new NetworkError('reset'), 'transfer')).toEqual({
      errorCode: 'E_NETWORK',
      errorMessage: 'reset',
    });
    expect(
      failurePatch(record, new VerificationError('E_VERIFY_FAILED', 'short'), 'transfer'),
    ).not.toHaveProperty('state');
    expect(failurePatch(record, new VerificationError('E_PROCESSING_FAILED', 'x'), 'transfer')).toMatchObject(
      {
        state: 'failed',
      },
    );
    expect(
      failurePatch(record, new VerificationError('E_PROCESSING_TIMEOUT', 'x'), 'transfer'),
    ).toMatchObject({
      state: 'verified',
      ackedBytes: 1000,
    });
    expect(failurePatch(record, new Error('bug'), 'transfer')).toEqual({
      errorCode: 'E_UNEXPECTED',
      errorMessage: 'bug',
    });
  });
});
