/**
 * The clients the benchmark compares, each one adapter: how to start it for a job, and how to read
 * its account of the run. Adding a client means adding one entry here. Every client uploads to the
 * same sandbox (a Vimeo imitation whose upload host is @tus/server + @tus/file-store): those that
 * make their own video (vimeo.js, vimeo-tus) call its API; curl, tus-js-client and the node-http
 * probe get an upload link the harness created, since they only speak tus.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { READ_BUFFER_COUNT, READ_SIZE_BYTES } from '../../src/sources/read-size.js';
import { DEFAULT_CHUNK_SIZE_BYTES } from '../../src/tus/constants.js';
import type { ClientJob, ClientReport } from '../clients/client-io.js';

/** How one client run is started. */
export interface ToolCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** Timings a client reported about itself (curl's `-w` phases), in ms from the start of its call. */
export interface SelfTimings {
  /** The connection was up and the request about to be sent. */
  readonly firstRequestMs: number;
  /** The first byte of the answer came. */
  readonly firstAnswerByteMs: number;
}

/** What the harness reads back from a client's stdout. */
export interface ToolOutcome {
  readonly ok: boolean;
  /** The client's own transfer time; `null` to fall back to the process's wall time. */
  readonly transferMs: number | null;
  /**
   * From the same start to the server's answer that it holds every byte (curl's, vimeo.js's and
   * tus-js-client's time ends there; vimeo-tus verifies after it). Absent: `transferMs`.
   */
  readonly ackedMs?: number;
  readonly error: string | null;
  /** The client's own resourceUsage() (Node clients only). */
  readonly self: { readonly cpuS: number; readonly maxRssKiB: number } | null;
  /** The video the client created (clients that create one). */
  readonly videoUri?: string;
  readonly selfTimings?: SelfTimings;
}

/** One client under test. */
export interface Tool {
  /** Stable id used in flags and JSON. */
  readonly id: string;
  /** Label for tables. */
  readonly label: string;
  /** False when the client always sends one PATCH (the chunk size does not apply). */
  readonly chunked: boolean;
  /** True when the client creates its video through the API; false: the harness makes the link. */
  readonly createsVideo: boolean;
  /** A Node process that can take the timeline hook (`--import`). */
  readonly node: boolean;
  /** `null` when the tool can run here, else why not. */
  unavailableReason(): Promise<string | null>;
  command(job: ClientJob, hook: string | null): ToolCommand;
  parse(stdout: string, exitCode: number | null): ToolOutcome;
}

/** Paths the tools need. */
export interface ToolContext {
  /** Root of the compiled child scripts (bench/.work/js). */
  readonly compiledDir: string;
  /** The built library (dist/). */
  readonly distDir: string;
}

const exists = (path: string): Promise<boolean> =>
  access(path)
    .then(() => true)
    .catch(() => false);

/** Reads the last JSON line a Node client printed. */
function parseNodeReport(stdout: string, exitCode: number | null): ToolOutcome {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  let report: ClientReport;
  try {
    report = JSON.parse(line) as ClientReport;
  } catch {
    return { ok: false, transferMs: null, error: `no report (exit ${exitCode})`, self: null };
  }
  return {
    ok: report.ok && exitCode === 0,
    transferMs: report.transferMs,
    ...(report.ackedMs === undefined ? {} : { ackedMs: report.ackedMs }),
    error: report.error ?? (exitCode === 0 ? null : `exit ${exitCode}`),
    self: {
      cpuS: (report.selfUserCpuMs + report.selfSystemCpuMs) / 1000,
      maxRssKiB: report.selfMaxRssKiB,
    },
    ...(report.videoUri === undefined ? {} : { videoUri: report.videoUri }),
  };
}

const hookArgs = (hook: string | null): string[] => (hook === null ? [] : ['--import', hook]);

function nodeClient(context: ToolContext, script: string, job: ClientJob, hook: string | null): ToolCommand {
  return {
    command: process.execPath,
    args: [...hookArgs(hook), join(context.compiledDir, 'clients', script), JSON.stringify(job)],
  };
}

/** curl with one PATCH of the whole file: the practical ceiling of a client. */
export function curlTool(): Tool {
  return {
    id: 'curl',
    label: 'curl, one PATCH',
    chunked: false,
    createsVideo: false,
    node: false,
    async unavailableReason() {
      return (await exists('/usr/bin/curl')) || (await exists('/usr/local/bin/curl'))
        ? null
        : 'curl not installed';
    },
    command(job) {
      return {
        command: 'curl',
        args: [
          '-sS',
          '-X',
          'PATCH',
          '-T',
          job.filePath,
          '-H',
          'Expect:',
          '-H',
          'Tus-Resumable: 1.0.0',
          '-H',
          'Upload-Offset: 0',
          '-H',
          'Content-Type: application/offset+octet-stream',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code} %{time_total} %{time_pretransfer} %{time_starttransfer}\\n',
          job.uploadUrl,
        ],
      };
    },
    parse(stdout, exitCode) {
      const [status, total, pretransfer, starttransfer] = stdout.trim().split(' ');
      const ok = exitCode === 0 && status === '204';
      const seconds = (text: string | undefined): number => Number(text) * 1000;
      return {
        ok,
        transferMs: total === undefined ? null : seconds(total),
        error: ok ? null : `curl exit ${exitCode}, HTTP ${status ?? '?'}`,
        self: null,
        ...(pretransfer === undefined || starttransfer === undefined
          ? {}
          : {
              selfTimings: {
                firstRequestMs: seconds(pretransfer),
                firstAnswerByteMs: seconds(starttransfer),
              },
            }),
      };
    },
  };
}

