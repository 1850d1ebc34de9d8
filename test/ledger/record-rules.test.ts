import { describe, expect, it } from 'vitest';
import { isUnfinished, UPLOAD_STATES } from '../../src/ledger/record-rules.js';

describe('isUnfinished', () => {
  it('counts creating, uploading, uploaded and failed as unfinished, verified and processed as finished', () => {
    const unfinished = UPLOAD_STATES.filter((state) => isUnfinished({ state }));
    expect(unfinished).toEqual(['creating', 'uploading', 'uploaded', 'failed']);
  });
});
