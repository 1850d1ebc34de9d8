/**
 * Turns the command line's `<file|dir>...` into the list of files to upload: files as given,
 * directories walked (recursively, in name order) for files that match the filter.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { isUrlSource, probeUrl, redactUrl } from '../sources/url-source.js';

/** Extensions taken from directories when no `--include` is given. */
export const DEFAULT_VIDEO_EXTENSIONS: readonly string[] = [
  '3gp',
  'avi',
  'flv',
  'm2ts',
  'm4v',
  'mkv',
  'mov',
  'mp4',
  'mpeg',
  'mpg',
  'mts',
  'mxf',
  'ogv',
  'webm',
  'wmv',
];

/** One file the batch will try to upload. */
export interface PlannedFile {
  /** As shown to the user and in NDJSON: the path as typed, or joined under the typed directory. */
  readonly display: string;
  /** Absolute path; for a URL source the URL itself, query string included (never shown). */
  readonly absolutePath: string;
  /** Size at planning time; null when the path could not be read (the upload reports why). */
  readonly sizeBytes: number | null;
  /**
   * Set for a file found in a folder that has nothing to upload (`empty`: 0 bytes): the batch
   * reports it as skipped, with its own line in the summary, and makes no video. A file given
   * explicitly is never skipped (an empty one is that file's error).
   */
  readonly skip?: 'empty';
}

/** What planning tells the user about inputs that give no file (an empty folder, a broken link). */
export type PlanNotice = (message: string) => void;

/**
 * Compiles `--include`: a comma-separated list of extensions (`mp4,mov`, `.mkv`) or globs on the
 * file name (`*.mp4`, `clip-??.mov`). Case-insensitive.
 */
export function compileInclude(spec: string | undefined): (fileName: string) => boolean {
  const items = (spec ?? DEFAULT_VIDEO_EXTENSIONS.join(','))
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new ConfigError('--include needs at least one extension or pattern.');
  const patterns = items.map((item) => {
    if (/[*?]/.test(item)) return globToRegExp(item);
    const ext = item.replace(/^\*?\./, '');
    return new RegExp(`\\.${escapeRegExp(ext)}$`, 'i');
  });
  return (fileName) => patterns.some((pattern) => pattern.test(fileName));
}

/**
 * Expands the inputs. A missing input is kept (with `sizeBytes: null`) so the batch reports it as
 * that file's error instead of silently dropping it. Symbolic links inside a folder are followed
 * (a folder reached twice, e.g. through a link loop, is walked once). A folder without any match is
 * a notice when `onNotice` is given (the other inputs still go), else an error.
 */
export async function planFiles(
  inputs: readonly string[],
  options: {
    readonly cwd: string;
    readonly include: (fileName: string) => boolean;
    readonly onNotice?: PlanNotice;
  },
): Promise<PlannedFile[]> {
  const planned: PlannedFile[] = [];
  const seen = new Set<string>();
  // One file once, however it was named (`./a.mp4`, a symlink to it, its absolute path): the
  // canonical path is also what the ledger keys the upload by.
  const add = async (file: PlannedFile): Promise<void> => {
    const canonical = await realpath(file.absolutePath).catch(() => file.absolutePath);
    if (seen.has(canonical)) return;
    seen.add(canonical);
    planned.push(file);
  };
  for (const input of inputs) {
    if (isUrlSource(input)) {
      // Shown without its query string (a presigned URL's signature); an unreadable URL is
      // reported by its upload (size 0 here), with the reason.
      const probe = await probeUrl(input).catch(() => undefined);
      await add({ display: redactUrl(input), absolutePath: input, sizeBytes: probe?.sizeBytes ?? 0 });
      continue;
    }
    const absolutePath = path.resolve(options.cwd, input);
    const info = await stat(absolutePath).catch(() => undefined);
    if (info?.isDirectory()) {
      const notice = options.onNotice ?? (() => {});
      const found = await walk(absolutePath, input, { include: options.include, notice, walked: new Set() });
      if (found.length === 0) {
        const message = `No video files in ${input} (use --include to choose extensions or patterns).`;
        if (!options.onNotice) throw new ConfigError(message);
        options.onNotice(`${message} Skipped.`);
      }
      for (const file of found) await add(file);
    } else {
      await add({ display: input, absolutePath, sizeBytes: info?.isFile() ? info.size : null });
    }
  }
  return planned;
}

async function walk(
  absoluteDir: string,
  displayDir: string,
  context: { include: (fileName: string) => boolean; notice: PlanNotice; walked: Set<string> },
): Promise<PlannedFile[]> {
  // A folder reached a second time (a link to an ancestor, two links to one folder) is not walked
  // again: this is the loop protection.
  const real = await realpath(absoluteDir).catch(() => absoluteDir);
  if (context.walked.has(real)) {
    context.notice(`${displayDir}: a link to a folder already walked (${real}); not walked again.`);
    return [];
  }
  context.walked.add(real);
  const entries = await readdir(absoluteDir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: PlannedFile[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const absolutePath = path.join(absoluteDir, entry.name);
    const display = path.join(displayDir, entry.name);
    // A symbolic link is followed: `stat` gives what it points at.
    const info = entry.isSymbolicLink() ? await stat(absolutePath).catch(() => undefined) : entry;
    if (info === undefined) {
      context.notice(`${display}: a symbolic link to nothing (broken); skipped.`);
    } else if (info.isDirectory()) {
      out.push(...(await walk(absolutePath, display, context)));
    } else if (info.isFile() && context.include(entry.name)) {
      const size = (await stat(absolutePath).catch(() => undefined))?.size ?? null;
      out.push({ display, absolutePath, sizeBytes: size, ...(size === 0 ? { skip: 'empty' as const } : {}) });
    }
  }
  return out;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 'i');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
