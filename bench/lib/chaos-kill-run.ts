/**
 * The SIGKILL row of the chaos campaign: the built CLI uploads through the sandbox with a fresh
 * ledger (state dir), is killed with SIGKILL at a random moment, and the same command is run again
 * until it reports the file verified. It proves resume across a process death: one video, the
 * source's exact bytes.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import type { ChaosRunRecord } from './chaos-run.js';
import type { TestFile } from './files.js';

/** Everything one kill-and-rerun run needs. */
export interface KillRunSpec {
  readonly run: number;
  readonly file: TestFile;
  readonly chunkSizeBytes: number;
  /** Kill once bytesSent reached this share of the file; 0 kills right after the `created` event. */
  readonly killAtFraction: number;
  readonly detail: string;
  readonly cliBin: string;
  readonly workDir: string;
  /** Reruns after the kill before giving up. */
  readonly maxReruns: number;
}

interface CliEvent {
  readonly type?: string;
  readonly video?: string;
  readonly bytesSent?: number;
  readonly code?: string;
  readonly message?: string;
}

interface Attempt {
  readonly killed: boolean;
  readonly exitCode: number | null;
  readonly bytesSent: number;
  readonly retries: number;
  readonly verifiedVideo: string | null;
  readonly error: string | null;
}

function attempt(
  spec: KillRunSpec,
  sandbox: Sandbox,
  stateDir: string,
  killAt: number | null,
): Promise<Attempt> {
  const child = spawn(
    process.execPath,
    [
      spec.cliBin,
      'upload',
      spec.file.path,
      '--json',
      '--chunk-size',
      String(spec.chunkSizeBytes),
      '--state-dir',
      stateDir,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, VIMEO_API_URL: sandbox.apiUrl, VIMEO_TOKEN: sandbox.token, NO_COLOR: '1' },
    },
  );
  child.stderr.resume();
  let killed = false;
  let bytesSent = 0;
  let retries = 0;
  let verifiedVideo: string | null = null;
  let error: string | null = null;
  const kill = (): void => {
    if (!killed) {
      killed = true;
      child.kill('SIGKILL');
    }
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    let event: CliEvent;
    try {
      event = JSON.parse(line) as CliEvent;
    } catch {
      return;
    }
    if (event.type === 'progress') bytesSent = Math.max(bytesSent, event.bytesSent ?? 0);
    if (event.type === 'retry') retries += 1;
    if (event.type === 'verified') {
      verifiedVideo = event.video ?? null;
      bytesSent = Math.max(bytesSent, event.bytesSent ?? 0);
    }
    if (event.type === 'error') error = `${event.code ?? 'error'}: ${event.message ?? ''}`.slice(0, 200);
    if (killAt === null) return;
    if (killAt === 0 && event.type === 'created') kill();
    if (killAt > 0 && event.type === 'progress' && (event.bytesSent ?? 0) >= killAt * spec.file.sizeBytes)
      kill();
  });
  return new Promise((resolve) => {
    child.on('close', (exitCode) => resolve({ killed, exitCode, bytesSent, retries, verifiedVideo, error }));
  });
}

/** Runs the CLI, kills it once, reruns it until verified, and checks the sandbox. */
export async function runKillOnce(spec: KillRunSpec): Promise<ChaosRunRecord> {
  // Throttled so that "a random moment" falls inside the upload.
  const sandbox = await startSandbox({
    faults: { throttleBytesPerSecond: 8 * 1024 * 1024 },
    uploadCompleteDelayMs: 10,
    transcodeDelayMs: 10,
  });
  const stateDir = await mkdtemp(join(spec.workDir, 'ledger-'));
  const started = performance.now();
  try {
    let bytesSent = 0;
    let retries = 0;
    const first = await attempt(spec, sandbox, stateDir, spec.killAtFraction);
    bytesSent += first.bytesSent;
    retries += first.retries;
    const faultHit = first.killed;
    let last = first;
    for (let rerun = 0; rerun < spec.maxReruns && last.verifiedVideo === null; rerun += 1) {
      last = await attempt(spec, sandbox, stateDir, null);
      bytesSent += last.bytesSent;
      retries += last.retries;
    }
    const state = await sandbox.state();
    const videosCreated = Math.max(
      state.counters.videosCreated,
      state.videos.length + state.deletedVideoIds.length,
    );
    const stored = state.videos.find((video) => video.uri === last.verifiedVideo) ?? null;
    const completed = last.verifiedVideo !== null && last.exitCode === 0;
    const verified =
      completed &&
      stored !== null &&
      stored.storedBytes === spec.file.sizeBytes &&
      stored.sha256 === spec.file.sha256;
    const uploads = state.videos.flatMap((video) => [video, ...video.versions]);
    return {
      scenario: 'sigkill',
      run: spec.run,
      detail: spec.detail,
      completed,
      verified,
      faultHit,
      bytesSent,
      bytesBeyondFile: Math.max(0, bytesSent - spec.file.sizeBytes),
      videosCreated,
      contentMismatch: uploads.some(
        (upload) =>
          upload.storedBytes === spec.file.sizeBytes &&
          upload.sizeBytes === spec.file.sizeBytes &&
          upload.sha256 !== null &&
          upload.sha256 !== spec.file.sha256,
      ),
      retries,
      error: verified
        ? null
        : (last.error ?? `not verified after ${spec.maxReruns} reruns (exit ${last.exitCode})`),
      durationMs: performance.now() - started,
    };
  } finally {
    await sandbox.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}
