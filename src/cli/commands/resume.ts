/**
 * `vimeo-tus resume [--json]`: continues every unfinished upload in the ledger (for the account
 * of the token), with the upload command's batch runner and reporters.
 */
import { stat } from 'node:fs/promises';
import { type CliConfig, resolveCliConfig } from '../../config/cli-config.js';
import { isUnfinished } from '../../ledger/record-rules.js';
import type { Ledger, UploadRecord } from '../../ledger/types.js';
import { VimeoClient } from '../../vimeo/client.js';
import { loadAgreementTimes, saveAgreementTimes } from '../agreement-file.js';
import { runBatch } from '../batch.js';
import { openExistingLedger } from '../command-support.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { PlannedFile } from '../files.js';
import type { CliIo } from '../io.js';
import { createReporter } from '../render/create-reporter.js';
import { stripControl } from '../render/format.js';
import { writeJsonNothingToDo } from '../render/json-reporter.js';
import { type BatchCommandState, batchBasics, batchConcurrency, runBatchCommand } from './batch-command.js';
import type { UploadCommandOptions } from './upload.js';

/** Options of {@link resumeCommand}: those of `upload` that apply to every unfinished upload. */
export type ResumeCommandOptions = Pick<
  UploadCommandOptions,
  'json' | 'tokenFile' | 'stateDir' | 'chunkSizeBytes' | 'concurrency' | 'wait' | 'verifyTimeoutSeconds'
>;

/** True for a record `resume` continues: unfinished and not given up (`failed`). */
export function isResumable(record: UploadRecord): boolean {
  return isUnfinished(record) && record.state !== 'failed';
}

/**
 * Continues every resumable upload of the token's account. Returns the batch's exit code (0 when
 * all are verified, and when there is nothing to resume).
 */
export async function resumeCommand(options: ResumeCommandOptions, io: CliIo): Promise<ExitCodeValue> {
  return runBatchCommand(options.json ?? false, io, (state) => runResume(options, io, state));
}

async function runResume(
  options: ResumeCommandOptions,
  io: CliIo,
  state: BatchCommandState,
): Promise<ExitCodeValue> {
  const concurrency = batchConcurrency(options.concurrency);
  const config = await resolveCliConfig({
    env: io.env,
    flags: { tokenFile: options.tokenFile, stateDir: options.stateDir },
    readTextFile: io.readTextFile,
  });
  state.secrets.push(config.token);
  const nothingToDo = (): ExitCodeValue => {
    if (options.json) {
      const write = (text: string): void => {
        io.stdout.write(text);
      };
      writeJsonNothingToDo({ write, now: io.now }, concurrency);
      state.summaryWritten = true;
    }
    return ExitCode.Ok;
  };
  // Open for the whole batch: every upload records its steps in it.
  const ledger = await openExistingLedger(config.stateDir);
  if (ledger) await loadAgreementTimes(config.stateDir);
  try {
    const records = ledger ? await ledger.list() : [];
    return await resumeRecords(records, ledger, config, options, io, state, nothingToDo);
  } finally {
    if (ledger) await saveAgreementTimes(config.stateDir);
    await ledger?.close();
  }
}

async function resumeRecords(
  records: readonly UploadRecord[],
  ledger: Ledger | undefined,
  config: CliConfig,
  options: ResumeCommandOptions,
  io: CliIo,
  state: BatchCommandState,
  nothingToDo: () => ExitCodeValue,
): Promise<ExitCodeValue> {
  const concurrency = batchConcurrency(options.concurrency);
  const unfinished = records.filter(isResumable);
  if (!ledger || unfinished.length === 0) {
    if (!options.json) io.stdout.write('Nothing to resume: every recorded upload is finished.\n');
    return nothingToDo();
  }

  const client = new VimeoClient({ token: config.token, apiUrl: config.apiUrl, signal: io.signal });
  const account = (await client.getMe({ signal: io.signal })).uri;
  const mine = unfinished.filter((r) => r.apiUrl === client.apiUrl && r.accountUri === account);
  const skipped = unfinished.length - mine.length;
  if (skipped > 0) {
    io.stderr.write(
      `vimeo-tus: ${skipped} unfinished upload(s) belong to another account or API and were skipped.\n`,
    );
  }
  // One upload per file: the newest record of each (list is newest first).
  const byFile = new Map<string, UploadRecord>();
  for (const record of mine) if (!byFile.has(record.filePath)) byFile.set(record.filePath, record);
  if (byFile.size === 0) return nothingToDo();

  const files: PlannedFile[] = [];
  for (const record of byFile.values()) {
    const sizeBytes = await stat(record.filePath).then(
      (info) => (info.isFile() ? info.size : null),
      () => null,
    );
    files.push({ display: stripControl(record.filePath, '?'), absolutePath: record.filePath, sizeBytes });
  }
  const basics = batchBasics(config, options);
  const summary = await runBatch({
    ...basics,
    files,
    start: io.startUpload,
    options: { ...basics.options, ledger },
    // Only matters when a crashed create is started again: the same name as first asked for.
    videoFor: (file) => {
      const name = byFile.get(file.absolutePath)?.videoName;
      return name ? { name } : undefined;
    },
    concurrency,
    signal: io.signal,
    reporter: await createReporter(io, { json: options.json ?? false }),
    now: io.now,
    resumeHint: 'To continue, run `vimeo-tus resume` again (acknowledged bytes are kept on the server).',
  });
  state.summaryWritten = true;
  return summary.exitCode;
}
