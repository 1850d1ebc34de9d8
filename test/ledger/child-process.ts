/** Starts test/ledger/fixtures/ledger-child.ts in its own Node process and talks to it by lines. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./fixtures/ledger-child.ts', import.meta.url));

/** A running child and its stdout, one line at a time. */
export interface LedgerChild {
  readonly process: ChildProcessWithoutNullStreams;
  nextLine(): Promise<string>;
  /** Closes stdin and waits for the exit code. */
  finish(): Promise<number | null>;
}

/** Spawns the fixture with `args` (see its header). */
export function spawnLedgerChild(args: readonly string[]): LedgerChild {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], { stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    process: child,
    async nextLine() {
      const early = exited.then((code) => {
        throw new Error(`ledger child exited (${code}) early: ${stderr}`);
      });
      early.catch(() => undefined); // only the race below observes it
      const line = await Promise.race([lines.next(), early]);
      if (line.done) throw new Error(`ledger child closed stdout: ${stderr}`);
      return line.value;
    },
    async finish() {
      child.stdin.end();
      const code = await exited;
      if (code !== 0) throw new Error(`ledger child exited with ${code}: ${stderr}`);
      return code;
    },
  };
}
