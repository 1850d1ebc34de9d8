/**
 * A scripted stand-in for the engine's createUpload: an EventEmitter that plays created → progress
 * → (retry) → verified, or fails with a given error. Lets the batch and the reporters be tested
 * without HTTP.
 */
import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import { runBatch } from '../../../src/cli/batch.js';
import type { PlannedFile } from '../../../src/cli/files.js';
import type { BatchUpload, StartUpload } from '../../../src/cli/io.js';
import type { BatchReporter, BatchSummary } from '../../../src/cli/render/reporter.js';
import type { UploadOptions } from '../../../src/entry/types.js';
import { AbortError, type VimeoTusError } from '../../../src/errors.js';
import { leavesPlace } from '../../../src/upload/places.js';
import type { NoticeEvent, UploadEvents, UploadPhase, UploadResult } from '../../../src/upload/types.js';

/** How a fake upload behaves for one file. */
export interface FakeScript {
  readonly fail?: VimeoTusError;
  readonly retry?: boolean;
  /** Never finishes until aborted. */
  readonly hang?: boolean;
  /** Ledger notices sent before the 'created' event (as the ledger layer does). */
  readonly notices?: readonly NoticeEvent[];
  /** The final HEAD found the link gone; Vimeo's upload.status was trusted. */
  readonly headUnavailable?: boolean;
  /** The create answer was lost and its video adopted (`created.adopted`). */
  readonly adopted?: boolean;
  /** Vimeo agrees only once this settles (the upload waits in its 'verifying' phase until then). */
  readonly agreement?: Promise<void>;
}

/** Records the calls made to the fake engine. */
export interface FakeEngine {
  readonly start: StartUpload;
  readonly calls: { filePath: string; options: UploadOptions }[];
  /** Highest number of uploads running at the same time. */
  maxInFlight: number;
  /** Highest number of uploads sending at the same time (started, not yet 'verifying'). */
  maxSending: number;
}

let nextId = 1000;

/** A fake engine; `scriptFor` chooses each file's behaviour. */
export function fakeEngine(scriptFor: (filePath: string) => FakeScript = () => ({})): FakeEngine {
  let inFlight = 0;
  let sending = 0;
  const engine: FakeEngine = {
    calls: [],
    maxInFlight: 0,
    maxSending: 0,
    start: (filePath, options) => {
      engine.calls.push({ filePath, options });
      inFlight += 1;
      sending += 1;
      engine.maxInFlight = Math.max(engine.maxInFlight, inFlight);
      engine.maxSending = Math.max(engine.maxSending, sending);
      const emitter = new EventEmitter();
      let stillSending = true;
      const stopSending = (): void => {
        if (stillSending) sending -= 1;
        stillSending = false;
      };
      emitter.on('progress', (progress: { phase: UploadPhase }) => {
        if (leavesPlace(progress.phase)) stopSending();
      });
      const done = play(emitter, filePath, options, scriptFor(filePath)).finally(() => {
        inFlight -= 1;
        stopSending();
      });
      done.catch(() => {});
      const handle: BatchUpload = {
        done,
        on: (event, listener) => emitter.on(event, listener as (...args: unknown[]) => void),
      };
      return handle;
    },
  };
  return engine;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function play(
  emitter: EventEmitter,
  filePath: string,
  options: UploadOptions,
  script: FakeScript,
): Promise<UploadResult> {
  const emit = <E extends keyof UploadEvents>(event: E, ...args: UploadEvents[E]): void => {
    emitter.emit(event, ...args);
  };
  const signal = options.signal;
  const checkAbort = (): void => {
    if (signal?.aborted) throw new AbortError();
  };
  await tick();
  const bytesTotal = (await stat(filePath)).size;
  const id = nextId++;
  const videoUri = `/videos/${id}`;
  const link = `https://vimeo.example/${id}`;
  emit('progress', {
    phase: 'creating',
    bytesSent: 0,
    bytesAcked: 0,
    bytesTotal,
    bytesPerSecond: 0,
    etaSeconds: null,
  });
  if (script.fail?.code === 'E_AUTH' || script.fail?.code === 'E_QUOTA') throw script.fail;
  for (const notice of script.notices ?? []) emit('notice', { ...notice, videoUri });
  emit('created', {
    videoUri,
    link,
    bytesTotal,
    created: true,
    ...(script.adopted ? { adopted: true } : {}),
  });
  const steps = 4;
  for (let step = 1; step <= steps; step += 1) {
    await tick();
    checkAbort();
    const acked = Math.floor((bytesTotal * (step - 1)) / steps);
    const sent = Math.floor((bytesTotal * step) / steps);
    emit('progress', {
      phase: 'uploading',
      bytesSent: sent,
      bytesAcked: acked,
      bytesTotal,
      bytesPerSecond: 1000,
      etaSeconds: 3,
    });
    if (script.retry && step === 2) {
      emit('retry', { attempt: 1, delayMs: 10, reason: 'connection reset', code: 'E_NETWORK' });
      emit('progress', {
        phase: 'retrying',
        bytesSent: sent,
        bytesAcked: acked,
        bytesTotal,
        bytesPerSecond: 0,
        etaSeconds: null,
      });
    }
    if (script.fail && step === 3) throw script.fail;
  }
  if (script.hang) {
    await new Promise<void>((_resolve, reject) => {
      if (signal?.aborted) reject(new AbortError());
      signal?.addEventListener('abort', () => reject(new AbortError()), { once: true });
    });
  }
  emit('progress', {
    phase: 'verifying',
    bytesSent: bytesTotal,
    bytesAcked: bytesTotal,
    bytesTotal,
    bytesPerSecond: 0,
    etaSeconds: 0,
  });
  await script.agreement;
  const result: UploadResult = {
    videoUri,
    link,
    filePath,
    bytesTotal,
    bytesSent: bytesTotal,
    uploadOffset: bytesTotal,
    uploadLength: bytesTotal,
    checks: { headOffsets: script.headUnavailable !== true, apiSize: true, apiUploadStatus: true },
    ...(script.headUnavailable ? { headUnavailable: true } : {}),
    uploadStatus: 'complete',
    transcodeStatus: options.waitForProcessing ? 'complete' : 'in_progress',
    requests: steps,
    retries: script.retry ? 1 : 0,
    durationMs: 5,
    resumed: false,
  };
  emit('verified', result);
  return result;
}

/**
 * Runs `runBatch` over `files` on a fake engine (concurrency 2 unless given, a token the output
 * must never show), reporting to `reporter`.
 */
export async function runFakeBatch(
  files: readonly PlannedFile[],
  reporter: BatchReporter,
  scriptFor: (filePath: string) => FakeScript = () => ({}),
  concurrency = 2,
): Promise<{ summary: BatchSummary; engine: FakeEngine }> {
  const engine = fakeEngine(scriptFor);
  const summary = await runBatch({
    files,
    start: engine.start,
    options: { token: FAKE_TOKEN, apiUrl: 'http://127.0.0.1:1' },
    videoFor: () => ({ name: 'x' }),
    concurrency,
    signal: new AbortController().signal,
    reporter,
    now: () => Date.now(),
    secrets: [FAKE_TOKEN],
    resumeHint: 'run it again',
    authHint: 'make a token',
  });
  return { summary, engine };
}

/** The token of {@link runFakeBatch}: no output may contain it. */
export const FAKE_TOKEN = 'secret-token-abc';
