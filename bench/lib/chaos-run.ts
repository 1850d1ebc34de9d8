/**
 * One run of the chaos campaign with the library's ledger-backed upload: a fresh sandbox with the
 * run's faults, a fresh SQLite ledger in a temporary state dir, `createUpload(path, { ledger })` in this
 * process and, when a call ends in an error, the same call again (as a user reruns the command),
 * up to `maxCalls`. Then the sandbox's own account of what it stores. A run counts as verified only
 * when the stored bytes hash-match the source, whatever the client claimed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createUpload } from '../../src/entry/create-upload.js';
import type { VimeoTusError } from '../../src/errors.js';
import { type Ledger, ledgerPath, openLedger } from '../../src/ledger/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import type { UploadResult } from '../../src/upload/types.js';
import { inspectSandbox } from './chaos-inspect.js';
import type { RunPlan } from './chaos-scenarios.js';
import type { TestFile } from './files.js';

/** What one chaos run found. */
export interface ChaosRunRecord {
  readonly scenario: string;
  readonly run: number;
  readonly detail: string;
  /** The client's last call (or command) said the upload ended verified. */
  readonly completed: boolean;
  /** …and the sandbox holds exactly the source's bytes for that video. */
  readonly verified: boolean;
  /** The sandbox injected the fault (or the trigger fired, or the kill landed) during the run. */
  readonly faultHit: boolean;
  /** Body bytes the client put on the wire, all calls together. */
  readonly bytesSent: number;
  readonly bytesBeyondFile: number;
  /** Videos the sandbox created during the run (deleted ones included). */
  readonly videosCreated: number;
  /** Fresh upload links for the same video (`POST /videos/{id}/versions`). */
  readonly versionsCreated: number;
  /** A stored upload of full length whose bytes differ from the source. */
  readonly contentMismatch: boolean;
  readonly retries: number;
  /** Calls (library) or command runs (CLI) it took: 1 when the first one ended verified. */
  readonly calls: number;
  /** How each call that was followed by a rerun ended: an error code, or `SIGKILL`. */
  readonly interruptions: readonly string[];
  /** The ledger layer's notices, in order (`resumed`, `new-version`, `adopted`, …). */
  readonly notices: readonly string[];
  /** Why the run is not verified (null when it is). */
  readonly error: string | null;
  readonly durationMs: number;
}

/** Everything one run needs. */
export interface ChaosRunSpec {
  readonly scenario: string;
  readonly run: number;
  readonly plan: RunPlan;
  readonly file: TestFile;
  readonly chunkSizeBytes: number;
  readonly stallTimeoutMs: number;
  /** The whole run (all calls together). */
  readonly timeoutMs: number;
  /** Calls before giving up: the first one plus the reruns. */
  readonly maxCalls: number;
  /** Where the run's temporary state dir (its ledger) is made. */
  readonly workDir: string;
}

function errorCode(error: unknown): string {
  return (error as Partial<VimeoTusError>).code ?? 'error';
}

function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `${errorCode(error)}: ${message.replace(/https?:\/\/\S+/g, '<url>').slice(0, 160)}`;
}

/** The sandbox of a run and the trigger the plan fires at a share of the file sent. */
class RunSandbox {
  sandbox: Sandbox;
  triggered = false;
  work: Promise<void> = Promise.resolve();
  #watcher: NodeJS.Timeout | undefined;
  readonly #plan: RunPlan;
  readonly #run: number;

  constructor(sandbox: Sandbox, plan: RunPlan, run: number) {
    this.sandbox = sandbox;
    this.#plan = plan;
    this.#run = run;
  }

  /** Fires the plan's action once bytesSent reached its share of the file. */
  onProgress(bytesSent: number, sizeBytes: number, createdAtMs: number): void {
    const trigger = this.#plan.trigger;
    if (this.triggered || trigger === undefined || bytesSent < trigger.atFraction * sizeBytes) return;
    this.triggered = true;
    this.work = this.#fire(trigger.action, createdAtMs);
  }

  async #fire(action: 'restart-sandbox' | 'expire-link', createdAtMs: number): Promise<void> {
    if (action === 'restart-sandbox') {
      this.sandbox = await this.sandbox.restart();
      return;
    }
    // Links die `linkTtlMs` after they were issued, and this link was issued before the client
    // heard of its video: a TTL of the time since then ends it now. Once the client asked for a
    // fresh link (a version), lift the TTL so the new link can finish.
    const ttlMs = Math.max(1, Date.now() - createdAtMs);
    this.sandbox.setFaults({
      ...this.#plan.faults,
      linkTtlMs: ttlMs,
      expiredLinkStatus: this.#run % 2 === 0 ? 404 : 410,
    });
    this.#watcher = setInterval(() => {
      void this.sandbox.state({ hashes: false }).then((now) => {
        if ((now.counters.requests.version ?? 0) > 0 && this.#watcher !== undefined) {
          this.stop();
          this.sandbox.setFaults(this.#plan.faults);
        }
      });
    }, 25);
  }

  stop(): void {
    if (this.#watcher !== undefined) clearInterval(this.#watcher);
    this.#watcher = undefined;
  }
}

