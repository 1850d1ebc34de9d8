/**
 * The CLI's exit codes (documented in docs/cli.md). Scripts depend on them: never renumber.
 */
import { VimeoTusError } from '../errors.js';

/** Exit codes of every `vimeo-tus` command. */
export const ExitCode = {
  /** Everything asked for was done (for uploads: every file verified complete). */
  Ok: 0,
  /** A bug or an error nobody planned for. */
  Unexpected: 1,
  /** Bad command line, bad option value, or a file that cannot be uploaded. */
  Usage: 2,
  /** The token is missing or was rejected. */
  Auth: 3,
  /** Vimeo refused for quota. */
  Quota: 4,
  /** Some files verified, others failed. */
  Partial: 5,
  /** The upload (every file of it) failed: network, server, verification, processing. */
  UploadFailed: 6,
  /**
   * Another process is uploading the same file right now (the ledger's lock is held): nothing was
   * sent. Wait for it (`vimeo-tus list`), then run again.
   */
  Locked: 7,
  /**
   * The upload host reported every byte, but Vimeo never confirmed them in time (`upload.size`,
   * `upload.status`: E_VERIFY_UNCONFIRMED): not verified. The ledger record is kept, so `status`
   * or the same command again checks again without sending anything twice.
   */
  Unconfirmed: 8,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM; acknowledged bytes stay resumable. */
  Interrupted: 130,
} as const;

/** One of the values of {@link ExitCode}. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code for an error that ended a command (or one file of a batch). */
export function exitCodeForError(error: unknown): ExitCodeValue {
  if (!(error instanceof VimeoTusError)) return ExitCode.Unexpected;
  switch (error.code) {
    case 'E_CONFIG':
    case 'E_FILE_NOT_FOUND':
    case 'E_FILE_NOT_REGULAR':
    case 'E_FILE_EMPTY':
    case 'E_FILE_UNREADABLE':
    case 'E_FILE_MODIFIED_SINCE_LEDGER':
      return ExitCode.Usage;
    case 'E_AUTH':
      return ExitCode.Auth;
    case 'E_QUOTA':
      return ExitCode.Quota;
    case 'E_UPLOAD_LOCKED':
      return ExitCode.Locked;
    case 'E_ABORTED':
      return ExitCode.Interrupted;
    case 'E_VERIFY_UNCONFIRMED':
      return ExitCode.Unconfirmed;
    // A listener of the CLI's own threw: a bug of ours.
    case 'E_LISTENER':
      return ExitCode.Unexpected;
    default:
      return ExitCode.UploadFailed;
  }
}

/**
 * The exit code of a batch. 0 only when every file was verified (`verified === total`, no error);
 * 130 when interrupted; when nothing verified, the code of the failures if they agree (all auth →
 * 3, all quota → 4, all bad input → 2, all locked by another process → 7, all unconfirmed by Vimeo → 8)
 * else 6; when some
 * verified and the rest did not (failed, or never finished without an error of their own), 5.
 * An auth failure anywhere wins (every file would fail).
 */
export function exitCodeForBatch(outcome: {
  /** Files in the batch. */
  readonly total: number;
  readonly verified: number;
  readonly interrupted: boolean;
  /** The errors of the files that failed. */
  readonly errors: readonly unknown[];
}): ExitCodeValue {
  if (outcome.interrupted) return ExitCode.Interrupted;
  if (outcome.verified === outcome.total && outcome.errors.length === 0) return ExitCode.Ok;
  const codes = outcome.errors.map(exitCodeForError);
  if (codes.includes(ExitCode.Auth)) return ExitCode.Auth;
  if (outcome.verified > 0) return ExitCode.Partial;
  const first = codes[0] ?? ExitCode.UploadFailed;
  return codes.every((code) => code === first) ? first : ExitCode.UploadFailed;
}
