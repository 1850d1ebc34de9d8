/**
 * The resume rules as a table: the newest record of a file, the file now, what was asked, what the
 * server said → the plan (src/resume/decide.ts). The end-to-end tests (test/e2e/resume-*.test.ts)
 * run the same rules against the sandbox.
 */
import { describe, expect, it } from 'vitest';
import type { UploadRecord } from '../../src/ledger/types.js';
import { decide, type Plan, type ResumeIntent, type ServerView } from '../../src/resume/decide.js';
import type { FileIdentity } from '../../src/resume/file-identity.js';
import type { VideoInfo } from '../../src/vimeo/types.js';
import { sampleRecord } from '../ledger/sample-record.js';

const SAME: FileIdentity = {
  fileSize: 3 * 1024 * 1024,
  fileMtimeMs: 1_700_000_000_123.456,
  fingerprint: 'v1:0000000000000000000000000000000000000000000000000000000000000000',
};
const EDITED: FileIdentity = { ...SAME, fingerprint: 'v1:ffff' };
const LINK = 'https://files.example/upload/abc';
const VIDEO = '/videos/7';

function record(overrides: Partial<UploadRecord>): UploadRecord {
  return { id: 'r1', createdAt: 1, updatedAt: 1, ...sampleRecord(), ...overrides };
}

function video(upload: VideoInfo['upload'] = { status: 'in_progress', size: SAME.fileSize }): VideoInfo {
  return { uri: VIDEO, link: 'https://vimeo.com/7', upload };
}

const plain: ResumeIntent = { newUpload: false, replace: undefined };
const fresh: ResumeIntent = { newUpload: true, replace: undefined };
const replace7: ResumeIntent = { newUpload: false, replace: VIDEO };
const replace9: ResumeIntent = { newUpload: false, replace: '/videos/9' };

const creating = record({ state: 'creating', createRequestedAt: 1000 });
const uploading = record({ state: 'uploading', videoUri: VIDEO, uploadLink: LINK, ackedBytes: 1024 });
const inVersionCall = record({ state: 'creating', videoUri: VIDEO, uploadLink: null });
const verified = record({ state: 'verified', videoUri: VIDEO, uploadLink: LINK });
const failed = (errorCode: string, videoUri: string | null = VIDEO): UploadRecord =>
  record({ state: 'failed', videoUri, uploadLink: LINK, errorCode });

/** The parts of a plan a row states: its kind, then what tells it apart. */
function summary(plan: Plan): string {
  switch (plan.kind) {
    case 'ask':
      return `ask ${plan.fact}`;
    case 'create':
      return `create${plan.reuse ? ' on this record' : ''}${plan.notice ? ` (${plan.notice.kind})` : ''}`;
    case 'refuse':
      return `refuse: ${plan.change}`;
    case 'supersede':
      return `supersede: ${plan.why}`;
    case 'finish':
      return `finish${plan.notice ? ` (${plan.notice.kind})` : ''}`;
    case 'continue':
      return `continue ${plan.uploadLink} (${plan.notice.kind})`;
    case 'adopt':
      return `adopt ${plan.videoUri} ${plan.uploadLink}`;
    case 'new-version':
      return `new version: ${plan.why}`;
    case 'video-gone':
      return `video gone ${plan.videoUri}`;
    case 'delete-placeholder':
      return `delete ${plan.videoUri}`;
  }
}

const adoptable = {
  video: video({ status: 'in_progress', size: SAME.fileSize, uploadLink: LINK }),
  verdict: 'adopt',
} as const;

