/**
 * What one queued upload is: its source (a path every worker can read, or an http(s) URL), the
 * video fields of its create call, and the job id that makes adding the same source twice add
 * nothing. The token is never in a job: each worker has its own.
 */
import { createHash } from 'node:crypto';
import type { VideoFields } from '../upload/types.js';

/** The data of one job, as stored in Redis. */
export interface FleetJobData {
  /**
   * What the worker opens: an absolute path (on storage every worker mounts at the same place) or
   * an http(s) URL. A presigned URL's query string is a secret: it is stored here (Redis is as
   * trusted as the ledger, which stores upload links) but never shown.
   */
  readonly source: string;
  /** How the source is named in output: the path, or the URL without its query string. */
  readonly display: string;
  /** The source's size when it was queued (shown by `queue status` before any worker took it). */
  readonly sizeBytes: number;
  /** The create-body fields (name, description, privacy, folder_uri, password). */
  readonly video: VideoFields;
}

/** What a finished job returns (kept in Redis for `queue status --files`). */
export interface FleetJobResult {
  readonly videoUri: string;
  readonly link: string;
  readonly bytesTotal: number;
  /** True when an earlier attempt's video was continued. */
  readonly resumed: boolean;
}

/**
 * What a running job reports (BullMQ's job progress, read by `queue status`): bytes the server
 * acknowledged, and its video once the upload made or found one, so a job that fails later still
 * names it.
 */
export interface FleetJobProgress {
  readonly bytesAcked: number;
  readonly videoUri?: string;
  readonly link?: string;
}

/** The prefix of every job id this version derives. */
const JOB_ID_PREFIX = 'src-';

/**
 * The job id of a source: a hash of its identity (a file's real path; a URL without its query
 * string), so the same source queued twice (or by two machines) is one job. BullMQ ignores an add
 * whose id exists.
 */
export function jobIdFor(identityKey: string): string {
  return JOB_ID_PREFIX + createHash('sha256').update(identityKey, 'utf8').digest('hex').slice(0, 40);
}
