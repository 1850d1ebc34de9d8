/** The raw results of one `npm run bench`, as written to the JSON file and rendered to markdown. */
import type { ChunkSetting } from '../clients/client-io.js';
import type { BatchPlaces } from '../clients/vimeo-tus-batch.js';
import type { MachineInfo } from './machine.js';
import type { RunRecord } from './runs.js';

/** A tool and whether it could run. */
export interface ToolStatus {
  readonly id: string;
  readonly label: string;
  readonly unavailableReason: string | null;
}

/** All runs of one configuration (file size × chunk setting). */
export interface ConfigurationResult {
  readonly sizeBytes: number;
  readonly chunk: ChunkSetting;
  readonly records: readonly RunRecord[];
}

/** One round of the batch at one concurrency. */
export interface BatchRound {
  readonly verifiedFiles: number;
  readonly wallMs: number;
  readonly filesPerS: number | null;
  /** Requests the sandbox saw per file, by kind (create, HEAD, PATCH, GET...). */
  readonly requestsPerFile: Readonly<Record<string, number>>;
  readonly videosCreated: number;
  readonly error: string | null;
}

/** The batch at one concurrency: its rounds (each with a fresh sandbox). */
export interface BatchResult {
  readonly concurrency: number;
  /**
   * How long an upload holds its place: while it sends (the CLI's batch, and what the targets are
   * judged on), or until it is verified (for comparison).
   */
  readonly places: BatchPlaces;
  readonly files: number;
  readonly fileSizeBytes: number;
  readonly rounds: readonly BatchRound[];
}

/** A section that could not run, and why. */
export interface Pending {
  readonly pending: string;
}

/** Everything one bench run measured. */
export interface BenchResults {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly loadAtEnd: readonly number[];
  readonly measurement: string;
  /** `--profile` and the rounds of each section. */
  readonly profile: string;
  readonly rounds: { readonly defaults: number; readonly chunks: number; readonly scaling: number };
  readonly tools: readonly ToolStatus[];
  /** Every client at its own defaults, on the main file size. */
  readonly defaults: ConfigurationResult | null;
  /** The chunked clients at each chunk size (curl and vimeo.js alongside as they are). */
  readonly chunks: readonly ConfigurationResult[] | null;
  /** Every client at its defaults on several file sizes. */
  readonly scaling: readonly ConfigurationResult[] | null;
  readonly batch: readonly BatchResult[] | Pending | null;
  /** The fleet section: bench/fleet.ts's table (markdown), with how it was run. */
  readonly fleet: { readonly table: string; readonly rounds: number } | Pending | null;
  /** Where the chart was written, relative to the report. */
  readonly chartFile: string | null;
}