// [the ledger says, the file, asked, the server says, → plan]
const TABLE: [string, UploadRecord | undefined, FileIdentity, ResumeIntent, ServerView, string][] = [
  ['nothing recorded', undefined, SAME, plain, {}, 'create'],
  ['nothing recorded, a replace', undefined, SAME, replace7, {}, 'create'],
  // Finished.
  ['verified, same file: ask the video first', verified, SAME, plain, {}, 'ask video'],
  [
    'verified, same file, video there',
    verified,
    SAME,
    plain,
    { video: video() },
    'finish (already-verified)',
  ],
  ['verified, same file, video gone', verified, SAME, plain, { video: 'gone' }, `video gone ${VIDEO}`],
  ['verified, file edited', verified, EDITED, plain, {}, 'refuse: its content changed'],
  ['verified, --new', verified, SAME, fresh, {}, 'create'],
  ['verified, file edited, --new', verified, EDITED, fresh, {}, 'create'],
  ['verified, a replace', verified, SAME, replace7, {}, 'create'],
  // Failed.
  ['failed without a video (refused create)', failed('E_QUOTA', null), SAME, plain, {}, 'create (restarted)'],
  ['failed, superseded', failed('E_SUPERSEDED'), SAME, plain, {}, 'create (restarted)'],
  ['failed, video gone', failed('E_VIDEO_GONE'), SAME, plain, {}, 'create (restarted)'],
  ['failed, placeholder kept', failed('E_PLACEHOLDER_KEPT'), SAME, plain, {}, 'create (restarted)'],
  ['failed, --new', failed('E_PROCESSING_FAILED'), SAME, fresh, {}, 'create (restarted)'],
  [
    'failed, a replace of another video',
    failed('E_PROCESSING_FAILED'),
    SAME,
    replace9,
    {},
    'create (restarted)',
  ],
  [
    'failed with a live video, file edited',
    failed('E_PROCESSING_FAILED'),
    EDITED,
    plain,
    {},
    'refuse: its content changed',
  ],
  ['failed with a video: ask it first', failed('E_PROCESSING_FAILED'), SAME, plain, {}, 'ask video'],
  [
    'failed with a live video',
    failed('E_PROCESSING_FAILED'),
    SAME,
    plain,
    { video: video() },
    'new version: its last upload ended in E_PROCESSING_FAILED',
  ],
  [
    'failed, a replace of the same video',
    failed('E_PROCESSING_FAILED'),
    SAME,
    replace7,
    { video: video() },
    'new version: its last upload ended in E_PROCESSING_FAILED',
  ],
  [
    'failed, its video gone',
    failed('E_PROCESSING_FAILED'),
    SAME,
    plain,
    { video: 'gone' },
    `video gone ${VIDEO}`,
  ],
  // Unfinished, what was asked first.
  ['unfinished, file edited', uploading, EDITED, plain, {}, 'refuse: its content changed'],
  [
    'unfinished, file resized',
    uploading,
    { ...SAME, fileSize: 5 },
    plain,
    {},
    `refuse: its size changed from ${SAME.fileSize} to 5 bytes`,
  ],
  [
    'unfinished, file edited, --new',
    uploading,
    EDITED,
    fresh,
    {},
    'supersede: the file was modified (its content changed)',
  ],
  ['unfinished, --new', uploading, SAME, fresh, {}, 'supersede: a new upload was asked for'],
  [
    'unfinished, a replace of another video',
    uploading,
    SAME,
    replace9,
    {},
    'supersede: a new version of /videos/9 was asked for',
  ],
  // Unfinished, continued.
  ['uploading: ask the video first', uploading, SAME, plain, {}, 'ask video'],
  ['uploading, video there', uploading, SAME, plain, { video: video() }, `continue ${LINK} (resumed)`],
  [
    'uploading, the same video replaced',
    uploading,
    SAME,
    replace7,
    { video: video() },
    `continue ${LINK} (resumed)`,
  ],
  [
    'uploading, Vimeo reports an upload error',
    uploading,
    SAME,
    plain,
    { video: video({ status: 'error' }) },
    'new version: Vimeo reports an error for its upload',
  ],
  ['uploading, video gone', uploading, SAME, plain, { video: 'gone' }, `video gone ${VIDEO}`],
  // The link died during this call.
  [
    'link gone, upload not complete',
    uploading,
    SAME,
    plain,
    { linkGone: true, video: video() },
    'new version: its upload link no longer works',
  ],
  [
    'link gone, Vimeo says complete',
    uploading,
    SAME,
    plain,
    { linkGone: true, video: video({ status: 'complete', size: SAME.fileSize }) },
    'finish',
  ],
  [
    'link gone, complete at another size',
    uploading,
    SAME,
    plain,
    { linkGone: true, video: video({ status: 'complete', size: 1 }) },
    'new version: Vimeo holds a file of another size',
  ],
  ['link gone, video gone', uploading, SAME, plain, { linkGone: true, video: 'gone' }, `video gone ${VIDEO}`],
  // Stopped inside the create call.
  ['creating, no video: search', creating, SAME, plain, {}, 'ask placeholder'],
  [
    'creating, nothing found',
    creating,
    SAME,
    plain,
    { candidate: 'none' },
    'create on this record (no-placeholder)',
  ],
  ['creating, found and empty', creating, SAME, plain, { candidate: adoptable }, `adopt ${VIDEO} ${LINK}`],
  [
    'creating, found holding bytes',
    creating,
    SAME,
    plain,
    { candidate: { ...adoptable, verdict: 'foreign' } },
    'create on this record (no-placeholder)',
  ],
  [
    'creating, found unusable',
    creating,
    SAME,
    plain,
    { candidate: { ...adoptable, verdict: 'delete' } },
    `delete ${VIDEO}`,
  ],
  ['creating, --new', creating, SAME, fresh, {}, 'supersede: a new upload was asked for'],
  // Stopped inside a version call.
  ['in a version call: ask the video', inVersionCall, SAME, plain, {}, 'ask video'],
  ['in a version call: then classify it', inVersionCall, SAME, plain, { video: video() }, 'ask version'],
  [
    'in a version call, its version empty',
    inVersionCall,
    SAME,
    plain,
    { video: video(), candidate: adoptable },
    `adopt ${VIDEO} ${LINK}`,
  ],
  [
    'in a version call, its version unusable',
    inVersionCall,
    SAME,
    plain,
    { video: video(), candidate: { ...adoptable, verdict: 'delete' } },
    'new version: an earlier run stopped before it had a new upload link',
  ],
  ['in a version call, video gone', inVersionCall, SAME, plain, { video: 'gone' }, `video gone ${VIDEO}`],
];

describe('decide', () => {
  it.each(TABLE)('%s', (_name, latest, file, intent, server, expected) => {
    expect(summary(decide(latest, file, intent, server))).toBe(expected);
  });

  it('names what it found in the notices, never an upload link', () => {
    for (const [, latest, file, intent, server] of TABLE) {
      const plan = decide(latest, file, intent, server);
      const notice = 'notice' in plan ? plan.notice : undefined;
      expect(notice?.message ?? '').not.toContain(LINK);
    }
  });
});
