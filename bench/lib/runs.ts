/**
 * One measured upload to the sandbox: the client runs as its own process (creating its video, or
 * sending to a link the harness made), then the harness checks what the sandbox stored. An
 * unverified run is recorded but never counted.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { VimeoClient } from '../../src/vimeo/client.js';
import type { ChunkSetting } from '../clients/client-io.js';
import type { Timeline } from '../clients/timeline-hook.js';
import type { TestFile } from './files.js';
import { type Measured, measure } from './measure.js';
import type { SandboxProcess } from './sandbox-process.js';
import type { SelfTimings, Tool, ToolOutcome } from './tools.js';
import { GIB, MIB } from './units.js';

/** The measured and verified facts of one run. */
export interface RunRecord {
  readonly tool: string;
  readonly sizeBytes: number;
  readonly chunk: ChunkSetting;
  readonly round: number;
  readonly ok: boolean;
  /** The sandbox holds the file's size for the video (and the source's SHA-256 when `hashChecked`). */
  readonly verified: boolean;
  readonly hashChecked: boolean;
  readonly transferMs: number | null;
  /**
   * To the server's answer that it holds every byte: where curl's, vimeo.js's and tus-js-client's
   * time ends, while vimeo-tus's `transferMs` goes on to verified.
   */
  readonly ackedMs: number | null;
  readonly processWallMs: number;
  readonly mibPerS: number | null;
  /** Throughput to `ackedMs`. */
  readonly ackedMibPerS: number | null;
  readonly cpuS: number | null;
  readonly cpuSPerGiB: number | null;
  readonly maxRssMiB: number | null;
  /** Requests the sandbox received during the run, by kind (create, get-me, head, patch…). */
  readonly requests: Readonly<Record<string, number>>;
  readonly measuredBy: 'gnu-time' | 'self-report' | 'none';
  /** The requests as the client process saw them (Node clients, when the hook ran). */
  readonly timeline: Timeline | null;
  /** curl's own phases. */
  readonly selfTimings: SelfTimings | null;
  readonly error: string | null;
}

/** Everything one run needs. */
export interface RunSpec {
  readonly tool: Tool;
  readonly file: TestFile;
  readonly chunk: ChunkSetting;
  readonly round: number;
  readonly sandbox: SandboxProcess;
  readonly workDir: string;
  /** Compare the stored bytes' SHA-256 with the source's (costly; once per configuration). */
  readonly checkHash: boolean;
  /** The compiled timeline hook, preloaded into Node clients; `null` for none. */
  readonly hook: string | null;
}

// Generous: 5 MiB/s is far below any healthy client on loopback.
const timeoutFor = (sizeBytes: number): number => 120_000 + (sizeBytes / (5 * MIB)) * 1000;

/** Runs, measures and verifies one upload, then deletes its video (and so its stored bytes). */
export async function runOnce(spec: RunSpec): Promise<RunRecord> {
  const { tool, file, sandbox } = spec;
  const stateDir = await mkdtemp(join(spec.workDir, 'state-'));
  const timelineFile = join(stateDir, 'timeline.json');
  let videoUri: string | undefined;
  try {
    let uploadUrl = '';
    if (!tool.createsVideo) {
      const created = await new VimeoClient({ token: sandbox.token, apiUrl: sandbox.apiUrl }).createVideo({
        sizeBytes: file.sizeBytes,
        video: { name: 'bench' },
      });
      videoUri = created.videoUri;
      uploadUrl = created.uploadLink;
    }
    const hook = tool.node ? spec.hook : null;
    const { command, args, env } = tool.command(
      {
        filePath: file.path,
        sizeBytes: file.sizeBytes,
        uploadUrl,
        chunk: tool.chunked ? spec.chunk : 'default',
        apiUrl: sandbox.apiUrl,
        token: sandbox.token,
        stateDir,
      },
      hook,
    );
    const before = (await sandbox.state(false)).counters.requests;
    const measured = await measure({
      command,
      args,
      workDir: spec.workDir,
      timeoutMs: timeoutFor(file.sizeBytes),
      env: { ...(env ?? process.env), ...(hook === null ? {} : { BENCH_TIMELINE_FILE: timelineFile }) },
    });
    const outcome = tool.parse(measured.stdout, measured.exitCode);
    videoUri ??= outcome.videoUri;
    const state = await sandbox.state(spec.checkHash);
    const requests: Record<string, number> = {};
    for (const [kind, count] of Object.entries(state.counters.requests)) {
      const sent = (count ?? 0) - (before[kind as keyof typeof before] ?? 0);
      if (sent > 0) requests[kind] = sent;
    }
    const video = state.videos.find((candidate) => candidate.uri === videoUri);
    let error = outcome.error;
    let verified =
      video !== undefined && video.sizeBytes === file.sizeBytes && video.storedBytes === file.sizeBytes;
    if (!verified && error === null) error = 'the sandbox does not hold the whole file for the video';
    if (verified && spec.checkHash) {
      verified = video?.sha256 === file.sha256;
      if (!verified) error = 'stored bytes differ from the source (SHA-256)';
    }
    const timeline =
      hook === null
        ? null
        : await readFile(timelineFile, 'utf8')
            .then((text) => JSON.parse(text) as Timeline)
            .catch(() => null);
    return toRecord(spec, measured, outcome, { verified, error, requests, timeline });
  } finally {
    await rm(stateDir, { recursive: true, force: true });
    if (videoUri !== undefined) await sandbox.deleteVideo(videoUri).catch(() => undefined);
  }
}

function toRecord(
  spec: RunSpec,
  measured: Measured,
  outcome: ToolOutcome,
  found: {
    verified: boolean;
    error: string | null;
    requests: Record<string, number>;
    timeline: Timeline | null;
  },
): RunRecord {
  const { file } = spec;
  const transferMs = outcome.transferMs ?? measured.processWallMs;
  const ackedMs = outcome.ackedMs ?? transferMs;
  let cpuS: number | null = null;
  let maxRssKiB: number | null = null;
  let measuredBy = measured.source;
  if (measured.userCpuS !== null && measured.systemCpuS !== null) {
    cpuS = measured.userCpuS + measured.systemCpuS;
    maxRssKiB = measured.maxRssKiB;
  } else if (outcome.self !== null) {
    cpuS = outcome.self.cpuS;
    maxRssKiB = outcome.self.maxRssKiB;
    measuredBy = 'self-report';
  }
  const ok = outcome.ok && found.verified;
  return {
    tool: spec.tool.id,
    sizeBytes: file.sizeBytes,
    chunk: spec.tool.chunked ? spec.chunk : 'default',
    round: spec.round,
    ok,
    verified: found.verified,
    hashChecked: spec.checkHash,
    transferMs,
    ackedMs,
    processWallMs: measured.processWallMs,
    mibPerS: ok && transferMs > 0 ? file.sizeBytes / MIB / (transferMs / 1000) : null,
    ackedMibPerS: ok && ackedMs > 0 ? file.sizeBytes / MIB / (ackedMs / 1000) : null,
    cpuS,
    cpuSPerGiB: ok && cpuS !== null ? cpuS / (file.sizeBytes / GIB) : null,
    maxRssMiB: maxRssKiB === null ? null : maxRssKiB / 1024,
    requests: found.requests,
    measuredBy,
    timeline: found.timeline,
    selfTimings: outcome.selfTimings ?? null,
    error: ok ? null : (found.error ?? 'failed'),
  };
}