/** Runs one upload under the plan's faults (rerun after errors) and inspects the sandbox. */
export async function runChaosOnce(spec: ChaosRunSpec): Promise<ChaosRunRecord> {
  const { plan, file } = spec;
  const run = new RunSandbox(
    await startSandbox({ faults: plan.faults, uploadCompleteDelayMs: 10, transcodeDelayMs: 10 }),
    plan,
    spec.run,
  );
  const stateDir = await mkdtemp(join(spec.workDir, 'ledger-'));
  let ledger: Ledger | undefined;
  const signal = AbortSignal.timeout(spec.timeoutMs);
  const started = performance.now();
  let createdAtMs = Date.now();
  let bytesSent = 0;
  let retries = 0;
  let calls = 0;
  const interruptions: string[] = [];
  const notices: string[] = [];
  let result: UploadResult | null = null;
  let lastError: string | null = null;
  try {
    ledger = await openLedger({ path: ledgerPath(stateDir) });
    while (result === null && calls < spec.maxCalls && !signal.aborted) {
      calls += 1;
      let callBytesSent = 0;
      const upload = createUpload(file.path, {
        ledger,
        token: run.sandbox.token,
        apiUrl: run.sandbox.apiUrl,
        chunkSizeBytes: spec.chunkSizeBytes,
        stallTimeoutMs: spec.stallTimeoutMs,
        progressIntervalMs: 0,
        retry: { initialDelayMs: 200, maxDelayMs: 5_000 },
        signal,
        video: { name: `chaos ${spec.scenario} ${spec.run}` },
      });
      upload.on('created', (event) => {
        if (event.created) createdAtMs = Date.now();
      });
      upload.on('retry', () => {
        retries += 1;
      });
      upload.on('notice', (notice) => notices.push(notice.kind));
      // A dead link replaced within the call starts a new engine run whose bytesSent counts from 0:
      // the bytes of the earlier runs are kept apart and added.
      let earlierRunsBytes = 0;
      let engineRunBytes = 0;
      upload.on('progress', (progress) => {
        if (progress.bytesSent < engineRunBytes) earlierRunsBytes += engineRunBytes;
        engineRunBytes = progress.bytesSent;
        callBytesSent = Math.max(callBytesSent, earlierRunsBytes + engineRunBytes);
        run.onProgress(progress.bytesSent, file.sizeBytes, createdAtMs);
      });
      try {
        const done = await upload.done;
        callBytesSent = Math.max(callBytesSent, earlierRunsBytes + done.bytesSent);
        result = done;
      } catch (caught) {
        lastError = errorText(caught);
        if (calls < spec.maxCalls) interruptions.push(errorCode(caught));
      }
      bytesSent += callBytesSent;
      // A restart in progress ends before the next call: the user reruns against a live server.
      await run.work;
    }
  } finally {
    await ledger?.close();
    await rm(stateDir, { recursive: true, force: true });
  }
  const durationMs = performance.now() - started;
  try {
    await run.work;
    run.stop();
    const completed =
      result !== null && result.uploadOffset === file.sizeBytes && result.uploadLength === file.sizeBytes;
    const verdict = await inspectSandbox(run.sandbox, file, result?.videoUri ?? null);
    const verified = completed && verdict.storedMatches;
    return {
      scenario: spec.scenario,
      run: spec.run,
      detail: plan.detail,
      completed,
      verified,
      // A trigger that fired after the last request changed nothing: the client must have met it
      // (a retry, an interrupted call, or a dead link replaced by a new version within the call).
      faultHit:
        plan.trigger === undefined
          ? verdict.faultsInjected > 0
          : run.triggered &&
            (retries > 0 ||
              interruptions.length > 0 ||
              lastError !== null ||
              notices.includes('new-version')),
      bytesSent,
      bytesBeyondFile: Math.max(0, bytesSent - file.sizeBytes),
      videosCreated: verdict.videosCreated,
      versionsCreated: verdict.versionsCreated,
      contentMismatch: verdict.contentMismatch,
      retries,
      calls,
      interruptions,
      notices,
      error: verified
        ? null
        : completed
          ? 'client reported success but the stored bytes differ'
          : (lastError ?? `not verified after ${calls} calls`),
      durationMs,
    };
  } finally {
    run.stop();
    await run.sandbox.close();
  }
}