/** A Node client script of bench/clients that prints a ClientReport. */
function nodeTool(
  context: ToolContext,
  tool: Pick<Tool, 'id' | 'label' | 'chunked' | 'createsVideo'> & {
    readonly script: string;
    /** A file that must exist, and what to say when it does not. */
    readonly needs?: { readonly path: string; readonly reason: string };
    readonly extra?: Partial<ClientJob>;
    /** What 'default' means for a client with no default of its own. */
    readonly defaultChunk?: number;
  },
): Tool {
  const { script, needs, extra, defaultChunk, ...described } = tool;
  return {
    ...described,
    node: true,
    async unavailableReason() {
      return needs === undefined || (await exists(needs.path)) ? null : needs.reason;
    },
    command: (job, hook) =>
      nodeClient(
        context,
        script,
        {
          ...job,
          ...extra,
          ...(defaultChunk !== undefined && job.chunk === 'default' ? { chunk: defaultChunk } : {}),
        },
        hook,
      ),
    parse: parseNodeReport,
  };
}

/** tus-js-client 4 reading through fs.createReadStream(path). */
export const tusJsClientTool = (context: ToolContext): Tool =>
  nodeTool(context, {
    id: 'tus-js-client',
    label: 'tus-js-client 4.3, createReadStream',
    chunked: true,
    createsVideo: false,
    script: 'tus-js-client.js',
  });

/**
 * Node's own http without a library, in vimeo-tus's PATCHes and reads (at 'default' its default
 * chunk size): the per-byte floor of a Node client, next to curl's.
 */
export const nodeHttpTool = (context: ToolContext): Tool =>
  nodeTool(context, {
    id: 'node-http',
    label: 'Node http, no library (vimeo-tus PATCHes and reads)',
    chunked: true,
    createsVideo: false,
    script: 'node-http.js',
    extra: { readSizeBytes: READ_SIZE_BYTES, readBuffers: READ_BUFFER_COUNT },
    defaultChunk: DEFAULT_CHUNK_SIZE_BYTES,
  });

/** vimeo.js 3.0.3, Vimeo's official Node SDK: create + one PATCH. */
export const vimeoJsTool = (context: ToolContext): Tool =>
  nodeTool(context, {
    id: 'vimeo.js',
    label: 'vimeo.js 3.0.3 (create + one PATCH)',
    chunked: false,
    createsVideo: true,
    script: 'vimeo-js.js',
    needs: {
      path: join(context.compiledDir, '..', '..', '..', 'node_modules', '@vimeo', 'vimeo', 'package.json'),
      reason: '@vimeo/vimeo not installed (npm install)',
    },
  });

