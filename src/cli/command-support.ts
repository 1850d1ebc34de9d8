/**
 * What the ledger commands (`list`, `status`, `resume`, `forget`) share: their small io shape,
 * opening the ledger of a state folder without creating one by accident, finding the records a
 * target names, and plain wording of ages. Sizes, percentages and control-free text come from
 * size.ts and render/format.ts, as for every other command.
 */
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { resolveStateDir } from '../config/state-dir.js';
import { ConfigError } from '../errors.js';
import { ledgerPath, openLedger } from '../ledger/open-ledger.js';
import type { Ledger, UploadRecord } from '../ledger/types.js';
import { videoUriIn } from '../vimeo/video-uri.js';

/** A writable text stream. */
export interface CommandOutput {
  write(chunk: string): boolean;
  /** Terminal width; absent when the output is not a terminal. */
  readonly columns?: number | undefined;
}

/** What a ledger command may touch of the outside world (the CLI's `CliIo` fits it). */
export interface LedgerCommandIo {
  readonly stdout: CommandOutput;
  readonly stderr: CommandOutput;
  /** The environment (only for `VIMEO_TUS_STATE_DIR` and the platform default state folder). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Working directory for relative file targets. @default process.cwd() */
  readonly cwd?: string;
  /** Clock in epoch ms. @default Date.now */
  readonly now?: () => number;
  /** Ctrl-C. */
  readonly signal?: AbortSignal;
}

/** The state folder: the given one, else `VIMEO_TUS_STATE_DIR`, else the platform default. */
export function stateDirOf(stateDir: string | undefined, io: LedgerCommandIo): string {
  return resolveStateDir({
    ...(stateDir !== undefined ? { flag: stateDir } : {}),
    env: { ...io.env },
  });
}

/**
 * Opens the ledger of `stateDir` if it exists; undefined when there is none yet (reading
 * commands never create one). A file that is not a ledger is refused (LedgerError), untouched.
 */
export async function openExistingLedger(stateDir: string): Promise<Ledger | undefined> {
  const path = ledgerPath(stateDir);
  try {
    await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return openLedger({ path });
}

/** What a command target names: a local file, or a video. */
export type Target =
  /** `path` is the file's real path (the ledger's key). */
  { readonly kind: 'file'; readonly path: string } | { readonly kind: 'video'; readonly videoUri: string };

/**
 * A target: an existing path is a file; otherwise `/videos/123`, `123` or a vimeo.com link is a
 * video; anything else is taken as a file path (perhaps since deleted).
 */
export async function parseTarget(text: string, cwd: string): Promise<Target> {
  const trimmed = text.trim();
  if (trimmed === '') throw new ConfigError('Give a file or a video URI (/videos/123).');
  const givenPath = resolve(cwd, trimmed);
  const path = await realpath(givenPath).catch(() => undefined);
  const videoUri = path === undefined ? videoUriIn(trimmed) : undefined;
  if (videoUri !== undefined) return { kind: 'video', videoUri };
  return { kind: 'file', path: path ?? givenPath };
}

/** The records of a target, newest first. A file's records are keyed by its real path. */
export async function recordsOf(ledger: Ledger, target: Target): Promise<UploadRecord[]> {
  return target.kind === 'video' ? ledger.findByVideo(target.videoUri) : ledger.findByFile(target.path);
}

/** How a target is named in messages. */
export function targetName(target: Target): string {
  return target.kind === 'file' ? target.path : target.videoUri;
}

/** `5 s`, `3 min`, `2 h`, `4 d` (ago). */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}
