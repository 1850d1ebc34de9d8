/**
 * `vimeo-tus list [--json]`: every upload in the ledger with its state, progress, video and age.
 * Never shows an upload link (it is a capability).
 */

import type { UploadRecord } from '../../ledger/types.js';
import { formatAge, type LedgerCommandIo, openExistingLedger, stateDirOf } from '../command-support.js';
import { terminalSize } from '../io.js';
import { percentValue, stripControl } from '../render/format.js';
import { formatBytes } from '../size.js';

/** Options of {@link listCommand}. */
export interface ListCommandOptions {
  /** `--state-dir`; else `VIMEO_TUS_STATE_DIR`, else the platform default. */
  readonly stateDir?: string | undefined;
  /** NDJSON: one `{"type":"upload",...}` line per record. */
  readonly json?: boolean | undefined;
}

/** One record as `list --json` prints it. */
export function recordJson(record: UploadRecord, nowMs: number): Record<string, unknown> {
  return {
    type: 'upload',
    id: record.id,
    file: record.filePath,
    state: record.state,
    bytesAcked: record.ackedBytes,
    bytesTotal: record.fileSize,
    percent: percentValue(record.ackedBytes, record.fileSize, 1),
    videoUri: record.videoUri,
    link: record.videoLink,
    apiUrl: record.apiUrl,
    account: record.accountUri,
    errorCode: record.errorCode,
    errorMessage: record.errorMessage,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
    ageSeconds: Math.max(0, Math.round((nowMs - record.createdAt) / 1000)),
  };
}

/**
 * Lists the ledger's uploads, newest first. Returns 0 (also when there are none).
 * @throws LedgerError when the ledger file exists but is not a usable ledger (it is left untouched).
 */
export async function listCommand(options: ListCommandOptions, io: LedgerCommandIo): Promise<0> {
  const stateDir = stateDirOf(options.stateDir, io);
  const nowMs = (io.now ?? Date.now)();
  const ledger = await openExistingLedger(stateDir);
  const records = ledger ? await ledger.list().finally(() => ledger.close()) : [];
  if (options.json) {
    for (const record of records) io.stdout.write(`${JSON.stringify(recordJson(record, nowMs))}\n`);
    return 0;
  }
  if (records.length === 0) {
    io.stdout.write(`No uploads recorded (ledger in ${stripControl(stateDir, '?')}).\n`);
    return 0;
  }
  const rows = records.map((record) => ({
    state: record.errorCode ? `${record.state} (${record.errorCode})` : record.state,
    progress: `${percentValue(record.ackedBytes, record.fileSize, 1)}% of ${formatBytes(record.fileSize)}`,
    video: record.videoLink ?? record.videoUri ?? '-',
    age: formatAge(nowMs - record.createdAt),
    file: stripControl(record.filePath, '?'),
  }));
  const { renderRecords } = await import('../render/record-list.js');
  io.stdout.write(
    `${renderRecords(rows, io.stdout.columns === undefined ? null : terminalSize(io.stdout).columns)}\n`,
  );
  return 0;
}
