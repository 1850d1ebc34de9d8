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
}

/** What the harness reads back from a client's stdout. */
export interface ToolOutcome {
  readonly ok: boolean;
  /** The client's own transfer time; `null` to fall back to the process's wall time. */
  readonly transferMs: number | null;
  readonly error: string | null;
  /** The client's own resourceUsage() (Node clients only). */
  readonly self: { readonly cpuS: number; readonly maxRssKiB: number } | null;
}

/** One client under test. */
export interface Tool {
  /** Stable id used in flags and JSON (`curl`, `tus-js-client`, `vimeo-tus`, `vimeo-tus-cli`). */
  readonly id: string;
  /** Label for tables. */
  readonly label: string;
  /** False when the client always sends one PATCH (the chunk size does not apply). */
  readonly chunked: boolean;
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

/** Every known tool, in table order. */
export function allTools(context: ToolContext): Tool[] {
  return [curlTool(), tusJsClientTool(context), vimeoTusLibraryTool(context)];
}
