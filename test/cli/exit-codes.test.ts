import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeForBatch, exitCodeForError } from '../../src/cli/exit-codes.js';
import { ConfigError, FileError, LedgerError, NetworkError, VimeoApiError } from '../../src/errors.js';

describe('exit codes', () => {
  it('maps errors', () => {
    expect(exitCodeForError(new ConfigError('x'))).toBe(ExitCode.Usage);
    expect(exitCodeForError(new FileError('E_FILE_NOT_FOUND', 'a', 'x'))).toBe(ExitCode.Usage);
    expect(exitCodeForError(new VimeoApiError('x', { code: 'E_AUTH' }))).toBe(ExitCode.Auth);
    expect(exitCodeForError(new VimeoApiError('x', { code: 'E_QUOTA' }))).toBe(ExitCode.Quota);
    expect(exitCodeForError(new NetworkError('x'))).toBe(ExitCode.UploadFailed);
    expect(exitCodeForError(new Error('bug'))).toBe(ExitCode.Unexpected);
    expect(exitCodeForError(new LedgerError('busy', { code: 'E_UPLOAD_LOCKED' }))).toBe(7);
    expect(exitCodeForError(new LedgerError('disk full'))).toBe(ExitCode.UploadFailed);
  });

  it('a batch whose every failure is "already being uploaded" exits 7; mixed with others 6; with some verified 5', () => {
    const locked = (): LedgerError => new LedgerError('busy', { code: 'E_UPLOAD_LOCKED' });
    expect(
      exitCodeForBatch({ total: 2, verified: 0, interrupted: false, errors: [locked(), locked()] }),
    ).toBe(7);
    expect(
      exitCodeForBatch({
        total: 2,
        verified: 0,
        interrupted: false,
        errors: [locked(), new NetworkError('x')],
      }),
    ).toBe(6);
    expect(exitCodeForBatch({ total: 2, verified: 1, interrupted: false, errors: [locked()] })).toBe(5);
  });

  it('exits 0 only when every file was verified: files that neither verified nor failed are not success', () => {
    expect(exitCodeForBatch({ total: 3, verified: 2, interrupted: false, errors: [] })).toBe(
      ExitCode.Partial,
    );
    expect(exitCodeForBatch({ total: 2, verified: 0, interrupted: false, errors: [] })).toBe(
      ExitCode.UploadFailed,
    );
    expect(exitCodeForBatch({ total: 2, verified: 2, interrupted: false, errors: [] })).toBe(ExitCode.Ok);
    expect(exitCodeForBatch({ total: 0, verified: 0, interrupted: false, errors: [] })).toBe(ExitCode.Ok);
  });

  it('maps batches', () => {
    // total = verified + failed unless said otherwise.
    const batch = (verified: number, errors: Error[], interrupted = false): number =>
      exitCodeForBatch({ total: verified + errors.length, verified, interrupted, errors });
    expect(batch(3, [])).toBe(0);
    expect(batch(2, [new NetworkError('x')])).toBe(5);
    expect(batch(0, [new NetworkError('x')])).toBe(6);
    expect(
      batch(0, [new VimeoApiError('x', { code: 'E_QUOTA' }), new VimeoApiError('y', { code: 'E_QUOTA' })]),
    ).toBe(4);
    expect(batch(0, [new VimeoApiError('x', { code: 'E_QUOTA' }), new NetworkError('y')])).toBe(6);
    expect(batch(1, [new VimeoApiError('x', { code: 'E_AUTH' })])).toBe(3);
    expect(batch(1, [new NetworkError('x')], true)).toBe(130);
  });
});
