/**
 * The batch section: many small files uploaded with uploadVideo() through the sandbox at several
 * concurrencies; files per second and requests per file (from the sandbox's own counters).
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { BatchResult, Pending } from './results.js';

/** Options of the batch section. */
export interface BatchOptions {
  readonly files: number;
  readonly fileSizeBytes: number;
  readonly concurrency: readonly number[];
  readonly workDir: string;
  readonly compiledDir: string;
  readonly distDir: string;
  readonly log: (line: string) => void;
}

/** Runs the batch section, or says why it cannot run yet. */
export async function runBatch(options: BatchOptions): Promise<BatchResult[] | Pending> {
  const needed = ['index.js', 'sandbox/index.js'];
  for (const relative of needed) {
    const present = await access(join(options.distDir, relative))
      .then(() => true)
      .catch(() => false);
    if (!present) {
      const pending = `needs uploadVideo and startSandbox in dist/ (dist/${relative} missing)`;
      options.log(`batch pending: ${pending}`);
      return { pending };
    }
  }
  return { pending: 'sandbox adapter not written yet' };
}
