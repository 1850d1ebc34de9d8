/**
 * `vimeo-tus status <file | video-uri> [--json]`: asks the server now (HEAD on the upload link,
 * Vimeo's `upload.status` and `transcode.status`) and says plainly whether the upload is
 * complete, and if not, how many bytes are missing.
 */
import { ConfigError } from '../../errors.js';
import type { UploadRecord } from '../../ledger/types.js';
import { accountUriOf } from '../../resume/account-cache.js';
import type { VerifyReport } from '../../upload/types.js';
import { verifyUpload } from '../../upload/verify.js';
import { DEFAULT_API_URL, normaliseApiUrl } from '../../vimeo/api-url.js';
import { VimeoClient } from '../../vimeo/client.js';
import {
  type LedgerCommandIo,
  openExistingLedger,
  parseTarget,
  recordsOf,
  stateDirOf,
  type Target,
  targetName,
} from '../command-support.js';
import { stripControl } from '../render/format.js';
import { formatBytes } from '../size.js';

/** Options of {@link statusCommand}. */
export interface StatusCommandOptions {
  /** A file path, or a video (`/videos/123`, `123`, `https://vimeo.com/123`). */
  readonly target: string;
  readonly token: string;
  /** @default 'https://api.vimeo.com' */
  readonly apiUrl?: string | undefined;
  readonly stateDir?: string | undefined;
  /** One `{"type":"status",...}` JSON line on stdout. */
  readonly json?: boolean | undefined;
}

/** Exit code of `status`: 0 when complete. */
export const STATUS_COMPLETE = 0;
/** Exit code of `status` when bytes are missing or Vimeo reports an error (the upload-failed code). */
export const STATUS_INCOMPLETE = 6;

/**
 * Reports the target's upload as the server sees it now. Returns 0 when complete, 6 when not.
 * @throws ConfigError when the target is a file the ledger does not know (for this API).
 */
export async function statusCommand(options: StatusCommandOptions, io: LedgerCommandIo): Promise<0 | 6> {
  const target = await parseTarget(options.target, io.cwd ?? process.cwd());
  const apiUrl = normaliseApiUrl(options.apiUrl ?? DEFAULT_API_URL);
  const records = await recordsFor(target, apiUrl, stateDirOf(options.stateDir, io));
  // A record is trusted only for the account the token belongs to now: another account's, or
  // another sandbox instance's (a new data folder reuses video ids), would name someone else's video.
  let record: UploadRecord | undefined;
  if (records.length > 0) {
    const client = new VimeoClient({
      token: options.token,
      apiUrl,
      ...(io.signal ? { signal: io.signal } : {}),
    });
    const account = await accountUriOf(client, io.signal);
    record = records.find((r) => r.accountUri === account);
    if (!record && target.kind === 'file') {
      throw new ConfigError(
        `The ledger's record of ${stripControl(target.path, '?')} on ${apiUrl} belongs to another account ` +
          `or sandbox instance (${stripControl(records[0]?.accountUri ?? '?')}, not ${stripControl(account)}): ` +
          'not trusted. Upload the file again, or give a video URI (/videos/123).',
      );
    }
  }
  if (!record && target.kind === 'file') {
    throw new ConfigError(
      `No upload of ${stripControl(target.path, '?')} to ${apiUrl} is recorded; give its video URI (/videos/123) instead.`,
    );
  }
  const videoUri = record?.videoUri ?? (target.kind === 'video' ? target.videoUri : undefined);
  if (videoUri === undefined || videoUri === null) {
    return report(options, io, target, record, undefined);
  }
  const verified = await verifyUpload({
    token: options.token,
    apiUrl,
    videoUri,
    ...(record?.uploadLink ? { uploadLink: record.uploadLink } : {}),
    ...(record ? { expectedSizeBytes: record.fileSize } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
  });
  return report(options, io, target, record, verified);
}

async function recordsFor(target: Target, apiUrl: string, stateDir: string): Promise<UploadRecord[]> {
  const ledger = await openExistingLedger(stateDir);
  if (!ledger) return [];
  try {
    const records = await recordsOf(ledger, target);
    return records.filter((r) => r.apiUrl === apiUrl);
  } finally {
    await ledger.close();
  }
}

function report(
  options: StatusCommandOptions,
  io: LedgerCommandIo,
  target: Target,
  record: UploadRecord | undefined,
  verified: VerifyReport | undefined,
): 0 | 6 {
  const complete = verified?.complete === true && verified.uploadStatus !== 'error';
  if (options.json) {
    io.stdout.write(
      `${JSON.stringify({
        type: 'status',
        target: targetName(target),
        file: record?.filePath ?? null,
        videoUri: verified?.videoUri ?? null,
        link: verified?.link ?? record?.videoLink ?? null,
        complete,
        uploadOffset: verified?.uploadOffset ?? null,
        uploadLength: verified?.uploadLength ?? null,
        bytesMissing: verified?.bytesMissing ?? null,
        uploadStatus: verified?.uploadStatus ?? null,
        transcodeStatus: verified?.transcodeStatus ?? null,
        uploadSize: verified?.uploadSize ?? null,
        checks: verified?.checks ?? null,
        ledgerState: record?.state ?? null,
        ledgerErrorCode: record?.errorCode ?? null,
      })}\n`,
    );
    return complete ? STATUS_COMPLETE : STATUS_INCOMPLETE;
  }
  const lines: string[] = [];
  const name = stripControl(record?.filePath ?? targetName(target), '?');
  if (!verified) {
    lines.push(
      `${name}: not uploaded yet — its create call never completed (ledger state ${record?.state ?? 'unknown'}).`,
      'Run the same upload command again (or `vimeo-tus resume`) to continue.',
    );
  } else {
    const where = verified.link ? `${verified.link} (${verified.videoUri})` : verified.videoUri;
    lines.push(`${name} → ${where}`);
    lines.push(`  upload: ${uploadSentence(verified, complete)}`);
    lines.push(
      `  Vimeo: upload.status ${verified.uploadStatus}, transcode.status ${verified.transcodeStatus}` +
        (verified.transcodeStatus === 'complete' ? ' (ready to watch)' : ''),
    );
    if (record) {
      const error = record.errorCode ? ` (last error ${record.errorCode})` : '';
      lines.push(`  ledger: ${record.state}${error}`);
    }
    if (!complete && verified.uploadStatus !== 'error') {
      lines.push('  To continue: run the same upload command again, or `vimeo-tus resume`.');
    }
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return complete ? STATUS_COMPLETE : STATUS_INCOMPLETE;
}

function uploadSentence(verified: VerifyReport, complete: boolean): string {
  if (verified.uploadStatus === 'error') return 'FAILED — Vimeo reports an error for this upload.';
  if (verified.uploadOffset === null) {
    return complete
      ? 'complete (Vimeo reports the upload complete; its link is closed).'
      : 'INCOMPLETE — the upload link no longer answers and Vimeo does not report it complete.';
  }
  const total = verified.uploadLength ?? verified.uploadOffset;
  if (complete) return `complete — all ${total} bytes (${formatBytes(total)}) are on the server.`;
  if (verified.checks.headOffsets) {
    return (
      `NOT CONFIRMED — the upload host reports all ${total} bytes, but Vimeo reports upload.size ` +
      `${verified.uploadSize ?? 'missing'} and upload.status ${verified.uploadStatus}: not verified yet.`
    );
  }
  const missing = verified.bytesMissing ?? 0;
  return (
    `INCOMPLETE — ${verified.uploadOffset} of ${total} bytes are on the server; ` +
    `${missing} bytes (${formatBytes(missing)}) are missing.`
  );
}
