/**
 * One measured upload: pre-create on the reference server (or, for the CLI, let it create its video
 * on the sandbox), run the client as its own process, then verify what the server stored. An
 * unverified run is recorded but never counted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestFile } from './files.js';
import { sha256File } from './files.js';
import { type Measured, measure } from './measure.js';
import type { SandboxProcess } from './sandbox-process.js';
import type { Tool, ToolOutcome } from './tools.js';
import {
  createUpload,
  headUpload,
  removeStored,
  requestCounts,
  storedFilePath,
  storedSize,
} from './tus-server-process.js';
import { GIB, MIB } from './units.js';

/** The measured and verified facts of one run. */
export interface RunRecord {
  readonly tool: string;
  readonly sizeBytes: number;
  /** `null` = unlimited / not applicable (one PATCH). */
  readonly chunkSizeBytes: number | null;
  readonly round: number;
  readonly ok: boolean;
  /** Offset, stored size (and the SHA-256 when `hashChecked`) matched the source. */
  readonly verified: boolean;
  readonly hashChecked: boolean;
  readonly transferMs: number | null;
  readonly processWallMs: number;
  readonly mibPerS: number | null;
  readonly cpuS: number | null;
  readonly cpuSPerGiB: number | null;
  readonly maxRssMiB: number | null;
  /** Requests the server received from the client during the run. */
  readonly requests: { readonly head: number; readonly patch: number; readonly other: number };
  readonly measuredBy: 'gnu-time' | 'self-report' | 'none';
  readonly error: string | null;
}

/** Everything one run needs. */
export interface RunSpec {
  readonly tool: Tool;
  readonly file: TestFile;
  readonly chunkSizeBytes: number | null;
  readonly round: number;
  readonly serverUrl: string;
  readonly storeDir: string;
  /** The sandbox process for `sandbox` tools (the CLI); null when none runs. */
  readonly sandbox: SandboxProcess | null;
  readonly workDir: string;
  /** Compare the stored bytes' SHA-256 with the source's (costly; once per configuration). */
  readonly checkHash: boolean;
}

/** What a target-specific run found, before the figures are worked out. */
interface Observed {
  readonly measured: Measured;
  readonly outcome: ToolOutcome;
  readonly verified: boolean;
  readonly hashChecked: boolean;
  readonly error: string | null;
  readonly requests: RunRecord['requests'];
}

/** Runs, measures and verifies one upload, then deletes the stored bytes. */
export async function runOnce(spec: RunSpec): Promise<RunRecord> {
  const observed = spec.tool.target === 'sandbox' ? await runOnSandbox(spec) : await runOnTusServer(spec);
  return toRecord(spec, observed);
}

// Generous: 5 MiB/s is far below any healthy client on loopback.
const timeoutFor = (sizeBytes: number): number => 120_000 + (sizeBytes / (5 * MIB)) * 1000;

async function runOnTusServer(spec: RunSpec): Promise<Observed> {
  const { tool, file } = spec;
  const uploadUrl = await createUpload(spec.serverUrl, file.sizeBytes);
  const storedPath = storedFilePath(spec.storeDir, uploadUrl);
  const { command, args, env } = tool.command({
    filePath: file.path,
    sizeBytes: file.sizeBytes,
    uploadUrl,
    chunkSizeBytes: spec.chunkSizeBytes,
  });
  const before = await requestCounts(spec.serverUrl);
  const measured = await measure({
    command,
    args,
    workDir: spec.workDir,
    timeoutMs: timeoutFor(file.sizeBytes),
    ...(env === undefined ? {} : { env }),
  });
  const after = await requestCounts(spec.serverUrl);
  const outcome = tool.parse(measured.stdout, measured.exitCode);
  const sent = (method: string): number => (after[method] ?? 0) - (before[method] ?? 0);
  let verified = false;
  let hashChecked = false;
  let error = outcome.error;
  try {
    const head = await headUpload(uploadUrl);
    const size = await storedSize(storedPath);
    verified = head.offset === file.sizeBytes && head.length === file.sizeBytes && size === file.sizeBytes;
    if (!verified && error === null) error = `server holds ${head.offset} of ${file.sizeBytes} bytes`;
    if (verified && spec.checkHash) {
      hashChecked = true;
      verified = (await sha256File(storedPath)) === file.sha256;
      if (!verified) error = 'stored bytes differ from the source (SHA-256)';
    }
  } finally {
    await removeStored(storedPath);
  }
  return {
    measured,
    outcome,
    verified,
    hashChecked,
    error,
    requests: {
      head: sent('HEAD'),
      patch: sent('PATCH'),
      other: sent('POST') + sent('GET') + sent('OPTIONS'),
    },
  };
}

