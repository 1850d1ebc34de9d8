/**
 * The clients the throughput benchmark compares, each one adapter: how to start it for a job, and
 * how to read its account of the run. Adding a client means adding one entry here.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClientJob, ClientReport } from '../clients/client-io.js';

/** How one client run is started. */
export interface ToolCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** What the harness reads back from a client's stdout. */
export interface ToolOutcome {
  readonly ok: boolean;
  /** The client's own transfer time; `null` to fall back to the process's wall time. */
  readonly transferMs: number | null;
  readonly error: string | null;
  /** The client's own resourceUsage() (Node clients only). */
  readonly self: { readonly cpuS: number; readonly maxRssKiB: number } | null;
  /** The video the client created (sandbox clients). */
  readonly videoUri?: string;
}

/** One client under test. */
export interface Tool {
  /** Stable id used in flags and JSON (`curl`, `tus-js-client`, `vimeo-tus`, `vimeo-tus-cli`). */
  readonly id: string;
  /** Label for tables. */
  readonly label: string;
  /** False when the client always sends one PATCH (the chunk size does not apply). */
  readonly chunked: boolean;
  /**
   * `tus-server`: continues an upload pre-created on the reference @tus/server. `sandbox`: creates
   * its own video through the sandbox's API (create, PATCH, verify), as a user's command does.
   */
  readonly target: 'tus-server' | 'sandbox';
  /** `null` when the tool can run here, else why not. */
  unavailableReason(): Promise<string | null>;
  command(job: ClientJob): ToolCommand;
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
    error: report.error ?? (exitCode === 0 ? null : `exit ${exitCode}`),
    self: {
      cpuS: (report.selfUserCpuMs + report.selfSystemCpuMs) / 1000,
      maxRssKiB: report.selfMaxRssKiB,
    },
  };
}

function nodeClient(context: ToolContext, script: string, job: ClientJob): ToolCommand {
  return {
    command: process.execPath,
    args: [join(context.compiledDir, 'clients', script), JSON.stringify(job)],
  };
}

/** curl with one PATCH of the whole file: the practical ceiling of a client. */
export function curlTool(): Tool {
  return {
    id: 'curl',
    label: 'curl, one PATCH',
    chunked: false,
    target: 'tus-server',
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
          '%{http_code} %{time_total}\\n',
          job.uploadUrl,
        ],
      };
    },
    parse(stdout, exitCode) {
      const [status, seconds] = stdout.trim().split(' ');
      const ok = exitCode === 0 && status === '204';
      return {
        ok,
        transferMs: seconds === undefined ? null : Number(seconds) * 1000,
        error: ok ? null : `curl exit ${exitCode}, HTTP ${status ?? '?'}`,
        self: null,
      };
    },
  };
}

/** tus-js-client 4 reading through fs.createReadStream(path). */
export function tusJsClientTool(context: ToolContext): Tool {
  return {
    id: 'tus-js-client',
    label: 'tus-js-client 4, createReadStream',
    chunked: true,
    target: 'tus-server',
    async unavailableReason() {
      return null;
    },
    command: (job) => nodeClient(context, 'tus-js-client.js', job),
    parse: parseNodeReport,
  };
}

/** vimeo-tus as a library: runTransfer() from the built dist/. */
export function vimeoTusLibraryTool(context: ToolContext): Tool {
  return {
    id: 'vimeo-tus',
    label: 'vimeo-tus library (runTransfer)',
    chunked: true,
    target: 'tus-server',
    async unavailableReason() {
      const needed = ['tus/transfer.js', 'sources/file-source.js'];
      for (const relative of needed) {
        if (!(await exists(join(context.distDir, relative)))) {
          return `dist/${relative} not built (engine not merged yet, or run npm run build)`;
        }
      }
      return null;
    },
    command: (job) => nodeClient(context, 'vimeo-tus-lib.js', { ...job, distDir: context.distDir }),
    parse: parseNodeReport,
  };
}

/** One NDJSON event of the CLI's `--json` output (the fields used here). */
interface CliEvent {
  readonly type?: string;
  readonly video?: string;
  readonly durationMs?: number;
  readonly uploadOffset?: number;
  readonly uploadLength?: number;
  readonly code?: string;
  readonly message?: string;
}

/**
 * The vimeo-tus CLI (`node dist/cli/bin.js upload FILE --json`) against the sandbox: the whole
 * user command, create + PATCHes + verify, with a fresh state dir per run.
 */
export function vimeoTusCliTool(context: ToolContext): Tool {
  const bin = join(context.distDir, 'cli', 'bin.js');
  return {
    id: 'vimeo-tus-cli',
    label: 'vimeo-tus CLI → sandbox (create + PATCH + verify)',
    chunked: true,
    target: 'sandbox',
    async unavailableReason() {
      return (await exists(bin)) ? null : 'dist/cli/bin.js not built';
    },
    command(job) {
      const chunk = job.chunkSizeBytes === null ? 'unlimited' : String(job.chunkSizeBytes);
      return {
        command: process.execPath,
        args: [
          bin,
          'upload',
          job.filePath,
          '--json',
          '--concurrency',
          '1',
          '--chunk-size',
          chunk,
          '--state-dir',
          job.stateDir ?? '',
        ],
        env: { ...process.env, VIMEO_API_URL: job.apiUrl ?? '', VIMEO_TOKEN: job.token ?? '', NO_COLOR: '1' },
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
      return {
        ok,
        // The upload's own duration (create to verified), without the process start-up.
        transferMs: verified?.durationMs ?? null,
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
  return [curlTool(), tusJsClientTool(context), vimeoTusLibraryTool(context), vimeoTusCliTool(context)];
}
