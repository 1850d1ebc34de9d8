/**
 * One measured upload: pre-create on the reference server, run the client as its own process,
 * then verify what the server stored. An unverified run is recorded but never counted.
 */
import type { TestFile } from './files.js';
import { sha256File } from './files.js';
import { measure } from './measure.js';
import type { Tool } from './tools.js';
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
  readonly workDir: string;
  /** Compare the stored bytes' SHA-256 with the source's (costly; once per configuration). */
  readonly checkHash: boolean;
}

/** Runs, measures and verifies one upload, then deletes the stored bytes. */
export async function runOnce(spec: RunSpec): Promise<RunRecord> {
  const { tool, file } = spec;
  const uploadUrl = await createUpload(spec.serverUrl, file.sizeBytes);
  const storedPath = storedFilePath(spec.storeDir, uploadUrl);
  const { command, args } = tool.command({
    filePath: file.path,
    sizeBytes: file.sizeBytes,
    uploadUrl,
    chunkSizeBytes: spec.chunkSizeBytes,
  });
  // Generous: 5 MiB/s is far below any healthy client on loopback.
  const timeoutMs = 120_000 + (file.sizeBytes / (5 * MIB)) * 1000;
  const before = await requestCounts(spec.serverUrl);
  const measured = await measure({ command, args, workDir: spec.workDir, timeoutMs });
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
    tool: tool.id,
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
    requests: {
      head: sent('HEAD'),
      patch: sent('PATCH'),
      other: sent('POST') + sent('GET') + sent('OPTIONS'),
    },
    measuredBy,
    error: ok ? null : (error ?? 'failed'),
  };
}
