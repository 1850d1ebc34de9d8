/**
 * The live display in a real pseudo-terminal: the built binary runs inside a detached tmux session
 * at 80 and at 60 columns against a throttled sandbox, with a wide-character file name (日本.mp4:
 * 6 characters, 8 columns). The test captures the screen while files are in flight and at the end,
 * then runs again (notices) and `list`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { BIN, buildDist } from './helpers/spawn-cli.js';

const exec = promisify(execFile);
const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V']);
    return true;
  } catch {
    // CI (.ci/run) installs tmux and sets this: there the test must run, not be skipped.
    if (process.env.VIMEO_TUS_REQUIRE_TMUX === '1')
      throw new Error('tmux is required (apt-get install tmux)');
    return false;
  }
})();

const MiB = 1024 * 1024;
const WIDE = '日本.mp4';
const LONG = 'interview-with-a-rather-long-name.mp4';
const socket = `vimeo-tus-test-${process.pid}`;
let root: string;
let sandbox: Sandbox;
let sessions = 0;

beforeAll(async () => {
  if (!hasTmux) return;
  await buildDist();
  root = await mkdtemp(path.join(tmpdir(), 'vimeo-tus-tty-'));
  sandbox = await startSandbox({ uploadCompleteDelayMs: 20, transcodeDelayMs: 20 });
  sandbox.setFaults({ throttleBytesPerSecond: 2 * MiB });
}, 120_000);

afterAll(async () => {
  if (!hasTmux) return;
  await exec('tmux', ['-L', socket, 'kill-server']).catch(() => {});
  await sandbox?.close();
  await rm(root, { recursive: true, force: true });
});

/** A folder with the wide-named file (one PATCH at the default chunk size) and two more. */
async function folder(name: string): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir);
  await writeFile(path.join(dir, WIDE), randomBytes(12 * MiB));
  await writeFile(path.join(dir, LONG), randomBytes(2 * MiB));
  await writeFile(path.join(dir, 'b.mp4'), randomBytes(MiB));
  return dir;
}

/** Runs `command` in a new tmux window of `width` columns; returns its name. */
async function run(width: number, dir: string, command: string): Promise<string> {
  sessions += 1;
  const name = `cli${sessions}`;
  await exec('tmux', [
    ...['-L', socket, 'new-session', '-d', '-s', name, '-x', String(width), '-y', '40', '-c', dir],
    ...['-e', `VIMEO_API_URL=${sandbox.apiUrl}`, '-e', `VIMEO_TOKEN=${sandbox.token}`],
    ...['-e', `VIMEO_TUS_STATE_DIR=${path.join(dir, '.state')}`, '-e', 'NO_COLOR=1'],
    `${command}; echo EXIT=$?; sleep 600`,
  ]);
  return name;
}

async function capture(name: string): Promise<string> {
  const { stdout } = await exec('tmux', ['-L', socket, 'capture-pane', '-p', '-J', '-t', name]);
  return stdout;
}

/** The screen as the terminal shows it, one entry per row (no joining of wrapped lines). */
async function rows(name: string): Promise<string[]> {
  const { stdout } = await exec('tmux', ['-L', socket, 'capture-pane', '-p', '-t', name]);
  return stdout.split('\n');
}

async function until(
  name: string,
  predicate: (screen: string) => boolean,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < deadline) {
    screen = await capture(name);
    if (predicate(screen)) return screen;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`screen never matched; last screen:\n${screen}`);
}

const LINK = /https:\/\/vimeo\.com\/\d{9}/;
const bin = `node ${BIN}`;

