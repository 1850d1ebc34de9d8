/**
 * What the sandbox itself says after a chaos run, whatever the client claimed: how many videos
 * were created, how many new versions (fresh upload links for the same video) were asked for,
 * whether the video the client reported stores exactly the source's bytes, and whether any stored
 * upload of full length holds other bytes.
 */
import type { Sandbox } from '../../src/sandbox/index.js';
import type { TestFile } from './files.js';

/** The sandbox's account of one run. */
export interface SandboxVerdict {
  /** Videos the sandbox created (its persisted counter, or live + deleted videos if higher). */
  readonly videosCreated: number;
  /** Every `POST /me/videos` the sandbox received, refused ones included. */
  readonly createCalls: number;
  /** Versions (`POST /videos/{id}/versions`) the live videos hold. */
  readonly versionsCreated: number;
  /**
   * The reported video exists and its current upload (the newest version's, when a version
   * replaced the first upload link) stores the source's exact bytes (length and SHA-256).
   */
  readonly storedMatches: boolean;
  /** A stored upload of full length whose bytes differ from the source. */
  readonly contentMismatch: boolean;
  /** Faults the sandbox injected since it (last) started. */
  readonly faultsInjected: number;
}

/** Reads the sandbox's state (with hashes) and judges the run against `file`. */
export async function inspectSandbox(
  sandbox: Sandbox,
  file: TestFile,
  reportedVideoUri: string | null,
): Promise<SandboxVerdict> {
  const state = await sandbox.state();
  const { videos, counters } = state;
  // A video's own fields describe its current upload: after a version, that version's bytes.
  const stored = videos.find((video) => video.uri === reportedVideoUri) ?? null;
  const uploads = videos.flatMap((video) => [video, ...video.versions]);
  return {
    videosCreated: Math.max(counters.videosCreated, videos.length + state.deletedVideoIds.length),
    createCalls: counters.createCalls,
    versionsCreated: videos.reduce((sum, video) => sum + video.versions.length, 0),
    storedMatches: stored !== null && stored.storedBytes === file.sizeBytes && stored.sha256 === file.sha256,
    contentMismatch: uploads.some(
      (upload) =>
        upload.storedBytes === file.sizeBytes &&
        upload.sizeBytes === file.sizeBytes &&
        upload.sha256 !== null &&
        upload.sha256 !== file.sha256,
    ),
    faultsInjected: Object.values(counters.faultsInjected).reduce((sum, count) => sum + (count ?? 0), 0),
  };
}
