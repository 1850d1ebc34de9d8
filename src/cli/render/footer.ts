/**
 * The last line of a batch: how many files were verified, failed, stopped, not started or skipped,
 * in how long, and the exit code. Light on purpose (no terminal-width modules): the JSON mode
 * prints it on a watched stderr too (create-reporter.ts).
 */
import { formatBytes, formatDuration } from '../size.js';
import type { BatchSummary, FileOutcome } from './reporter.js';

/** `2 of 3 verified (6.3 MiB), 1 failed, in 0:03. Exit code 5.` */
export function footer(summary: BatchSummary): string {
  const count = (status: FileOutcome['status']): number =>
    summary.outcomes.filter((o) => o.status === status).length;
  const verified = count('verified');
  const failed = count('failed');
  const stopped = count('interrupted');
  const notStarted = count('not-started');
  const skipped = count('skipped');
  const bytes = summary.outcomes
    .filter((o) => o.status === 'verified')
    .reduce((sum, o) => sum + (o.bytesTotal ?? 0), 0);
  const parts = [`${verified} of ${summary.outcomes.length - skipped} verified (${formatBytes(bytes)})`];
  if (failed > 0) parts.push(`${failed} failed`);
  if (stopped > 0) parts.push(`${stopped} stopped`);
  if (notStarted > 0) parts.push(`${notStarted} not started`);
  if (skipped > 0) parts.push(`${skipped} skipped (empty)`);
  parts.push(`in ${formatDuration(summary.durationMs / 1000)}`);
  const head = summary.interrupted ? 'Interrupted: ' : '';
  return `${head}${parts.join(', ')}. Exit code ${summary.exitCode}.`;
}