describe.skipIf(!hasTmux)('live display in a pseudo-terminal', () => {
  for (const width of [80, 60]) {
    it(`at ${width} columns: bars, a rate before the first acknowledgement, whole links, wide characters`, async () => {
      const dir = await folder(`w${width}`);
      const name = await run(width, dir, `${bin} upload . --concurrency 2`);
      // The wide file is one PATCH (default chunk size): before its only acknowledgement the bar
      // and the amounts show sent bytes (▒, "sent"), and the rate and ETA follow them.
      const live = await until(
        name,
        (s) =>
          new RegExp(
            `^${WIDE}\\s+▒+░*\\s+0% ((0\\.0/12\\.0 MiB( \\([\\d.]+ sent\\))?|[\\d.]+ (K|M)iB sent) )?[1-9][\\d.]* (K|M)iB/s ETA \\d+:\\d\\d`,
            'm',
          ).test(s),
        60_000,
      );
      for (const line of live.split('\n')) expect(stringWidth(line), line).toBeLessThan(width);
      // Columns line up in display width: the bar starts at the same column on every row.
      const barColumns = live
        .split('\n')
        .filter((l) => /[█▒░]{4}/.test(l))
        .map((l) => stringWidth(l.slice(0, l.search(/[█▒░]/))));
      expect(barColumns.length).toBeGreaterThanOrEqual(2);
      expect(new Set(barColumns).size, live).toBe(1);
      expect(live).toMatch(/\d\/3 verified · [12] in flight/);

      const end = await until(name, (s) => /EXIT=\d+/.test(s), 90_000);
      expect(end, end).toContain('EXIT=0');
      expect(end).toContain('3 of 3 verified');
      expect(end).not.toMatch(/in flight/);
      const screen = await rows(name);
      for (const line of screen) expect(stringWidth(line), line).toBeLessThan(width);
      // Every link is whole on one row: the finished lines and the summary.
      const links = screen.filter((l) => /https:\/\/vimeo\.com\//.test(l));
      for (const line of links) expect(line).toMatch(LINK);
      expect(links.length).toBeGreaterThanOrEqual(6);
      if (width === 80) {
        // The table fits: its columns line up in display width, the wide name included.
        const header = screen.find((l) => /^FILE\s+VIDEO\s+SIZE\s+TIME\s+RESULT$/.test(l));
        expect(header, end).toBeDefined();
        const videoColumn = stringWidth((header ?? '').slice(0, (header ?? '').indexOf('VIDEO')));
        const tableRows = screen.filter((l) => LINK.test(l) && !l.startsWith('✔'));
        expect(tableRows).toHaveLength(3);
        for (const row of tableRows)
          expect(stringWidth(row.slice(0, row.indexOf('https://')))).toBe(videoColumn);
        expect(screen.some((l) => l.startsWith(`${WIDE} `))).toBe(true);
      } else {
        // Narrower than the table: one block per file (name, link, size/time/result), no table.
        expect(end).not.toMatch(/^FILE\s+VIDEO/m);
        const at = screen.indexOf(WIDE);
        expect(at, end).toBeGreaterThan(0);
        expect(screen[at + 1]).toMatch(new RegExp(`^ {2}${LINK.source}$`));
        expect(screen[at + 2]).toMatch(/^ {2}12\.0 MiB, \d+:\d\d: verified(, ready)?$/);
        expect(screen).toContain(LONG);
      }
      if (process.env.DEBUG_TTY)
        process.stderr.write(`--- ${width} live ---\n${live}\n--- end ---\n${end}\n`);

      // Again: every file is already verified; the notices wrap at word boundaries, never inside
      // a number or a URI.
      const again = await run(width, dir, `${bin} upload . --concurrency 1`);
      await until(again, (s) => /EXIT=\d+/.test(s), 60_000);
      const noticeRows = await rows(again);
      const notice = noticeRows.findIndex((l) => l.startsWith(`ℹ ${WIDE}: `));
      expect(notice, noticeRows.join('\n')).toBeGreaterThanOrEqual(0);
      const block = [noticeRows[notice] ?? ''];
      for (let i = notice + 1; noticeRows[i]?.startsWith('  '); i += 1) block.push(noticeRows[i] ?? '');
      expect(block.length).toBeGreaterThan(1);
      for (const line of block) expect(stringWidth(line)).toBeLessThan(width);
      const words = block.map((l) => l.trim()).join(' ');
      expect(words).toMatch(
        /is already uploaded and verified as \/videos\/\d{9}: nothing to send \(use --new/,
      );
      if (process.env.DEBUG_TTY) process.stderr.write(`--- ${width} again ---\n${noticeRows.join('\n')}\n`);

      // list: aligned columns, or blocks with whole links when narrower than its table.
      const list = await run(width, dir, `${bin} list`);
      await until(list, (s) => /EXIT=\d+/.test(s), 30_000);
      const listRows = await rows(list);
      // Only a file path longer than the terminal (the temporary folder's) is wrapped by it.
      for (const line of listRows.filter((l) => l.startsWith('  ')))
        expect(stringWidth(line), line).toBeLessThan(width);
      expect(listRows.join('\n')).not.toContain('\t');
      const listed = listRows.filter((l) => /https:\/\/vimeo\.com\//.test(l));
      expect(listed).toHaveLength(3);
      for (const line of listed) expect(line).toMatch(new RegExp(`^ {2}${LINK.source}$`));
      if (process.env.DEBUG_TTY) process.stderr.write(`--- ${width} list ---\n${listRows.join('\n')}\n`);
    }, 180_000);
  }
});
