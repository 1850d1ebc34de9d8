/**
 * The queue's administration: add sources (one job each, by identity), count and list the jobs,
 * requeue the failed ones, drop the finished ones. Each call opens its own connection and closes it.
 */
import type { Job, JobsOptions, Queue } from 'bullmq';
import { connectRedis, QUEUE_NAME } from './connection.js';
import { codeOfReason } from './failure.js';
import { type FleetJobData, type FleetJobProgress, type FleetJobResult, jobIdFor } from './job.js';

/** How often a transient failure is tried, in all (BullMQ attempts). */
export const DEFAULT_JOB_ATTEMPTS = 8;
/** First backoff between attempts (doubles each time). */
export const DEFAULT_JOB_BACKOFF_MS = 5000;

/** One source to queue. */
export interface QueueEntry {
  /** The source's identity (a file's real path, a URL without query): the job id derives from it. */
  readonly identityKey: string;
  readonly data: FleetJobData;
}

/** What `addToQueue` did with one entry. */
export interface AddOutcome {
  readonly jobId: string;
  readonly source: string;
  readonly sizeBytes: number;
  /** False when a job for this source was already in the queue (nothing was added). */
  readonly added: boolean;
}

type FleetQueue = Queue<FleetJobData, FleetJobResult>;

async function withQueue<T>(redisUrl: string, work: (queue: FleetQueue) => Promise<T>): Promise<T> {
  const { Queue } = await import('bullmq');
  const connection = await connectRedis(redisUrl);
  const queue: FleetQueue = new Queue(QUEUE_NAME, { connection });
  try {
    return await work(queue);
  } finally {
    await queue.close().catch(() => undefined);
    connection.disconnect();
  }
}

/** Queues one job per entry; an entry whose job exists adds nothing. */
export function addToQueue(
  redisUrl: string,
  entries: readonly QueueEntry[],
  options: { readonly attempts?: number; readonly backoffMs?: number } = {},
): Promise<AddOutcome[]> {
  return withQueue(redisUrl, async (queue) => {
    const outcomes: AddOutcome[] = [];
    for (const entry of entries) {
      const jobId = jobIdFor(entry.identityKey);
      const opts: JobsOptions = {
        jobId,
        attempts: options.attempts ?? DEFAULT_JOB_ATTEMPTS,
        backoff: { type: 'exponential', delay: options.backoffMs ?? DEFAULT_JOB_BACKOFF_MS },
      };
      const existed = (await queue.getJob(jobId)) !== undefined;
      // BullMQ adds nothing when the id exists (two machines adding at once get one job too).
      if (!existed) await queue.add('upload', entry.data, opts);
      outcomes.push({ jobId, source: entry.data.display, sizeBytes: entry.data.sizeBytes, added: !existed });
    }
    return outcomes;
  });
}

/** The queue's totals. */
export interface QueueTotals {
  readonly total: number;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly verified: number;
  readonly failed: number;
}

/** One job, for `queue status --files`. */
export interface QueueJobView {
  readonly jobId: string;
  readonly source: string;
  readonly state: 'waiting' | 'active' | 'delayed' | 'verified' | 'failed';
  readonly sizeBytes: number;
  readonly bytesAcked: number | null;
  readonly videoUri: string | null;
  readonly link: string | null;
  readonly attempts: number;
  readonly errorCode: string | null;
  readonly error: string | null;
}

const STATE_OF: Readonly<Record<string, QueueJobView['state']>> = {
  waiting: 'waiting',
  prioritized: 'waiting',
  paused: 'waiting',
  'waiting-children': 'waiting',
  active: 'active',
  delayed: 'delayed',
  completed: 'verified',
  failed: 'failed',
};

/** Counts the jobs by state. */
export function queueTotals(redisUrl: string): Promise<QueueTotals> {
  return withQueue(redisUrl, countJobs);
}

async function countJobs(queue: FleetQueue): Promise<QueueTotals> {
  const counts = await queue.getJobCounts(
    'waiting',
    'prioritized',
    'paused',
    'active',
    'delayed',
    'completed',
    'failed',
  );
  const n = (key: string): number => counts[key] ?? 0;
  const totals = {
    waiting: n('waiting') + n('prioritized') + n('paused'),
    active: n('active'),
    delayed: n('delayed'),
    verified: n('completed'),
    failed: n('failed'),
  };
  return {
    total: totals.waiting + totals.active + totals.delayed + totals.verified + totals.failed,
    ...totals,
  };
}

/** The totals and every job, in the order they were added. */
export function queueJobs(redisUrl: string): Promise<{ totals: QueueTotals; jobs: QueueJobView[] }> {
  return withQueue(redisUrl, async (queue) => {
    const totals = await countJobs(queue);
    const jobs: QueueJobView[] = [];
    for (const state of Object.keys(STATE_OF)) {
      const found = await queue.getJobs([state as 'waiting'], 0, -1, true);
      for (const job of found) jobs.push(viewOf(job, STATE_OF[state] ?? 'waiting'));
    }
    jobs.sort((a, b) => a.source.localeCompare(b.source));
    return { totals, jobs };
  });
}

function viewOf(job: Job<FleetJobData, FleetJobResult>, state: QueueJobView['state']): QueueJobView {
  // Written by this project's workers only (worker.ts), or BullMQ's initial 0.
  const progress =
    typeof job.progress === 'object' && job.progress !== null
      ? (job.progress as Partial<FleetJobProgress>)
      : {};
  const result = state === 'verified' ? (job.returnvalue as FleetJobResult | null) : null;
  const reason = state === 'failed' || job.failedReason ? job.failedReason || null : null;
  return {
    jobId: job.id ?? '',
    source: job.data.display,
    state,
    sizeBytes: job.data.sizeBytes,
    bytesAcked: result ? result.bytesTotal : (progress.bytesAcked ?? null),
    // A job that failed or waits again still names the video its upload made (the worker's reports).
    videoUri: result?.videoUri ?? progress.videoUri ?? null,
    link: result?.link ?? progress.link ?? null,
    attempts: job.attemptsMade,
    errorCode: codeOfReason(reason ?? undefined) ?? null,
    error: reason,
  };
}

/** Requeues every failed job (attempts start again). Returns how many. */
export function retryFailed(redisUrl: string): Promise<number> {
  return withQueue(redisUrl, async (queue) => {
    const failed = await queue.getJobCountByTypes('failed');
    await queue.retryJobs({ state: 'failed' });
    return failed;
  });
}

/**
 * Drops finished jobs: the verified ones, and with `failed` the failed ones too. The ledger's
 * records stay: queueing a dropped source again only re-checks it (no second video).
 */
export function forgetFinished(
  redisUrl: string,
  options: { readonly failed?: boolean } = {},
): Promise<number> {
  return withQueue(redisUrl, async (queue) => {
    let removed = (await queue.clean(0, 0, 'completed')).length;
    if (options.failed) removed += (await queue.clean(0, 0, 'failed')).length;
    return removed;
  });
}
