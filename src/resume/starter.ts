/**
 * A starter for programs that run many uploads (the CLI's batch): each upload opens the ledger
 * of the state folder, runs ledger-backed, and closes its connection at the end. One `GET /me`
 * per token for the whole run.
 */
import { EventEmitter } from 'node:events';
import { VimeoTusError } from '../errors.js';
import { ledgerPath, openLedger } from '../ledger/open-ledger.js';
import type { NoticeEvent, Upload, UploadEvents, UploadOptions, UploadResult } from '../upload/types.js';
import { AccountCache } from './account-cache.js';
import { startLedgerUpload } from './ledger-upload.js';

/** Options of {@link createLedgerStarter}. */
export interface LedgerStarterOptions {
  /** The state folder (already resolved, see `resolveStateDir`); the ledger is `<stateDir>/ledger.db`. */
  readonly stateDir: string;
  /** Told of every notice (resumed, adopted, new version, ...), e.g. to print it. */
  readonly onNotice?: (filePath: string, notice: NoticeEvent) => void;
}

/** What each upload of the starter may ask besides the engine options. */
export interface LedgerStartIntent {
  /** `--new`: start a new video even when the ledger knows this file. */
  readonly forceNew: boolean;
}

/** Starts one ledger-backed upload (same handle shape as `createUpload`). */
export type LedgerStarter = (filePath: string, options: UploadOptions, intent: LedgerStartIntent) => Upload;

class DeferredUpload extends EventEmitter<UploadEvents> implements Upload {
  readonly filePath: string;
  readonly done: Promise<UploadResult>;

  constructor(filePath: string, run: (events: DeferredUpload) => Promise<UploadResult>) {
    super();
    this.filePath = filePath;
    this.done = Promise.resolve().then(() => run(this));
  }
}

const FORWARDED = ['created', 'progress', 'retry', 'verified', 'notice'] as const;

/**
 * A starter whose uploads are recorded in the ledger of `options.stateDir` (created owner-only
 * when missing) and resumed from it.
 * @example
 * const start = createLedgerStarter({ stateDir: resolveStateDir({ env: process.env }) });
 * const result = await start('talk.mp4', { token }, { forceNew: false }).done;
 */
export function createLedgerStarter(options: LedgerStarterOptions): LedgerStarter {
  const accounts = new AccountCache();
  const path = ledgerPath(options.stateDir);
  return (filePath, uploadOptions, intent) =>
    new DeferredUpload(filePath, async (events) => {
      const ledger = await openLedger({ path });
      try {
        const upload = startLedgerUpload(filePath, {
          ...uploadOptions,
          ledger,
          accounts,
          newUpload: intent.forceNew,
        });
        for (const name of FORWARDED) {
          upload.on(name, (...args: unknown[]) => {
            (events.emit as (event: string, ...rest: unknown[]) => boolean)(name, ...args);
          });
        }
        if (options.onNotice) upload.on('notice', (notice) => options.onNotice?.(filePath, notice));
        return await upload.done;
      } catch (error) {
        if (error instanceof VimeoTusError && events.listenerCount('error') > 0) events.emit('error', error);
        throw error;
      } finally {
        await ledger.close();
      }
    });
}