async function runOnSandbox(spec: RunSpec): Promise<Observed> {
  const { tool, file, sandbox } = spec;
  if (sandbox === null) throw new Error(`${tool.id} needs the sandbox process`);
  const stateDir = await mkdtemp(join(spec.workDir, 'state-'));
  let videoUri: string | undefined;
  try {
    const { command, args, env } = tool.command({
      filePath: file.path,
      sizeBytes: file.sizeBytes,
      uploadUrl: '',
      chunkSizeBytes: spec.chunkSizeBytes,
      apiUrl: sandbox.apiUrl,
      token: sandbox.token,
      stateDir,
    });
    const before = (await sandbox.state(false)).counters.requests;
    const measured = await measure({
      command,
      args,
      workDir: spec.workDir,
      timeoutMs: timeoutFor(file.sizeBytes),
      ...(env === undefined ? {} : { env }),
    });
    const outcome = tool.parse(measured.stdout, measured.exitCode);
    videoUri = outcome.videoUri;
    const state = await sandbox.state(spec.checkHash);
    const after = state.counters.requests;
    const sent = (kind: keyof typeof after): number => (after[kind] ?? 0) - (before[kind] ?? 0);
    const video = state.videos.find((candidate) => candidate.uri === outcome.videoUri);
    let error = outcome.error;
    let verified =
      video !== undefined && video.sizeBytes === file.sizeBytes && video.storedBytes === file.sizeBytes;
    if (!verified && error === null)
      error = 'the sandbox does not hold the whole file for the reported video';
    if (verified && spec.checkHash) {
      verified = video?.sha256 === file.sha256;
      if (!verified) error = 'stored bytes differ from the source (SHA-256)';
    }
    const other = Object.entries(after)
      .filter(([kind]) => kind !== 'head' && kind !== 'patch')
      .reduce((sum, [kind, count]) => sum + (count ?? 0) - (before[kind as keyof typeof before] ?? 0), 0);
    return {
      measured,
      outcome,
      verified,
      hashChecked: spec.checkHash,
      error,
      requests: { head: sent('head'), patch: sent('patch'), other },
    };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
    if (videoUri !== undefined) await sandbox.deleteVideo(videoUri);
  }
}

function toRecord(spec: RunSpec, observed: Observed): RunRecord {
  const { file } = spec;
  const { measured, outcome, verified, hashChecked } = observed;
  const transferMs = outcome.transferMs ?? measured.processWallMs;
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
  const ok = outcome.ok && verified;
  return {
    tool: spec.tool.id,
    sizeBytes: file.sizeBytes,
    chunkSizeBytes: spec.chunkSizeBytes,
    round: spec.round,
    ok,
    verified,
    hashChecked,
    transferMs,
    processWallMs: measured.processWallMs,
    mibPerS: ok && transferMs > 0 ? file.sizeBytes / MIB / (transferMs / 1000) : null,
    cpuS,
    cpuSPerGiB: ok && cpuS !== null ? cpuS / (file.sizeBytes / GIB) : null,
    maxRssMiB: maxRssKiB === null ? null : maxRssKiB / 1024,
    requests: observed.requests,
    measuredBy,
    error: ok ? null : (observed.error ?? 'failed'),
  };
}
