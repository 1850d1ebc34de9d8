/**
 * The live display in a real pseudo-terminal: the built binary runs inside a detached tmux session
 * (80×24) against a throttled sandbox; the test captures the screen while files are in flight and
 * at the end.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
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
const socket = `vimeo-tus-test-${process.pid}`;
let dir: string;
let sandbox: Sandbox;

beforeAll(async () => {
  if (!hasTmux) return;
  await buildDist();
  dir = await mkdtemp(path.join(tmpdir(), 'vimeo-tus-tty-'));
  for (let i = 0; i < 5; i += 1) await writeFile(path.join(dir, `take-${i}.mp4`), randomBytes(2 * MiB));
  sandbox = await startSandbox({ uploadCompleteDelayMs: 20, transcodeDelayMs: 20 });
  sandbox.setFaults({ throttleBytesPerSecond: MiB });
}, 120_000);

afterAll(async () => {
  if (!hasTmux) return;
  await exec('tmux', ['-L', socket, 'kill-server']).catch(() => {});
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

async function capture(): Promise<string> {
  const { stdout } = await exec('tmux', ['-L', socket, 'capture-pane', '-p', '-t', 'cli']);
  return stdout;
}

async function until(predicate: (screen: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < deadline) {
    screen = await capture();
    if (predicate(screen)) return screen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`screen never matched; last screen:\n${screen}`);
}

describe.skipIf(!hasTmux)('live display in a pseudo-terminal', () => {
  it('shows bars, phases and totals within 80 columns, then the summary table', async () => {
    const command = `node ${BIN} upload . --concurrency 2 --chunk-size 1MiB; echo EXIT=$?; sleep 600`;
    await exec('tmux', [
      ...['-L', socket, 'new-session', '-d', '-s', 'cli', '-x', '80', '-y', '24', '-c', dir],
      ...['-e', `VIMEO_API_URL=${sandbox.apiUrl}`, '-e', `VIMEO_TOKEN=${sandbox.token}`],
      ...['-e', `VIMEO_TUS_STATE_DIR=${path.join(dir, '.state')}`, '-e', 'NO_COLOR=1'],
      command,
    ]);
    const live = await until(
      (s) => /in flight/.test(s) && /█/.test(s) && /\d+\.\d\/\d+\.\d MiB/.test(s),
      60_000,
    );
    const liveLines = live.split('\n');
    for (const line of liveLines) expect([...line].length).toBeLessThanOrEqual(80);
    expect(live).toMatch(/^take-\d\.mp4\s+[█▒░]+\s+\d+%/m);
    expect(live).toMatch(/^Total\s+[█▒░]+\s+\d+%/m);
    expect(live).toMatch(/\d\/5 verified · [12] in flight/);

    const end = await until((s) => /EXIT=\d+/.test(s), 90_000);
    expect(end).toContain('EXIT=0');
    expect(end).toMatch(/FILE\s+VIDEO\s+SIZE\s+TIME\s+RESULT/);
    expect(end).toContain('5 of 5 verified');
    expect(end.match(/^✔ take-\d\.mp4/gm)).toHaveLength(5);
    // The live frame was replaced, not left behind.
    expect(end).not.toMatch(/in flight/);
    // Shown for docs/cli.md when run with DEBUG_TTY=1.
    if (process.env.DEBUG_TTY) process.stderr.write(`--- live ---\n${live}\n--- end ---\n${end}\n`);
  });
});
