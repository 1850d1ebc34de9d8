/**
 * One run of the chaos campaign with the library client: a fresh sandbox with the run's faults,
 * uploadVideo() in this process, then the sandbox's own account of what it stores. A run counts as
 * verified only when the stored bytes hash-match the source, whatever the client claimed.
 */
import { performance } from 'node:perf_hooks';
import type { VimeoTusError } from '../../src/errors.js';
import { createUpload } from '../../src/index.js';
import { type Sandbox, type SandboxState, startSandbox } from '../../src/sandbox/index.js';
import type { RunPlan } from './chaos-scenarios.js';
import type { TestFile } from './files.js';

/** What one chaos run found. */
export interface ChaosRunRecord {
  readonly scenario: string;
  readonly run: number;
  readonly detail: string;
  /** The client said the upload ended verified. */
  readonly completed: boolean;
  /** …and the sandbox holds exactly the source's bytes for that video. */
  readonly verified: boolean;
  /** The sandbox injected the fault (or the trigger fired) during the run. */
  readonly faultHit: boolean;
  /** Body bytes the client put on the wire (from its result, or its last progress on failure). */
  readonly bytesSent: number;
  readonly bytesBeyondFile: number;
  /** Videos the sandbox created during the run (deleted ones included). */
  readonly videosCreated: number;
  /** A stored upload of full length whose bytes differ from the source. */
  readonly contentMismatch: boolean;
  readonly retries: number;
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
  readonly timeoutMs: number;
}

function errorText(error: unknown): string {
  const code = (error as Partial<VimeoTusError>).code;
  const message = error instanceof Error ? error.message : String(error);
  return `${code ?? 'error'}: ${message.replace(/https?:\/\/\S+/g, '<url>').slice(0, 160)}`;
}

/** Runs one upload under the plan's faults and inspects the sandbox afterwards. */
export async function runChaosOnce(spec: ChaosRunSpec): Promise<ChaosRunRecord> {
  const { plan, file } = spec;
  let sandbox: Sandbox = await startSandbox({
    faults: plan.faults,
    uploadCompleteDelayMs: 10,
    transcodeDelayMs: 10,
  });
  let triggered = false;
  let triggerWork: Promise<void> = Promise.resolve();
  let watcher: NodeJS.Timeout | undefined;
  let lastBytesSent = 0;
  let retries = 0;
  const started = performance.now();

  let createdAtMs = Date.now();
  const fire = async (): Promise<void> => {
    const action = plan.trigger?.action;
    if (action === 'restart-sandbox') {
      sandbox = await sandbox.restart();
    } else if (action === 'expire-link') {
      // Links die `linkTtlMs` after they were issued, and this link was issued before the client
      // heard of its video: a TTL of the time since then ends it now. Once the client asked for a
      // fresh link (a version), lift the TTL so the new link can finish.
      const ttlMs = Math.max(1, Date.now() - createdAtMs);
      sandbox.setFaults({
        ...plan.faults,
        linkTtlMs: ttlMs,
        expiredLinkStatus: spec.run % 2 === 0 ? 404 : 410,
      });
      watcher = setInterval(() => {
        void sandbox.state({ hashes: false }).then((now) => {
          if ((now.counters.requests.version ?? 0) > 0 && watcher !== undefined) {
            clearInterval(watcher);
            watcher = undefined;
            sandbox.setFaults(plan.faults);
          }
        });
      }, 25);
    }
  };

  let completed = false;
  let error: string | null = null;
  let resultVideoUri: string | null = null;
  try {
    const upload = createUpload(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      chunkSizeBytes: spec.chunkSizeBytes,
      stallTimeoutMs: spec.stallTimeoutMs,
      progressIntervalMs: 0,
      retry: { initialDelayMs: 200, maxDelayMs: 5_000 },
      signal: AbortSignal.timeout(spec.timeoutMs),
      video: { name: `chaos ${spec.scenario} ${spec.run}` },
    });
    upload.on('created', () => {
      createdAtMs = Date.now();
    });
    upload.on('retry', () => {
      retries += 1;
    });
    upload.on('progress', (progress) => {
      lastBytesSent = Math.max(lastBytesSent, progress.bytesSent);
      if (
        !triggered &&
        plan.trigger !== undefined &&
        progress.bytesSent >= plan.trigger.atFraction * file.sizeBytes
      ) {
        triggered = true;
        triggerWork = fire();
      }
    });
    const result = await upload.done;
    completed = result.uploadOffset === file.sizeBytes && result.uploadLength === file.sizeBytes;
    lastBytesSent = Math.max(lastBytesSent, result.bytesSent);
    retries = Math.max(retries, result.retries);
    resultVideoUri = result.videoUri;
  } catch (caught) {
    error = errorText(caught);
  }
  const durationMs = performance.now() - started;
  try {
    await triggerWork;
    if (watcher !== undefined) clearInterval(watcher);
    const state: SandboxState = await sandbox.state();
    const videos = state.videos;
    const videosCreated = Math.max(
      state.counters.videosCreated,
      videos.length + state.deletedVideoIds.length,
    );
    const stored = videos.find((video) => video.uri === resultVideoUri) ?? null;
    const verified =
      completed && stored !== null && stored.storedBytes === file.sizeBytes && stored.sha256 === file.sha256;
    const uploads = videos.flatMap((video) => [video, ...video.versions]);
    const contentMismatch = uploads.some(
      (upload) =>
        upload.storedBytes === file.sizeBytes &&
        upload.sizeBytes === file.sizeBytes &&
        upload.sha256 !== null &&
        upload.sha256 !== file.sha256,
    );
    const injected = Object.values(state.counters.faultsInjected).reduce(
      (sum, count) => sum + (count ?? 0),
      0,
    );
    return {
      scenario: spec.scenario,
      run: spec.run,
      detail: plan.detail,
      completed,
      verified,
      // A trigger that fired after the last request changed nothing: the client must have met it.
      faultHit: plan.trigger === undefined ? injected > 0 : triggered && (retries > 0 || error !== null),
      bytesSent: lastBytesSent,
      bytesBeyondFile: Math.max(0, lastBytesSent - file.sizeBytes),
      videosCreated,
      contentMismatch,
      retries,
      error: error ?? (completed && !verified ? 'client reported success but the stored bytes differ' : null),
      durationMs,
    };
  } finally {
    await sandbox.close();
  }
}
