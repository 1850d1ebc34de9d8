/**
 * The one rule for "this listed video may be the one our create call made", shared by the
 * engine's adoption (a lost create answer) and the ledger's crash recovery.
 */
import { describe, expect, it } from 'vitest';
import { CreateOutcomeUnknownError, VimeoApiError } from '../../src/errors.js';
import {
  adoptCreated,
  CREATE_CLOCK_SKEW_MS,
  isCreateCandidate,
  type RecoveryClient,
} from '../../src/vimeo/create-recovery.js';
import type { VideoInfo } from '../../src/vimeo/types.js';

const startedAtMs = Date.parse('2026-01-02T10:00:00Z');
const attempt = { name: 'talk.mp4', sizeBytes: 1000, startedAtMs };
const video = (over: Partial<VideoInfo> & { upload?: VideoInfo['upload'] } = {}): VideoInfo => ({
  uri: '/videos/1',
  name: 'talk.mp4',
  createdTime: '2026-01-02T10:00:01Z',
  upload: { status: 'in_progress', size: 1000, approach: 'tus', uploadLink: 'http://u/files/x' },
  ...over,
});

describe('isCreateCandidate', () => {
  it('takes a video of the same name and size, created since the call, still waiting for bytes', () => {
    expect(isCreateCandidate(video(), attempt)).toBe(true);
    expect(isCreateCandidate(video({ name: 'other.mp4' }), { ...attempt, name: undefined })).toBe(true);
  });

  it('refuses another name, another or unknown size, an older video, and a complete upload', () => {
    expect(isCreateCandidate(video({ name: 'other.mp4' }), attempt)).toBe(false);
    expect(isCreateCandidate(video({ upload: { size: 999 } }), attempt)).toBe(false);
    expect(isCreateCandidate(video({ upload: { status: 'in_progress' } }), attempt)).toBe(false);
    expect(isCreateCandidate(video({ upload: { status: 'complete', size: 1000 } }), attempt)).toBe(false);
    const older = new Date(startedAtMs - CREATE_CLOCK_SKEW_MS - 1000).toISOString();
    expect(isCreateCandidate(video({ createdTime: older }), attempt)).toBe(false);
    expect(isCreateCandidate(video({ createdTime: older }), { ...attempt, skewMs: 10 * 60_000 })).toBe(true);
    const { createdTime: _none, ...undated } = video();
    expect(isCreateCandidate(undated, attempt)).toBe(false);
  });

  it("the engine's adoption follows it: a complete look-alike is never adopted", async () => {
    const client: RecoveryClient = {
      listVideos: async () => ({ data: [video({ upload: { status: 'complete', size: 1000 } })], next: null }),
      getVideo: async () => video(),
      deleteVideo: async () => undefined,
    };
    const lost = new VimeoApiError('edge', { request: { method: 'POST', host: 'api', status: 503 } });
    const now = { ...attempt, startedAtMs: Date.parse('2026-01-02T10:00:00Z') };
    await expect(adoptCreated(client, lost, now, undefined)).rejects.toBeInstanceOf(
      CreateOutcomeUnknownError,
    );
  });
});
