/** Test data for ledger tests; free of vitest so child processes can import it too. */
import type { NewUploadRecord, UploadKey } from '../../src/ledger/types.js';

/** The key of every `sampleRecord` unless overridden. */
export const SAMPLE_KEY: UploadKey = {
  filePath: '/videos/talk.mp4',
  apiUrl: 'https://api.vimeo.com',
  accountUri: '/users/1',
};

/** A complete new record for `SAMPLE_KEY`, with `overrides`. */
export function sampleRecord(overrides: Partial<NewUploadRecord> = {}): NewUploadRecord {
  return {
    ...SAMPLE_KEY,
    fileSize: 3 * 1024 * 1024,
    fileMtimeMs: 1_700_000_000_123.456,
    fingerprint: 'v1:0000000000000000000000000000000000000000000000000000000000000000',
    videoName: 'talk.mp4',
    videoUri: null,
    videoLink: null,
    uploadLink: null,
    ackedBytes: 0,
    state: 'creating',
    errorCode: null,
    errorMessage: null,
    createRequestedAt: null,
    ...overrides,
  };
}
