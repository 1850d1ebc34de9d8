/**
 * The words people read: forget's sentences, the plain lines that say what happens to a file, and
 * the footer's counts.
 */
import { describe, expect, it } from 'vitest';
import { forgottenSentence } from '../../src/cli/commands/forget.js';
import type { PlannedFile } from '../../src/cli/files.js';
import { createPlainReporter } from '../../src/cli/render/plain-reporter.js';
import type { FileOutcome } from '../../src/cli/render/reporter.js';
import { renderSummary } from '../../src/cli/render/summary-table.js';
import type { UploadRecord } from '../../src/ledger/types.js';
import { sampleRecord } from '../ledger/sample-record.js';

function record(overrides: Partial<UploadRecord>): UploadRecord {
  return { ...sampleRecord(), id: 'r1', createdAt: 0, updatedAt: 0, ...overrides };
}

describe('forget says what it removed', () => {
  it('a verified upload: the record goes, the video stays', () => {
    const text = forgottenSentence(
      record({ state: 'verified', videoUri: '/videos/1', uploadLink: 'https://u/1' }),
    );
    expect(text).toBe(
      "Removed the ledger's record of /videos/talk.mp4, uploaded and verified as /videos/1: the video stays on Vimeo.",
    );
    expect(text).not.toMatch(/Forgot the \w+ upload/);
  });

  it('a failed replace whose version never answered claims no video', () => {
    const text = forgottenSentence(
      record({ state: 'failed', videoUri: '/videos/999', uploadLink: null, errorCode: 'E_NOT_FOUND' }),
    );
    expect(text).not.toContain('stays on Vimeo');
    expect(text).toContain('never started');
    expect(forgottenSentence(record({ state: 'creating' }))).toContain('no video was made');
  });

  it('an unfinished upload: the video stays, and a new upload will not continue it', () => {
    const text = forgottenSentence(
      record({ state: 'uploading', videoUri: '/videos/2', uploadLink: 'https://u/2' }),
    );
    expect(text).toContain('unfinished upload');
    expect(text).toContain('/videos/2: the video stays on Vimeo');
  });
});

const file = (name: string): PlannedFile => ({ display: name, absolutePath: `/x/${name}`, sizeBytes: 100 });

function plainLines(replacing?: string) {
  let out = '';
  const reporter = createPlainReporter({
    write: (t) => {
      out += t;
    },
    now: () => 0,
    ...(replacing !== undefined ? { replacing } : {}),
  });
  return { reporter, text: () => out };
}

describe('the plain lines say what happens, not "creating video" for every file', () => {
  it('a new file: created video; a resumed one: resumed, then continuing; a verified one: already verified', () => {
    const { reporter, text } = plainLines();
    const [a, b, c] = [file('new.mp4'), file('old.mp4'), file('done.mp4')];
    reporter.start([a, b, c], { concurrency: 3 });
    for (const f of [a, b, c]) reporter.began(f);
    reporter.created(a, {
      videoUri: '/videos/1',
      link: 'https://vimeo.com/1',
      bytesTotal: 100,
      created: true,
    });
    reporter.notice(b, { kind: 'resumed', message: 'Continuing the earlier upload.', videoUri: '/videos/2' });
    reporter.created(b, {
      videoUri: '/videos/2',
      link: 'https://vimeo.com/2',
      bytesTotal: 100,
      created: false,
    });
    reporter.notice(c, { kind: 'already-verified', message: 'Already verified.', videoUri: '/videos/3' });
    reporter.created(c, {
      videoUri: '/videos/3',
      link: 'https://vimeo.com/3',
      bytesTotal: 100,
      created: false,
    });
    expect(text()).not.toContain('creating video');
    expect(text()).toContain('[new.mp4] created video /videos/1');
    expect(text()).toContain('[old.mp4] resumed: Continuing the earlier upload.');
    expect(text()).toContain('[old.mp4] continuing /videos/2');
    expect(text()).toContain('[done.mp4] already verified: /videos/3');
  });

  it('a replace says so', () => {
    const { reporter, text } = plainLines('/videos/7');
    const f = file('v2.mp4');
    reporter.start([f], { concurrency: 1 });
    reporter.began(f);
    reporter.created(f, {
      videoUri: '/videos/7',
      link: 'https://vimeo.com/7',
      bytesTotal: 100,
      created: true,
    });
    expect(text()).toContain('[v2.mp4] replacing the file of /videos/7');
    expect(text()).toContain('[v2.mp4] new version of /videos/7');
    expect(text()).not.toContain('creating video');
  });
});

describe('the footer counts files that never started apart from stopped ones', () => {
  it('says "not started", never "unfinished"', () => {
    const outcome = (name: string, status: FileOutcome['status']): FileOutcome => ({
      file: file(name),
      status,
      videoUri: null,
      link: null,
      bytesTotal: 100,
      bytesAcked: status === 'interrupted' ? 50 : 0,
      durationMs: null,
      result: null,
      error: null,
      notices: [],
      adopted: false,
    });
    const text = renderSummary(
      {
        outcomes: [
          outcome('a.mp4', 'interrupted'),
          outcome('b.mp4', 'not-started'),
          outcome('c.mp4', 'not-started'),
        ],
        interrupted: true,
        durationMs: 3000,
        exitCode: 130,
        resumeHint: null,
      },
      { width: null, color: false },
    );
    expect(text).toContain(
      'Interrupted: 0 of 3 verified (0 B), 1 stopped, 2 not started, in 0:03. Exit code 130.',
    );
    expect(text).not.toContain('unfinished');
  });
});
