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
}

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
 * that file's error instead of silently dropping it. A directory without any match is an error.
 */
export async function planFiles(
  inputs: readonly string[],
  options: { readonly cwd: string; readonly include: (fileName: string) => boolean },
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
      const found = await walk(absolutePath, input, options.include);
      if (found.length === 0) {
        throw new ConfigError(`No video files in ${input} (use --include to choose extensions or patterns).`);
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
  include: (fileName: string) => boolean,
): Promise<PlannedFile[]> {
  const entries = await readdir(absoluteDir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: PlannedFile[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const absolutePath = path.join(absoluteDir, entry.name);
    const display = path.join(displayDir, entry.name);
    if (entry.isDirectory()) {
      out.push(...(await walk(absolutePath, display, include)));
    } else if (entry.isFile() && include(entry.name)) {
      const info = await stat(absolutePath).catch(() => undefined);
      out.push({ display, absolutePath, sizeBytes: info?.size ?? null });
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
