/**
 * `vimeo-tus demo`: the README's main command. Starts an embedded sandbox with a throttled upload
 * host, writes a sample file into a temporary folder, uploads it with live progress, waits for
 * processing and ends with the verified summary. No account, no network beyond loopback.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExitCodeValue } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { failBatchCommand } from './batch-command.js';
import { uploadCommand } from './upload.js';

/** Options of the demo. */
export interface DemoCommandOptions {
  /** @default 24 MiB */
  readonly sizeBytes?: number | undefined;
  /** Throttle of the sandbox's upload host. @default 2.4 MiB/s (about 10 s for the default size) */
  readonly bytesPerSecond?: number | undefined;
  /** @default the library's (512 MB): what people see first is what they get */
  readonly chunkSizeBytes?: number | undefined;
  readonly json?: boolean | undefined;
}

/** Runs the demo. Returns the exit code of the upload. */
export async function demoCommand(options: DemoCommandOptions, io: CliIo): Promise<ExitCodeValue> {
  const sizeBytes = options.sizeBytes ?? 24 * 1024 * 1024;
  const bytesPerSecond = options.bytesPerSecond ?? Math.round(2.4 * 1024 * 1024);
  const { dir, file } = await writeSample(sizeBytes).catch((error: unknown) =>
    failBatchCommand(options.json ?? false, io, error),
  );
  try {
    if (!options.json) {
      io.stderr.write(
        `Demo: a generated ${Math.round(sizeBytes / 1024 / 1024)} MiB file to an embedded sandbox ` +
          `throttled to ${(bytesPerSecond / 1024 / 1024).toFixed(1)} MiB/s.\n`,
      );
    }
    return await uploadCommand(
      [path.basename(file)],
      {
        sandbox: true,
        sandboxThrottleBytesPerSecond: bytesPerSecond,
        chunkSizeBytes: options.chunkSizeBytes,
        wait: true,
        ledger: false,
        json: options.json,
        name: 'vimeo-tus demo',
      },
      { ...io, cwd: dir },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes `sizeBytes` of random bytes into a new temporary folder, 1 MiB at a time (flat memory). */
async function writeSample(sizeBytes: number): Promise<{ readonly dir: string; readonly file: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vimeo-tus-demo-'));
  const file = path.join(dir, 'sample.mp4');
  try {
    const handle = await open(file, 'w', 0o600);
    try {
      const pieceBytes = 1024 * 1024;
      for (let written = 0; written < sizeBytes; written += pieceBytes) {
        await handle.write(randomBytes(Math.min(pieceBytes, sizeBytes - written)));
      }
    } finally {
      await handle.close();
    }
    return { dir, file };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
