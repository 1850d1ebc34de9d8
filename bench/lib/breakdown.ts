/**
 * Where one client's time went, from the timeline its process recorded (bench/clients/timeline-hook.ts)
 * or, for curl, from its own `-w` phases: Node's start-up, module loading and set-up before the
 * first request, the API calls before the first PATCH, the PATCH bodies, the wait for each answer
 * after the last byte, the client's idle time between PATCHes, and what follows the last PATCH.
 */
import type { RunRecord } from './runs.js';

/** One run's time, in ms from the process's start. */
export interface Breakdown {
  /** Node's own start-up, before any of the client's code (null for curl). */
  readonly nodeStartMs: number | null;
  /** From Node's start-up to the first request: loading modules, checking the file, opening a ledger. */
  readonly loadMs: number | null;
  /** Requests before the first PATCH (GET /me, create, HEAD) and their time, answers included. */
  readonly callsBeforePatch: number;
  readonly callsBeforePatchMs: number;
  /** The client's own work between those calls and the first PATCH (ledger writes, file checks). */
  readonly workBeforePatchMs: number;
  readonly patches: number;
  /** Sum over PATCHes: first header to the body's last byte handed to the kernel. */
  readonly bodyMs: number;
  /** Sum over PATCHes: last byte handed to the kernel to the answer's end (the server drains and answers). */
  readonly answerWaitMs: number;
  /** Sum and longest of the client's idle time between one PATCH's answer and the next PATCH. */
  readonly boundaryIdleMs: number;
  readonly boundaryIdleMaxMs: number;
  /** One HTTP round trip to the upload host in the same run: the longest HEAD, request to answer. */
  readonly headRoundTripMs: number | null;
  /** From the last PATCH's answer to the process's exit (verify, ledger, exit). */
  readonly afterLastPatchMs: number;
  /** The whole process as it saw itself (curl: its time_total). */
  readonly processMs: number;
}

const isTus = (method: string): boolean => method === 'PATCH';

/** The breakdown of a Node client's run, or null when it has no usable timeline. */
export function breakdownOf(record: RunRecord): Breakdown | null {
  if (record.selfTimings !== null && record.transferMs !== null) {
    // curl: one PATCH on a link made beforehand.
    return {
      nodeStartMs: null,
      loadMs: null,
      callsBeforePatch: 0,
      callsBeforePatchMs: 0,
      workBeforePatchMs: record.selfTimings.firstRequestMs,
      patches: 1,
      bodyMs: record.transferMs - record.selfTimings.firstRequestMs,
      answerWaitMs: 0,
      boundaryIdleMs: 0,
      boundaryIdleMaxMs: 0,
      headRoundTripMs: null,
      afterLastPatchMs: 0,
      processMs: record.transferMs,
    };
  }
  const timeline = record.timeline;
  if (timeline === null || timeline.exitMs === null) return null;
  const requests = timeline.requests;
  const patches = requests.filter((request) => isTus(request.method));
  const first = requests[0];
  const firstPatch = patches[0];
  const lastPatch = patches.at(-1);
  if (first === undefined || firstPatch === undefined || lastPatch === undefined) return null;
  const before = requests.filter((request) => request.startMs < firstPatch.startMs);
  const duration = (start: number, end: number | null): number => (end === null ? 0 : end - start);
  const callsBeforePatchMs = before.reduce(
    (sum, request) => sum + duration(request.startMs, request.endMs),
    0,
  );
  let bodyMs = 0;
  let answerWaitMs = 0;
  let boundaryIdleMs = 0;
  let boundaryIdleMaxMs = 0;
  patches.forEach((patch, index) => {
    const bodyDone = patch.bodyDoneMs ?? patch.endMs ?? patch.startMs;
    bodyMs += bodyDone - patch.startMs;
    answerWaitMs += duration(bodyDone, patch.endMs);
    const next = patches[index + 1];
    if (next !== undefined && patch.endMs !== null) {
      const idle = next.startMs - patch.endMs;
      boundaryIdleMs += idle;
      boundaryIdleMaxMs = Math.max(boundaryIdleMaxMs, idle);
    }
  });
  return {
    nodeStartMs: timeline.hookMs,
    loadMs: first.startMs - timeline.hookMs,
    callsBeforePatch: before.length,
    callsBeforePatchMs,
    workBeforePatchMs: firstPatch.startMs - first.startMs - callsBeforePatchMs,
    patches: patches.length,
    bodyMs,
    answerWaitMs,
    boundaryIdleMs,
    boundaryIdleMaxMs,
    headRoundTripMs: requests
      .filter((request) => request.method === 'HEAD' && request.endMs !== null)
      .reduce<number | null>(
        (longest, request) => Math.max(longest ?? 0, duration(request.startMs, request.endMs)),
        null,
      ),
    afterLastPatchMs: timeline.exitMs - (lastPatch.endMs ?? lastPatch.startMs),
    processMs: timeline.exitMs,
  };
}
