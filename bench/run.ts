/**
 * `npm run bench`: throughput, client CPU and client peak RSS of vimeo-tus next to its peers (curl
 * with one PATCH, tus-js-client 4) against the same plain @tus/server, plus memory scaling and a
 * batch of small files through the sandbox. Writes the `bench` section of docs/benchmarks.md, a
 * chart, and the raw results as JSON. Flags: see BENCH_USAGE (`--help`).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runBatch } from './lib/batch.js';
import { renderBenchSection } from './lib/bench-report.js';
import { renderBarChart } from './lib/chart.js';
import { compileChildScripts, REPO_DIR } from './lib/compile.js';
import { ensureRandomFile } from './lib/files.js';
import { describeMachine } from './lib/machine.js';
import { hasGnuTime } from './lib/measure.js';
import { BENCH_USAGE, type BenchOptions, parseBenchOptions } from './lib/options.js';
import { writeSection } from './lib/report-file.js';
import type { BenchResults, ConfigurationResult, ToolStatus } from './lib/results.js';
import { runRotation } from './lib/rotation.js';
import { type SandboxProcess, startSandboxProcess } from './lib/sandbox-process.js';
import { spread } from './lib/stats.js';
import { allTools, type Tool } from './lib/tools.js';
import { startTusServer, type TusServerProcess } from './lib/tus-server-process.js';
import { formatBytes } from './lib/units.js';

const startedMs = performance.now();
const log = (line: string): void => {
  const seconds = Math.round((performance.now() - startedMs) / 1000);
  process.stdout.write(
    `[${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}] ${line}\n`,
  );
};

async function selectTools(
  options: BenchOptions,
  compiledDir: string,
): Promise<{ tools: Tool[]; status: ToolStatus[] }> {
  const known = allTools({ compiledDir, distDir: join(REPO_DIR, 'dist') });
  if (options.tools !== null) {
    const unknown = options.tools.filter((id) => !known.some((tool) => tool.id === id));
    if (unknown.length > 0) throw new Error(`unknown tools: ${unknown.join(', ')}`);
  }
  const wanted = known.filter((tool) => options.tools === null || options.tools.includes(tool.id));
  const tools: Tool[] = [];
  const status: ToolStatus[] = [];
  for (const tool of wanted) {
    const reason = await tool.unavailableReason();
    status.push({ id: tool.id, label: tool.label, unavailableReason: reason });
    if (reason === null) tools.push(tool);
    else log(`skipping ${tool.id}: ${reason}`);
  }
  return { tools, status };
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2), { repoDir: REPO_DIR });
  if (options === null) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return;
  }
  const startedAt = new Date().toISOString();
  await mkdir(options.workDir, { recursive: true });
  const compiledDir = await compileChildScripts();
  const machine = await describeMachine(REPO_DIR);
  log(`machine: ${machine.nproc} cores, node ${machine.node}, load ${machine.loadAtStart.join(' ')}`);
  const { tools, status } = await selectTools(options, compiledDir);
  const filesDir = join(options.workDir, 'files');
  const storeDir = join(options.workDir, 'store');
  await rm(storeDir, { recursive: true, force: true });
  await mkdir(storeDir, { recursive: true });

  const cliBin = join(REPO_DIR, 'dist', 'cli', 'bin.js');
  const startSandbox = (): Promise<SandboxProcess> => startSandboxProcess(cliBin);
  let server: TusServerProcess | null = null;
  const stop = async (): Promise<void> => {
    await server?.stop();
  };
  process.once('SIGINT', () => {
    void stop().finally(() => process.exit(130));
  });
  let throughput: ConfigurationResult[] | null = null;
  let memory: ConfigurationResult[] | null = null;
  let batch: BenchResults['batch'] = null;
  try {
    const needsServer = options.sections.includes('throughput') || options.sections.includes('memory');
    if (needsServer && tools.length > 0) {
      server = await startTusServer(join(compiledDir, 'server', 'tus-server.js'), storeDir);
      log(`reference @tus/server listening (pid ${server.pid})`);
    }
    if (server !== null && options.sections.includes('throughput')) {
      throughput = [];
      log(
        `throughput: ${formatBytes(options.sizeBytes)} file, ${options.runs} runs × ${tools.length} clients × ${options.chunkSizesBytes.length} chunk sizes`,
      );
      const file = await ensureRandomFile(filesDir, options.sizeBytes);
      for (const chunkSizeBytes of options.chunkSizesBytes) {
        const chunk = Number.isFinite(chunkSizeBytes) ? chunkSizeBytes : null;
        log(`-- chunk size ${formatBytes(chunkSizeBytes)}`);
        const records = await runRotation({
          tools,
          file,
          chunkSizeBytes: chunk,
          rounds: options.runs,
          serverUrl: server.url,
          storeDir,
          startSandbox,
          workDir: options.workDir,
          log,
        });
        throughput.push({ sizeBytes: file.sizeBytes, chunkSizeBytes: chunk, records });
      }
    }
    if (server !== null && options.sections.includes('memory')) {
      memory = [];
      for (const sizeBytes of options.memorySizesBytes) {
        log(`-- memory: ${formatBytes(sizeBytes)} file, ${formatBytes(options.memoryChunkSizeBytes)} chunks`);
        const file = await ensureRandomFile(filesDir, sizeBytes);
        const records = await runRotation({
          tools,
          file,
          chunkSizeBytes: options.memoryChunkSizeBytes,
          rounds: options.memoryRuns,
          serverUrl: server.url,
          storeDir,
          startSandbox,
          workDir: options.workDir,
          log,
        });
        memory.push({ sizeBytes, chunkSizeBytes: options.memoryChunkSizeBytes, records });
      }
    }
    if (options.sections.includes('batch')) {
      log(`-- batch: ${options.batchFiles} files of ${formatBytes(options.batchFileSizeBytes)}`);
      batch = await runBatch({
        files: options.batchFiles,
        fileSizeBytes: options.batchFileSizeBytes,
        concurrency: options.batchConcurrency,
        workDir: options.workDir,
        compiledDir,
        distDir: join(REPO_DIR, 'dist'),
        log,
      });
    }
  } finally {
    await stop();
  }

  let chartFile: string | null = null;
  if (throughput !== null && throughput.length > 0) {
    const png = renderBarChart({
      title: `Upload throughput, ${formatBytes(options.sizeBytes)} file over loopback`,
      yLabel: 'MiB/s',
      groups: throughput.map((configuration) =>
        formatBytes(configuration.chunkSizeBytes ?? Number.POSITIVE_INFINITY),
      ),
      series: tools.map((tool) => ({
        label: tool.id,
        values: throughput.map((configuration) =>
          spread(
            configuration.records
              .filter((record) => record.tool === tool.id && record.ok && record.mibPerS !== null)
              .map((record) => record.mibPerS ?? 0),
          ),
        ),
      })),
    });
    await mkdir(dirname(options.chartPath), { recursive: true });
    await writeFile(options.chartPath, png);
    chartFile = relative(dirname(options.outPath), options.chartPath);
  }
  const results: BenchResults = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    loadAtEnd: loadavg().map((value) => Math.round(value * 100) / 100),
    measurement: (await hasGnuTime())
      ? 'each client is its own process under GNU time (`/usr/bin/time -f "%e %U %S %M"`): CPU = user + sys seconds and peak RSS = ru_maxrss of that process, from the kernel at its exit. Throughput = file size ÷ the transfer time the client measured itself (curl: `%{time_total}`; Node clients: from the first call to the end, after module loading). Before every run the file is read once, so each client reads it from the page cache.'
      : 'GNU time not found: Node clients report their own process.resourceUsage() at exit (CPU user + sys, maxRSS); curl has no figures. Throughput = file size ÷ the transfer time the client measured itself.',
    runs: options.runs,
    tools: status,
    throughput,
    memory,
    batch,
    chartFile,
  };
  await mkdir(dirname(options.jsonPath), { recursive: true });
  await writeFile(options.jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  const commandLine = [
    'npm run bench',
    ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
  ].join(' ');
  await writeSection(options.outPath, 'bench', renderBenchSection(results, commandLine));
  log(
    `wrote ${relative(process.cwd(), options.outPath)}, ${relative(process.cwd(), options.jsonPath)}${chartFile === null ? '' : `, ${relative(process.cwd(), options.chartPath)}`}`,
  );
  const failed = [...(throughput ?? []), ...(memory ?? [])]
    .flatMap((configuration) => configuration.records)
    .filter((record) => !record.ok);
  if (failed.length > 0) {
    log(`${failed.length} run(s) failed or were not verified`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
