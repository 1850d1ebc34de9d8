/**
 * Long-running helper processes (reference server, sandbox) are registered here and killed when
 * the harness exits for any reason, so that no orphan keeps a port, a data dir or the caller's
 * output pipe open.
 */
import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();
let hooked = false;

/** Registers a helper process to be killed at exit; it unregisters itself when it ends. */
export function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const leftover of running) leftover.kill('SIGKILL');
    });
  }
}
