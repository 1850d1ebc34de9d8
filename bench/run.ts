/**
 * `npm run bench`: throughput, client CPU, client peak RSS and where the time goes, for vimeo-tus
 * (library and CLI) next to its peers (vimeo.js, Vimeo's own SDK; curl with one PATCH;
 * tus-js-client 4), all uploading to the same sandbox: every client at its own defaults, then at
 * several chunk sizes, then on several file sizes, plus a batch of small files. Writes the `bench`
 * section of docs/benchmarks.md, an SVG chart, and the raw results as JSON. Flags: BENCH_USAGE.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChunkSetting } from './clients/client-io.js';
import { runBatch } from './lib/batch.js';
import { renderBenchSection } from './lib/bench-report.js';
import { renderBarChart } from './lib/chart.js';
import { compileChildScripts, REPO_DIR } from './lib/compile.js';
import { ensureRandomFile } from './lib/files.js';
import { runFleetSection } from './lib/fleet-section.js';
import { describeMachine } from './lib/machine.js';
import { hasGnuTime } from './lib/measure.js';
import { BENCH_USAGE, type BenchOptions, parseBenchOptions } from './lib/options.js';
import { writeSection } from './lib/report-file.js';
import type { BenchResults, ConfigurationResult, ToolStatus } from './lib/results.js';
import { chunkLabel, runRotation } from './lib/rotation.js';
import { startSandboxProcess } from './lib/sandbox-process.js';
import { spread } from './lib/stats.js';
import { allTools, type Tool } from './lib/tools.js';
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
  const hook = options.timeline ? join(compiledDir, 'clients', 'timeline-hook.js') : null;
  const machine = await describeMachine(REPO_DIR);
  log(`machine: ${machine.nproc} cores, node ${machine.node}, load ${machine.loadAtStart.join(' ')}`);
  const { tools, status } = await selectTools(options, compiledDir);
  // Ctrl-C or a kill ends the harness through process.exit, whose handler (lib/children.ts) stops
  // the sandbox processes it started.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const filesDir = join(options.workDir, 'files');
  const cliBin = join(REPO_DIR, 'dist', 'cli', 'bin.js');
  const rotate = async (
    sizeBytes: number,
    chunk: ChunkSetting,
    rounds: number,
    chosen: readonly Tool[],
  ): Promise<ConfigurationResult> => {
    const file = await ensureRandomFile(filesDir, sizeBytes);
    log(
      `-- ${formatBytes(sizeBytes)} file, ${chunkLabel(chunk)}, ${rounds} rounds × ${chosen.length} clients`,
    );
    const records = await runRotation({
      tools: chosen,
      file,
      chunk,
      rounds,
      startSandbox: () => startSandboxProcess(cliBin),
      workDir: options.workDir,
      hook,
      log,
    });
    return { sizeBytes, chunk, records };
  };

  let defaults: ConfigurationResult | null = null;
  let chunks: ConfigurationResult[] | null = null;
  let scaling: ConfigurationResult[] | null = null;
  let batch: BenchResults['batch'] = null;
  let fleet: BenchResults['fleet'] = null;
  if (tools.length > 0 && options.sections.includes('defaults')) {
    defaults = await rotate(options.sizeBytes, 'default', options.runs, tools);
  }
  if (tools.length > 0 && options.sections.includes('chunks')) {
    chunks = [];
    for (const chunk of options.chunks) {
      chunks.push(await rotate(options.sizeBytes, chunk, options.chunkRuns, tools));
    }
  }
  if (tools.length > 0 && options.sections.includes('scaling')) {
    scaling = [];
    for (const sizeBytes of options.scalingSizesBytes) {
      scaling.push(await rotate(sizeBytes, 'default', options.scalingRuns, tools));
    }
  }
  if (options.sections.includes('batch')) {
    log(
      `-- batch: ${options.batchFiles} files of ${formatBytes(options.batchFileSizeBytes)}, ${options.batchRounds} rounds`,
    );
    batch = await runBatch({
      files: options.batchFiles,
      fileSizeBytes: options.batchFileSizeBytes,
      concurrency: options.batchConcurrency,
      rounds: options.batchRounds,
      workDir: options.workDir,
      compiledDir,
      distDir: join(REPO_DIR, 'dist'),
      log,
    });
  }

  if (options.sections.includes('fleet')) {
    log(
      `-- fleet: ${options.fleetFiles} files of ${options.fleetFileMiB} MiB, ${options.fleetRounds} rounds`,
    );
    const outcome = await runFleetSection({
      rounds: options.fleetRounds,
      files: options.fleetFiles,
      fileMiB: options.fleetFileMiB,
      workDir: options.workDir,
    });
    fleet = 'pending' in outcome ? outcome : { table: outcome.table, rounds: options.fleetRounds };
  }

  let chartFile: string | null = null;
  const charted = [...(defaults === null ? [] : [defaults]), ...(chunks ?? [])];
  if (charted.length > 0) {
    const svg = renderBarChart({
      title: `Upload throughput, ${formatBytes(options.sizeBytes)} file over loopback (sandbox)`,
      yLabel: 'MiB/s',
      groups: charted.map((configuration) =>
        configuration.chunk === 'default' ? 'each at its defaults' : chunkLabel(configuration.chunk),
      ),
      series: tools.map((tool) => ({
        label: tool.id,
        values: charted.map((configuration) =>
          spread(
            configuration.records
              .filter((record) => record.tool === tool.id && record.ok && record.mibPerS !== null)
              .map((record) => record.mibPerS ?? 0),
          ),
        ),
      })),
    });
    await mkdir(dirname(options.chartPath), { recursive: true });
    await writeFile(options.chartPath, svg);
    chartFile = relative(dirname(options.outPath), options.chartPath);
  }
  const results: BenchResults = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    loadAtEnd: loadavg().map((value) => Math.round(value * 100) / 100),
    measurement: (await hasGnuTime())
      ? 'each client is its own process under GNU time (`/usr/bin/time -f "%e %U %S %M"`): CPU = user + sys seconds and peak RSS = ru_maxrss of that process (start-up included), from the kernel at its exit. Throughput = file size ÷ the upload time the client measured itself, after its modules loaded: curl `%{time_total}` of its one PATCH; vimeo.js from `upload()` to its completion callback (create + PATCH); tus-js-client from `start()` to success; vimeo-tus library from `uploadVideo()` to its result (create + PATCHes + verify); the CLI the `durationMs` of its `verified` event (create to verified). "To the last byte acknowledged" ends the time of every client at the answer of the server that it holds every byte, where the time of curl, vimeo.js and tus-js-client ends anyway: for vimeo-tus, the first progress event with every byte acknowledged (`onProgress` of the library; the `--json` progress event of the CLI, set back from its `verified` event by their timestamps), so it leaves out the HEAD and the wait for the API of Vimeo to agree, which its own time includes. Before every run the file is read once, so each client reads it from the page cache. Every client uploads to the same sandbox process (`vimeo-tus sandbox`), whose upload host is @tus/server + @tus/file-store; curl and tus-js-client continue a video the harness created. Node clients run with a small preloaded hook that timestamps their HTTP requests (bench/clients/timeline-hook.ts; nothing per byte).'
      : 'GNU time not found: Node clients report their own process.resourceUsage() at exit (CPU user + sys, maxRSS); curl has no figures. Throughput = file size ÷ the upload time the client measured itself.',
    profile: options.profile,
    rounds: { defaults: options.runs, chunks: options.chunkRuns, scaling: options.scalingRuns },
    tools: status,
    defaults,
    chunks,
    scaling,
    batch,
    fleet,
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
  const failed = [defaults, ...(chunks ?? []), ...(scaling ?? [])]
    .flatMap((configuration) => configuration?.records ?? [])
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
