/**
 * A fleet worker: a BullMQ worker that takes upload jobs and runs each with the engine under the
 * Redis ledger, so that every step of every upload is recorded where any worker can continue it
 * (on the same video, from the server's offset).
 *
 * - A worker that dies (SIGKILL, a lost machine) stops renewing its jobs' locks: BullMQ's stalled
 *   check hands them to another worker, whose ledger lookup finds the record and continues it.
 * - `stop()` (SIGTERM) takes no new job, aborts the running uploads at a resumable point (what the
 *   server acknowledged is kept; the record says where), puts their jobs back in the waiting list
 *   without spending an attempt, and resolves once the worker is closed, or after `stopTimeoutMs`
 *   when Redis does not answer (then the jobs are handed on as stalled, as a dead worker's are).
 * - A 429 (or a server delay) pauses the whole queue, every worker, until the reset time; so does
 *   an answer whose `X-RateLimit-Remaining` is down to the reserve (rate-limit-reserve.ts), before
 *   any 429. A pause is never shortened by a later, shorter one.
 * - Permanent failures fail the job at once with their code; others are retried with backoff. A
 *   refused token (E_AUTH) is the worker's fault, not the job's: the job goes back to the queue for
 *   a worker whose token works, and this worker stops (`refusedToken()` says why), instead of taking
 *   every job of the queue and failing each.
 */
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createUpload } from '../entry/create-upload.js';
import { AbortError, VimeoTusError } from '../errors.js';
import type { Ledger } from '../ledger/types.js';
import type { RetryPolicy, VideoFields } from '../upload/types.js';
import type { RateLimitInfo } from '../vimeo/types.js';
import { connectRedis, FLEET_LEDGER_PREFIX, QUEUE_NAME } from './connection.js';
import { classifyFailure, failureReason } from './failure.js';
import type { FleetJobData, FleetJobProgress, FleetJobResult } from './job.js';
import { rateLimitPauseMs } from './rate-limit-reserve.js';

/** How long a worker's hold on a job lasts without renewal (renewed at half of it). */
export const DEFAULT_JOB_LOCK_MS = 20_000;
/** How often each worker looks for jobs whose holder stopped renewing. */
export const DEFAULT_STALLED_CHECK_MS = 15_000;
/** How long `stop()` waits for the running uploads to be put back before it gives up on Redis. */
export const DEFAULT_STOP_TIMEOUT_MS = 8_000;
/** How long a silent upload-lock holder is trusted in the ledger (every worker must agree). */
export const DEFAULT_LEDGER_LOCK_STALE_MS = 30_000;

/** What a worker tells about its jobs. */
export type FleetWorkerEvent =
  | { readonly type: 'started'; readonly jobId: string; readonly source: string; readonly attempt: number }
  | {
      readonly type: 'verified';
      readonly jobId: string;
      readonly source: string;
      readonly videoUri: string;
      readonly link: string;
      readonly resumed: boolean;
      /** Bytes this attempt sent: the rest after the server's offset when the upload was continued. */
      readonly bytesSent: number;
    }
  | {
      readonly type: 'failed';
      readonly jobId: string;
      readonly source: string;
      readonly code: string;
      readonly message: string;
      /** True when BullMQ will try it again (after backoff); false when given up. */
      readonly willRetry: boolean;
    }
  | { readonly type: 'rate-limited'; readonly jobId: string; readonly pauseMs: number }
  | {
      /** An answer left no more calls than the reserve: the whole queue pauses until the reset. */
      readonly type: 'rate-limit-low';
      readonly jobId: string;
      readonly remaining: number;
      readonly limit: number | null;
      readonly pauseMs: number;
    }
  | { readonly type: 'requeued'; readonly jobId: string; readonly source: string }
  | {
      /** Vimeo refused this worker's token: the job went back to the queue and the worker stops. */
      readonly type: 'token-refused';
      readonly jobId: string;
      readonly source: string;
      readonly message: string;
    };

