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
import { inspectSandbox } from './chaos-inspect.js';
import type { ChaosRunRecord } from './chaos-run.js';
import type { TestFile } from './files.js';

/** Everything one kill-and-rerun run needs. */
export interface KillRunSpec {
  readonly run: number;
  readonly file: TestFile;
  readonly chunkSizeBytes: number;
  /**
   * Kill this share of the throttled upload's duration after the `created` event (0: at once), so
   * that the kill lands about this share of the file in, mid-PATCH as often as not.
   */
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
  /** Bytes the CLI had reported sent when it was killed. */
  readonly killedAtBytes: number;
  readonly exitCode: number | null;
  readonly bytesSent: number;
  readonly retries: number;
  readonly verifiedVideo: string | null;
  readonly error: string | null;
  readonly errorCode: string | null;
  /** The ledger's notices the CLI told on stderr, by kind. */
  readonly notices: readonly string[];
}

/** The ledger layer's notices as the CLI words them (src/resume/session.ts), by kind. */
const NOTICE_WORDING: readonly (readonly [RegExp, string])[] = [
  [/^Continuing the earlier upload/, 'resumed'],
  [/as a new version of the same video/, 'new-version'],
  [/after Vimeo had made .*: continuing on it/, 'adopted'],
  [/could not take the upload and was deleted/, 'deleted-placeholder'],
  [/stopped inside its create call/, 'no-placeholder'],
  [/is already uploaded and verified/, 'already-verified'],
  [/starting a new upload/i, 'restarted'],
];

function noticeKind(line: string): string | null {
  const match = /^vimeo-tus: [^:]*: (.*)$/.exec(line);
  if (match === null) return null;
  const message = match[1] ?? '';
  return NOTICE_WORDING.find(([pattern]) => pattern.test(message))?.[1] ?? 'notice';
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
  const notices: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    const kind = noticeKind(line);
    if (kind !== null) notices.push(kind);
  });
  let killed = false;
  let killedAtBytes = 0;
  let bytesSent = 0;
  let retries = 0;
  let verifiedVideo: string | null = null;
  let error: string | null = null;
  let errorCode: string | null = null;
  const kill = (): void => {
    if (!killed) {
      killed = true;
      killedAtBytes = bytesSent;
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
    if (event.type === 'error') errorCode = event.code ?? 'error';
    if (event.type === 'error') error = `${event.code ?? 'error'}: ${event.message ?? ''}`.slice(0, 200);
    if (killAt === null) return;
    if (event.type !== 'created') return;
    // The --json progress comes once a second (and at chunk boundaries): a timer lands anywhere.
    if (killAt === 0) kill();
    else setTimeout(kill, killAt * KILL_UPLOAD_SECONDS * 1000).unref();
  });
  return new Promise((resolve) => {
    child.on('close', (exitCode) =>
      resolve({
        killed,
        killedAtBytes,
        exitCode,
        bytesSent,
        retries,
        verifiedVideo,
        error,
        errorCode,
        notices,
      }),
    );
  });
}

/** Where the kill landed, as the CLI had reported its progress. */
function landed(spec: KillRunSpec, first: Attempt): string {
  if (!first.killed) return `${spec.detail}: the kill never landed (the upload ended first)`;
  if (spec.killAtFraction === 0) return spec.detail;
  const afterMs = Math.round(spec.killAtFraction * KILL_UPLOAD_SECONDS * 1000);
  const percent = Math.round((first.killedAtBytes / spec.file.sizeBytes) * 100);
  return `SIGKILL ${afterMs} ms after create (≈${Math.round(spec.killAtFraction * 100)}% at the throttle; last progress line ${percent}%)`;
}

/** How long the first, throttled run of the CLI would take without the kill. */
const KILL_UPLOAD_SECONDS = 4;

/** Runs the CLI, kills it once, reruns it until verified, and checks the sandbox. */
export async function runKillOnce(spec: KillRunSpec): Promise<ChaosRunRecord> {
  // Throttled so that the first run lasts about KILL_UPLOAD_SECONDS whatever the file size, and the
  // kill's timer falls inside the upload.
  const sandbox = await startSandbox({
    faults: {
      throttleBytesPerSecond: Math.max(64 * 1024, Math.round(spec.file.sizeBytes / KILL_UPLOAD_SECONDS)),
    },
    uploadCompleteDelayMs: 10,
    transcodeDelayMs: 10,
  });
  const stateDir = await mkdtemp(join(spec.workDir, 'ledger-'));
  const started = performance.now();
  try {
    const first = await attempt(spec, sandbox, stateDir, spec.killAtFraction);
    const attempts = [first];
    let last = first;
    for (let rerun = 0; rerun < spec.maxReruns && last.verifiedVideo === null; rerun += 1) {
      last = await attempt(spec, sandbox, stateDir, null);
      attempts.push(last);
    }
    const bytesSent = attempts.reduce((sum, each) => sum + each.bytesSent, 0);
    const retries = attempts.reduce((sum, each) => sum + each.retries, 0);
    const faultHit = first.killed;
    const completed = last.verifiedVideo !== null && last.exitCode === 0;
    const verdict = await inspectSandbox(sandbox, spec.file, last.verifiedVideo);
    const verified = completed && verdict.storedMatches;
    return {
      scenario: 'sigkill',
      run: spec.run,
      detail: landed(spec, first),
      completed,
      verified,
      faultHit,
      bytesSent,
      bytesBeyondFile: Math.max(0, bytesSent - spec.file.sizeBytes),
      videosCreated: verdict.videosCreated,
      versionsCreated: verdict.versionsCreated,
      contentMismatch: verdict.contentMismatch,
      retries,
      calls: attempts.length,
      interruptions: attempts
        .slice(0, -1)
        .map((each) => (each.killed ? 'SIGKILL' : (each.errorCode ?? 'error'))),
      notices: attempts.flatMap((each) => each.notices),
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
