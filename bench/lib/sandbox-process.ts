/**
 * The sandbox as its own process (`node dist/cli/bin.js sandbox --json`), for clients that need the
 * API host (the CLI creates its video). Its CPU is not counted as the client's. Each run deletes its
 * video once measured (its bytes go with it), and stopping the process removes its temporary data
 * dir.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { SandboxState } from '../../src/sandbox/index.js';
import { VimeoClient } from '../../src/vimeo/client.js';
import { track } from './children.js';

/** A running sandbox process. */
export interface SandboxProcess {
  readonly apiUrl: string;
  readonly token: string;
  readonly pid: number;
  /** GET /__sandbox/state (hashing every stored upload only when asked). */
  state(hashes: boolean): Promise<SandboxState>;
  /**
   * DELETE the video through the API: the sandbox removes its stored bytes, so a configuration's runs
   * do not pile up gigabytes of dirty page cache that the kernel then writes back during later runs.
   */
  deleteVideo(videoUri: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the built CLI's `sandbox --json` and waits for its line with the URLs. */
export async function startSandboxProcess(cliBin: string): Promise<SandboxProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [cliBin, 'sandbox', '--json', '--port', '0', '--upload-port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  track(child);
  // Its stderr only matters when it fails to start (it says goodbye on every SIGTERM).
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4000);
  });
  const stdout = child.stdout;
  if (stdout === null || child.pid === undefined) throw new Error('could not start the sandbox');
  const lines = createInterface({ input: stdout });
  const info = await new Promise<{ apiUrl: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sandbox did not start within 30 s')), 30_000);
    const onExit = (code: number | null): void =>
      reject(new Error(`sandbox exited early (${code}): ${stderrTail}`));
    child.once('exit', onExit);
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(JSON.parse(line) as { apiUrl: string; token: string });
    });
  });
  lines.close();
  stdout.resume();
  const pid = child.pid;
  return {
    ...info,
    pid,
    async state(hashes) {
      const response = await fetch(`${info.apiUrl}/__sandbox/state?hashes=${hashes}`);
      return (await response.json()) as SandboxState;
    },
    deleteVideo(videoUri) {
      return new VimeoClient({ token: info.token, apiUrl: info.apiUrl }).deleteVideo({ videoUri });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