/** Options of {@link startFleetWorker}. */
export interface FleetWorkerOptions {
  /** The queue's Redis URL (the ledger lives there too). */
  readonly redisUrl: string;
  /** The worker's Vimeo token (never stored in a job). */
  readonly token: string;
  readonly apiUrl?: string;
  /** Uploads run at once by this worker. @default 2 */
  readonly concurrency?: number;
  readonly chunkSizeBytes?: number;
  /** The engine's retry policy; `maxServerDelayMs` is always 0 (a server delay pauses the queue). */
  readonly retry?: Omit<RetryPolicy, 'maxServerDelayMs'>;
  /** @default DEFAULT_JOB_LOCK_MS */
  readonly jobLockMs?: number;
  /** @default DEFAULT_STALLED_CHECK_MS */
  readonly stalledCheckMs?: number;
  /** @default DEFAULT_LEDGER_LOCK_STALE_MS */
  readonly ledgerLockStaleMs?: number;
  /**
   * Pause the whole queue until the window's reset once an API answer says that no more than
   * this many calls are left (`X-RateLimit-Remaining`), before Vimeo answers 429: the reserve is
   * for the uploads already running across the fleet (about 3 calls each). Every worker of a
   * queue should use the same value.
   * @default max(1, ⌈5 % of X-RateLimit-Limit⌉)
   */
  readonly rateLimitReserve?: number;
  /**
   * How long `stop()` waits for its uploads to stop and their jobs to go back to the queue. Past it
   * (Redis does not answer), the worker lets go: those jobs are taken over as stalled, as a dead
   * worker's are, and continue from the ledger. @default DEFAULT_STOP_TIMEOUT_MS
   */
  readonly stopTimeoutMs?: number;
  readonly onEvent?: (event: FleetWorkerEvent) => void;
}

/** A running worker. */
export interface FleetWorker {
  /**
   * Stops taking jobs, aborts the running uploads at a resumable point, requeues them, closes.
   * `graceful` is false when it gave up after `stopTimeoutMs` (Redis did not answer): the jobs it
   * held are handed on as stalled.
   */
  stop(): Promise<{ readonly graceful: boolean }>;
  /** Resolves once the worker is closed (after `stop()`, or after Vimeo refused its token). */
  readonly closed: Promise<void>;
  /** The E_AUTH error that made the worker stop by itself, if that is why it stopped. */
  refusedToken(): VimeoTusError | undefined;
}

