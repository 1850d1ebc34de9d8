/**
 * docs/benchmarks.md is shared by two scripts: each owns the text between its own markers
 * (`<!-- bench:begin -->` … `<!-- bench:end -->`, `<!-- chaos:begin -->` … `<!-- chaos:end -->`)
 * and leaves everything else, including hand-written notes, as it is.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The sections a script may own. */
export type ReportSection = 'bench' | 'chaos';

const TEMPLATE = `# Benchmarks

Measured by \`npm run bench\` (bench/run.ts) and \`npm run chaos\` (bench/chaos.ts). Each script
rewrites only its own section between the markers below; text outside the markers is kept.

<!-- bench:begin -->
<!-- bench:end -->

<!-- chaos:begin -->
<!-- chaos:end -->
`;

const markers = (section: ReportSection): [string, string] => [
  `<!-- ${section}:begin -->`,
  `<!-- ${section}:end -->`,
];

/** Returns `text` with the section's body replaced (appended, with markers, when absent). */
export function replaceSection(text: string, section: ReportSection, body: string): string {
  const [begin, end] = markers(section);
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  const block = `${begin}\n${body.trimEnd()}\n${end}`;
  if (start === -1 || stop === -1 || stop < start) {
    return `${text.trimEnd()}\n\n${block}\n`;
  }
  return `${text.slice(0, start)}${block}${text.slice(stop + end.length)}`;
}

/** The body of a section, or `null` when the markers are missing. */
export function readSection(text: string, section: ReportSection): string | null {
  const [begin, end] = markers(section);
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start === -1 || stop === -1 || stop < start) return null;
  return text.slice(start + begin.length, stop).trim();
}

/** Rewrites one section of the report file (created from a template when missing), atomically. */
export async function writeSection(path: string, section: ReportSection, body: string): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => TEMPLATE);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, replaceSection(current, section, body));
  await rename(temporary, path);
}