/** vimeo-tus as a library: uploadVideo() from the built dist/ (create + PATCHes + verify). */
export const vimeoTusLibraryTool = (context: ToolContext): Tool =>
  nodeTool(context, {
    id: 'vimeo-tus',
    label: 'vimeo-tus library, uploadVideo (create + PATCH + verify)',
    chunked: true,
    createsVideo: true,
    script: 'vimeo-tus-lib.js',
    needs: { path: join(context.distDir, 'index.js'), reason: 'dist/ not built (npm run build)' },
    extra: { distDir: context.distDir },
  });

/** One NDJSON event of the CLI's `--json` output (the fields used here). */
interface CliEvent {
  readonly type?: string;
  readonly time?: string;
  readonly video?: string;
  readonly bytesAcked?: number;
  readonly bytesTotal?: number;
  readonly durationMs?: number;
  readonly code?: string;
  readonly message?: string;
}

/**
 * The vimeo-tus CLI (`node dist/cli/bin.js upload FILE --json`): the whole user command, create +
 * PATCHes + verify, with its SQLite ledger in a fresh state dir per run.
 */
export function vimeoTusCliTool(context: ToolContext): Tool {
  const bin = join(context.distDir, 'cli', 'bin.js');
  return {
    id: 'vimeo-tus-cli',
    label: 'vimeo-tus CLI (create + PATCH + verify, SQLite ledger)',
    chunked: true,
    createsVideo: true,
    node: true,
    async unavailableReason() {
      return (await exists(bin)) ? null : 'dist/cli/bin.js not built';
    },
    command(job, hook) {
      const chunk =
        job.chunk === 'default'
          ? []
          : ['--chunk-size', job.chunk === 'unlimited' ? 'unlimited' : String(job.chunk)];
      return {
        command: process.execPath,
        args: [
          ...hookArgs(hook),
          bin,
          'upload',
          job.filePath,
          '--json',
          ...chunk,
          '--state-dir',
          job.stateDir ?? '',
        ],
        env: { ...process.env, VIMEO_API_URL: job.apiUrl, VIMEO_TOKEN: job.token, NO_COLOR: '1' },
      };
    },
    parse(stdout, exitCode) {
      const events: CliEvent[] = [];
      for (const line of stdout.split('\n')) {
        if (line.trim() === '') continue;
        try {
          events.push(JSON.parse(line) as CliEvent);
        } catch {
          return { ok: false, transferMs: null, error: 'non-JSON line on stdout', self: null };
        }
      }
      const verified = events.find((event) => event.type === 'verified');
      const failure = events.find((event) => event.type === 'error');
      const ok = exitCode === 0 && verified !== undefined;
      // Its first progress event with every byte acknowledged (the 'verifying' phase at the latest,
      // sent at once), set back from the verified event on the events' own clock.
      const acked = events.find(
        (event) =>
          event.type === 'progress' &&
          event.bytesTotal !== undefined &&
          event.bytesAcked === event.bytesTotal,
      );
      const verifyingMs =
        verified?.time === undefined || acked?.time === undefined
          ? undefined
          : Date.parse(verified.time) - Date.parse(acked.time);
      return {
        ok,
        // The upload's own duration (create to verified), without the process start-up.
        transferMs: verified?.durationMs ?? null,
        ...(verified?.durationMs === undefined || verifyingMs === undefined || Number.isNaN(verifyingMs)
          ? {}
          : { ackedMs: verified.durationMs - verifyingMs }),
        error: ok
          ? null
          : failure === undefined
            ? `exit ${exitCode}`
            : `${failure.code ?? 'error'}: ${failure.message ?? ''}`,
        self: null,
        ...(verified?.video === undefined ? {} : { videoUri: verified.video }),
      };
    },
  };
}

/** Every known tool, in table order. */
export function allTools(context: ToolContext): Tool[] {
  return [
    curlTool(),
    nodeHttpTool(context),
    tusJsClientTool(context),
    vimeoJsTool(context),
    vimeoTusLibraryTool(context),
    vimeoTusCliTool(context),
  ];
}