/** Starts a worker on the queue. Resolves once it is connected and taking jobs. */
export async function startFleetWorker(options: FleetWorkerOptions): Promise<FleetWorker> {
  const { Queue, Worker, UnrecoverableError, WaitingError } = await import('bullmq');
  const { openRedisLedger } = await import('../ledger/redis-ledger.js');
  const emit = options.onEvent ?? (() => undefined);
  const connection: Redis = await connectRedis(options.redisUrl);
  const ledger: Ledger = await openRedisLedger(options.redisUrl, {
    keyPrefix: FLEET_LEDGER_PREFIX,
    lockStaleAfterMs: options.ledgerLockStaleMs ?? DEFAULT_LEDGER_LOCK_STALE_MS,
  });
  const queue = new Queue<FleetJobData, FleetJobResult>(QUEUE_NAME, { connection });
  const running = new Set<AbortController>();
  let stopping = false;
  let refused: VimeoTusError | undefined;

  // Until when this worker already paused the queue (a pause is written once per window, not per answer).
  let pausedUntilMs = 0;
  const watchRateLimit = (jobId: string, reading: RateLimitInfo): void => {
    const nowMs = Date.now();
    const pauseMs = rateLimitPauseMs(reading, nowMs, options.rateLimitReserve);
    if (pauseMs === undefined || reading.remaining === null || nowMs + pauseMs <= pausedUntilMs) return;
    pausedUntilMs = nowMs + pauseMs;
    void pauseQueue(queue, pauseMs).catch(() => undefined);
    emit({ type: 'rate-limit-low', jobId, remaining: reading.remaining, limit: reading.limit, pauseMs });
  };

  const processor = async (job: Job<FleetJobData, FleetJobResult>, lockToken?: string) => {
    const jobId = job.id ?? '';
    const { source, display } = job.data;
    const controller = new AbortController();
    running.add(controller);
    emit({ type: 'started', jobId, source: display, attempt: job.attemptsMade + 1 });
    let lastProgressMs = 0;
    try {
      const upload = createUpload(source, {
        token: options.token,
        ...(options.apiUrl !== undefined ? { apiUrl: options.apiUrl } : {}),
        ...(options.chunkSizeBytes !== undefined ? { chunkSizeBytes: options.chunkSizeBytes } : {}),
        retry: { ...options.retry, maxServerDelayMs: 0 },
        ledger,
        video: job.data.video as VideoFields,
        signal: controller.signal,
      });
      upload.on('error', () => undefined);
      upload.on('rateLimit', (reading) => watchRateLimit(jobId, reading));
      // The job's progress names its video as soon as it is known, so that `queue status` can show
      // which video a job that later fails belongs to.
      let video: { readonly videoUri: string; readonly link: string } | undefined;
      let bytesAcked = 0;
      const report = (): void => {
        const progress: FleetJobProgress = { bytesAcked, ...video };
        void job.updateProgress(progress).catch(() => undefined);
      };
      upload.on('created', (event) => {
        video = { videoUri: event.videoUri, link: event.link };
        report();
      });
      upload.on('progress', (progress) => {
        bytesAcked = progress.bytesAcked;
        const now = Date.now();
        if (now - lastProgressMs < 1000) return;
        lastProgressMs = now;
        report();
      });
      const result = await upload.done;
      const value: FleetJobResult = {
        videoUri: result.videoUri,
        link: result.link,
        bytesTotal: result.bytesTotal,
        resumed: result.resumed,
      };
      emit({ type: 'verified', jobId, source: display, ...value, bytesSent: result.bytesSent });
      return value;
    } catch (error) {
      if (stopping && controller.signal.aborted) {
        // Back to the waiting list as it is: the next worker continues it from the ledger.
        await job.moveToWait(lockToken);
        emit({ type: 'requeued', jobId, source: display });
        throw new WaitingError();
      }
      if (error instanceof VimeoTusError && error.code === 'E_AUTH') {
        // The token, not the job: back to the waiting list for a worker whose token works.
        refused ??= error;
        await job.moveToWait(lockToken);
        emit({ type: 'token-refused', jobId, source: display, message: error.message });
        void stop();
        throw new WaitingError();
      }
      const verdict = classifyFailure(error);
      if (verdict.kind === 'rate-limited') {
        // Every worker of the queue waits until the reset, not only this one.
        await pauseQueue(queue, verdict.pauseMs);
        emit({ type: 'rate-limited', jobId, pauseMs: verdict.pauseMs });
        throw Worker.RateLimitError();
      }
      const reason = failureReason(verdict.code, verdict.message);
      const attempts = job.opts.attempts ?? 1;
      const willRetry = verdict.kind === 'transient' && job.attemptsMade + 1 < attempts;
      emit({
        type: 'failed',
        jobId,
        source: display,
        code: verdict.code,
        message: verdict.message,
        willRetry,
      });
      if (verdict.kind === 'permanent') throw new UnrecoverableError(reason);
      throw new Error(reason);
    } finally {
      running.delete(controller);
    }
  };

  const worker = new Worker<FleetJobData, FleetJobResult>(QUEUE_NAME, processor, {
    connection,
    concurrency: options.concurrency ?? 2,
    lockDuration: options.jobLockMs ?? DEFAULT_JOB_LOCK_MS,
    stalledInterval: options.stalledCheckMs ?? DEFAULT_STALLED_CHECK_MS,
    // A job whose worker died is handed on, again and again: the ledger makes each take-over safe.
    maxStalledCount: 100,
    // The queue-wide pause of a 429 (queue.rateLimit) is honoured only by a worker with a limiter;
    // this one never limits by itself.
    limiter: { max: 1_000_000, duration: 1000 },
  });
  worker.on('error', () => undefined);
  await worker.waitUntilReady();

  let closing: Promise<{ readonly graceful: boolean }> | undefined;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const stop = (): Promise<{ readonly graceful: boolean }> => {
    closing ??= (async () => {
      stopping = true;
      const done = worker.close().then(
        () => true,
        () => true,
      );
      for (const controller of running) controller.abort(new AbortError('the worker is stopping'));
      let timer: NodeJS.Timeout | undefined;
      const givenUp = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
      });
      const graceful = await Promise.race([done, givenUp]);
      clearTimeout(timer);
      if (graceful) {
        await queue.close().catch(() => undefined);
        await ledger.close().catch(() => undefined);
      } else {
        // Redis does not answer: waiting for it could take forever. Nothing is lost by leaving:
        // BullMQ's stalled check hands the jobs on, and the ledger continues their uploads.
        void queue.close().catch(() => undefined);
        void ledger.close().catch(() => undefined);
      }
      connection.disconnect();
      resolveClosed();
      return { graceful };
    })();
    return closing;
  };
  return { stop, closed, refusedToken: () => refused };
}

/**
 * Pauses every worker of the queue for `pauseMs` (BullMQ's queue-wide rate limit). A pause another
 * worker already set that lasts longer is kept: `queue.rateLimit` replaces the pause, so a worker
 * whose reading ends sooner would otherwise let the whole fleet go early.
 */
async function pauseQueue(
  queue: Pick<Queue, 'getRateLimitTtl' | 'rateLimit'>,
  pauseMs: number,
): Promise<void> {
  const ms = Math.max(1, Math.ceil(pauseMs));
  if ((await queue.getRateLimitTtl()) < ms) await queue.rateLimit(ms);
}
