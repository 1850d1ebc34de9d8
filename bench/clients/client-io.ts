/**
 * What the harness hands a client process (one JSON argument) and what the client prints back (one
 * JSON line on stdout, last). Shared by every Node client script of the benchmark.
 */

/** Bytes per PATCH: a number, one PATCH for the whole file, or the client's own default. */
export type ChunkSetting = number | 'unlimited' | 'default';

/** The job of one client run. */
export interface ClientJob {
  readonly filePath: string;
  readonly sizeBytes: number;
  /** A video the harness created for clients that only send bytes (curl, tus-js-client); else empty. */
  readonly uploadUrl: string;
  readonly chunk: ChunkSetting;
  /** The sandbox's API and token (clients that create their own video). */
  readonly apiUrl: string;
  readonly token: string;
  /** Folder of the built library (dist/) for the vimeo-tus clients. */
  readonly distDir?: string;
  /** A fresh, empty state (ledger) folder for this run. */
  readonly stateDir?: string;
  /** The node-http probe's reads: bytes per read and buffers (vimeo-tus's own, passed by the harness). */
  readonly readSizeBytes?: number;
  readonly readBuffers?: number;
}

/** The client's own account of its run. */
export interface ClientReport {
  readonly ok: boolean;
  /** From just before the first request to the end of the upload. */
  readonly transferMs: number;
  /**
   * From the same start to the server's answer that it holds every byte, when the client's end
   * comes later (vimeo-tus verifies after it). Absent: `transferMs` ends at that answer.
   */
  readonly ackedMs?: number;
  /** The video the client created, when it created one. */
  readonly videoUri?: string;
  readonly error?: string;
  /** process.resourceUsage() at the end: a cross-check of the harness's own measurement. */
  readonly selfUserCpuMs: number;
  readonly selfSystemCpuMs: number;
  readonly selfMaxRssKiB: number;
}

/** Reads the job from argv[2]. */
export function readJob(): ClientJob {
  const text = process.argv[2];
  if (text === undefined) throw new Error('missing job argument');
  return JSON.parse(text) as ClientJob;
}

/** Prints the report line and sets the exit code; the process then ends on its own. */
export function finish(result: {
  ok: boolean;
  transferMs: number;
  ackedMs?: number;
  videoUri?: string;
  error?: string;
}): void {
  const usage = process.resourceUsage();
  const report: ClientReport = {
    ...result,
    selfUserCpuMs: usage.userCPUTime / 1000,
    selfSystemCpuMs: usage.systemCPUTime / 1000,
    selfMaxRssKiB: usage.maxRSS,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exitCode = result.ok ? 0 : 1;
}

/** A redacted one-line description of an error (no URLs). */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/https?:\/\/\S+/g, '<url>').slice(0, 300);
}
