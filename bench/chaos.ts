/**
 * `npm run chaos`: the fault campaign. Repeated uploads of a multi-chunk file through the sandbox,
 * each under one fault, checked against the sandbox's stored bytes. Writes the `chaos` section of
 * docs/benchmarks.md and the raw records as JSON.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { runKillOnce } from './lib/chaos-kill-run.js';
import {
  type ChaosResults,
  type ChaosScenarioResult,
  renderChaosSection,
  summarize,
} from './lib/chaos-report.js';
import { runChaosOnce } from './lib/chaos-run.js';
import { SCENARIOS } from './lib/chaos-scenarios.js';
import { REPO_DIR } from './lib/compile.js';
import { ensureRandomFile } from './lib/files.js';
import { describeMachine } from './lib/machine.js';
import { seededRandom } from './lib/random.js';
import { writeSection } from './lib/report-file.js';
import { formatBytes, parseBytes } from './lib/units.js';

const USAGE = `npm run chaos -- [options]     (or: npx tsx bench/chaos.ts [options])

  --runs N         runs per fault (default 10)
  --faults LIST    subset of ${SCENARIOS.map((scenario) => scenario.id).join(',')} (default: all)
  --size SIZE      file size (default 16MiB)
  --chunk SIZE     chunk size (default 4MiB)
  --seed N         random seed (default: time-based; printed and written to the report)
  --out PATH       markdown report to update (default docs/benchmarks.md)
  --json PATH      raw records (default bench/.work/chaos.json)
  --work-dir DIR   test files (default bench/.work)
  --include-pending  also run the faults marked pending (none today)
  --help`;

/** Library runs: the first call plus up to two reruns of it. */
const MAX_CALLS = 3;
/** SIGKILL runs: reruns of the command after the killed one. */
const MAX_RERUNS = 3;

const startedMs = performance.now();
const log = (line: string): void => {
  const seconds = Math.round((performance.now() - startedMs) / 1000);
  process.stdout.write(
    `[${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}] ${line}\n`,
  );
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      runs: { type: 'string' },
      faults: { type: 'string' },
      size: { type: 'string' },
      chunk: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
      'work-dir': { type: 'string' },
      'include-pending': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const runs = Number(values.runs ?? '10');
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  const wanted = values.faults?.split(',').map((id) => id.trim()) ?? null;
  const unknown = (wanted ?? []).filter((id) => !SCENARIOS.some((scenario) => scenario.id === id));
  if (unknown.length > 0) throw new Error(`unknown faults: ${unknown.join(', ')}`);
  const sizeBytes = parseBytes(values.size ?? '16MiB');
  const chunkSizeBytes = parseBytes(values.chunk ?? '4MiB');
  const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
  const outPath = values.out ?? join(REPO_DIR, 'docs', 'benchmarks.md');
  const jsonPath = values.json ?? join(REPO_DIR, 'bench', '.work', 'chaos.json');
  const workDir = values['work-dir'] ?? join(REPO_DIR, 'bench', '.work');

  const cliBin = join(REPO_DIR, 'dist', 'cli', 'bin.js');
  const needsCli = SCENARIOS.some(
    (scenario) => scenario.killAndRerun === true && (wanted === null || wanted.includes(scenario.id)),
  );
  if (needsCli && !existsSync(cliBin)) throw new Error(`${cliBin} is missing: npm run build first`);
  const startedAt = new Date().toISOString();
  const machine = await describeMachine(REPO_DIR);
  const file = await ensureRandomFile(join(workDir, 'files'), sizeBytes, 'chaos');
  const random = seededRandom(seed);
  log(
    `chaos: ${formatBytes(sizeBytes)} file, ${formatBytes(chunkSizeBytes)} chunks, ${runs} runs per fault, seed ${seed}`,
  );
  const scenarios: ChaosScenarioResult[] = [];
  for (const scenario of SCENARIOS.filter((candidate) => wanted === null || wanted.includes(candidate.id))) {
    if (scenario.pending !== undefined && values['include-pending'] !== true) {
      log(`${scenario.id}: pending (${scenario.pending})`);
      scenarios.push({ id: scenario.id, label: scenario.label, pending: scenario.pending, records: [] });
      continue;
    }
    const records = [];
    for (let run = 0; run < runs; run += 1) {
      const plan = scenario.plan({ random, run, sizeBytes, chunkSizeBytes });
      const record =
        scenario.killAndRerun === true
          ? await runKillOnce({
              run,
              file,
              chunkSizeBytes,
              killAtFraction: plan.killAtFraction ?? 0.5,
              detail: plan.detail,
              cliBin,
              workDir,
              maxReruns: MAX_RERUNS,
            })
          : await runChaosOnce({
              scenario: scenario.id,
              run,
              plan,
              file,
              chunkSizeBytes,
              stallTimeoutMs: 2_000,
              timeoutMs: 180_000,
              maxCalls: MAX_CALLS,
              workDir,
            });
      records.push(record);
      const reruns =
        record.calls > 1 ? `, ${record.calls - 1} rerun(s) after ${record.interruptions.join(', ')}` : '';
      const notices = record.notices.length > 0 ? `, notices: ${record.notices.join(', ')}` : '';
      log(
        `${scenario.id} #${run + 1} (${record.detail}): ${record.verified ? 'verified' : `NOT verified (${record.error ?? '?'})`}, fault ${
          record.faultHit ? 'struck' : 'missed'
        }, ${record.retries} retries${reruns}${notices}, ${formatBytes(record.bytesBeyondFile)} resent, ${
          record.videosCreated
        } video(s), ${record.versionsCreated} new version(s)${record.contentMismatch ? ', CONTENT MISMATCH' : ''}`,
      );
    }
    scenarios.push({ id: scenario.id, label: scenario.label, pending: null, records });
  }
  const results: ChaosResults = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    seed,
    sizeBytes,
    chunkSizeBytes,
    client: `vimeo-tus library: createUpload(path, { ledger }) in the harness process with a fresh SQLite ledger per run, the same call again after an error (up to ${MAX_CALLS} calls, as a user reruns the command), stallTimeoutMs 2 s, retry initialDelayMs 200; SIGKILL row: the built CLI (\`vimeo-tus upload --json\` with a fresh --state-dir), killed once, then rerun until verified (up to ${MAX_RERUNS} reruns)`,
    scenarios,
  };
  await mkdir(dirname(jsonPath), { recursive: true });
  await writeFile(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  const commandLine = [
    'npm run chaos',
    ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
  ].join(' ');
  await writeSection(outPath, 'chaos', renderChaosSection(results, commandLine));
  log(`wrote ${relative(process.cwd(), outPath)}, ${relative(process.cwd(), jsonPath)}`);
  const all = summarize(scenarios.flatMap((scenario) => scenario.records));
  if (all.verified !== all.runs || all.extraVideos > 0 || all.mismatches > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `chaos failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
