/**
 * The faults of the chaos campaign, one scenario each. A scenario turns a random source into the
 * sandbox faults of one run and, for faults that must strike at a moment rather than at a request,
 * a trigger the runner fires when the upload has sent a given share of the file.
 */
import type { Faults } from '../../src/sandbox/index.js';
import { randomInt } from './random.js';

/** What the runner does when a trigger fires. */
export type TriggerAction =
  /** Close the sandbox and start it again on the same data dir and ports. */
  | 'restart-sandbox'
  /**
   * Make the current upload link dead (TTL), so the call ends with E_UPLOAD_LINK_GONE and its rerun
   * asks for a version; links live again once the client asked for one.
   */
  | 'expire-link';

/** The plan of one run. */
export interface RunPlan {
  readonly faults: Faults;
  /** Fire `action` once bytesSent reaches this share of the file (0–1). */
  readonly trigger?: { readonly atFraction: number; readonly action: TriggerAction };
  /** A short description of this run's fault (e.g. `reset at byte 5123456`). */
  readonly detail: string;
  /** Kill-and-rerun scenarios: SIGKILL the CLI at this share of the file sent (0: right after create). */
  readonly killAtFraction?: number;
}

/** Parameters a scenario draws its plan from. */
export interface PlanInput {
  readonly random: () => number;
  readonly run: number;
  readonly sizeBytes: number;
  readonly chunkSizeBytes: number;
}

/** One fault of the campaign. */
export interface ChaosScenario {
  readonly id: string;
  readonly label: string;
  /** Set when the scenario cannot run yet (and why). */
  readonly pending?: string;
  /** Needs the client killed and rerun (CLI + ledger), rather than one library call. */
  readonly killAndRerun?: boolean;
  plan(input: PlanInput): RunPlan;
}

/** The PATCH (1-based, counting from the first) that carries byte `offset`, and where in its body. */
function patchAt(offset: number, chunkSizeBytes: number): { nth: number; afterBytes: number } {
  return { nth: Math.floor(offset / chunkSizeBytes) + 1, afterBytes: offset % chunkSizeBytes };
}

/** Throttle for the trigger scenarios, so that a moment "mid-upload" lasts long enough to hit. */
const TRIGGER_THROTTLE_BYTES_PER_S = 8 * 1024 * 1024;

/** Every scenario, in table order. */
export const SCENARIOS: readonly ChaosScenario[] = [
  {
    id: 'reset',
    label: 'connection reset at a random byte',
    plan: ({ random, sizeBytes, chunkSizeBytes }) => {
      const offset = randomInt(random, 1, sizeBytes - 1);
      return { faults: { resets: [patchAt(offset, chunkSizeBytes)] }, detail: `reset at byte ${offset}` };
    },
  },
  {
    id: '5xx',
    label: '500/502/503 bursts',
    plan: ({ random, run, sizeBytes, chunkSizeBytes }) => {
      const status = [500, 502, 503][run % 3] ?? 500;
      const patches = Math.ceil(sizeBytes / chunkSizeBytes);
      const nth = randomInt(random, 1, patches);
      const count = randomInt(random, 1, 3);
      // Half the runs also hit the HEAD that follows the first failure.
      const head = run % 2 === 1 ? [{ kind: 'head' as const, status, nth: 2, count: 1 }] : [];
      return {
        faults: { status: [{ kind: 'patch', status, nth, count }, ...head] },
        detail: `${count}× ${status} from PATCH ${nth}${head.length > 0 ? ' and on the 2nd HEAD' : ''}`,
      };
    },
  },
  {
    id: '429',
    label: '429 with Retry-After',
    plan: ({ random, sizeBytes, chunkSizeBytes, run }) => {
      const patches = Math.ceil(sizeBytes / chunkSizeBytes);
      const nth = randomInt(random, 1, patches);
      // Alternate between the upload host and the API host (the create call).
      const kind = run % 2 === 0 ? ('patch' as const) : ('create' as const);
      return {
        faults: {
          status: [{ kind, status: 429, retryAfterSeconds: 1, nth: kind === 'patch' ? nth : 1, count: 1 }],
        },
        detail: `429 Retry-After: 1 on ${kind === 'patch' ? `PATCH ${nth}` : 'the create call'}`,
      };
    },
  },
  {
    id: 'stall',
    label: '30 s stall mid-PATCH (stallTimeoutMs 2 s)',
    plan: ({ random, sizeBytes, chunkSizeBytes }) => {
      const offset = randomInt(random, 0, sizeBytes - 1);
      const { nth, afterBytes } = patchAt(offset, chunkSizeBytes);
      return {
        faults: { stalls: [{ nth, afterBytes, durationMs: 30_000 }] },
        detail: `stall 30 s at byte ${offset}`,
      };
    },
  },
  {
    id: '409',
    label: '409 mismatched offset',
    plan: ({ random, sizeBytes, chunkSizeBytes }) => {
      const nth = randomInt(random, 1, Math.ceil(sizeBytes / chunkSizeBytes));
      return {
        faults: { status: [{ kind: 'patch', status: 409, nth, count: 1 }] },
        detail: `409 on PATCH ${nth}`,
      };
    },
  },
  {
    id: 'drop-partial',
    label: 'interrupted PATCH, its bytes dropped',
    plan: ({ random, sizeBytes, chunkSizeBytes }) => {
      const offset = randomInt(random, 1, sizeBytes - 1);
      return {
        faults: { dropPartial: true, resets: [patchAt(offset, chunkSizeBytes)] },
        detail: `reset at byte ${offset}, partial bytes dropped`,
      };
    },
  },
  {
    id: 'link-expiry',
    label: 'upload link expires mid-upload',
    plan: ({ random }) => {
      const atFraction = 0.2 + 0.6 * random();
      return {
        faults: { throttleBytesPerSecond: TRIGGER_THROTTLE_BYTES_PER_S },
        trigger: { atFraction, action: 'expire-link' },
        detail: `link dies at ${Math.round(atFraction * 100)}% sent`,
      };
    },
  },
  {
    id: 'restart',
    label: 'sandbox restarted mid-upload',
    plan: ({ random }) => {
      const atFraction = 0.2 + 0.6 * random();
      return {
        faults: { throttleBytesPerSecond: TRIGGER_THROTTLE_BYTES_PER_S },
        trigger: { atFraction, action: 'restart-sandbox' },
        detail: `restart at ${Math.round(atFraction * 100)}% sent`,
      };
    },
  },
  {
    id: 'sigkill',
    label: 'client SIGKILL and rerun',
    killAndRerun: true,
    plan: ({ random, run }) => {
      // Every fifth run dies right after the video was created (the crash window of the ledger).
      const killAtFraction = run % 5 === 0 ? 0 : 0.1 + 0.8 * random();
      return {
        faults: {},
        killAtFraction,
        detail:
          killAtFraction === 0
            ? 'SIGKILL right after create'
            : `SIGKILL at ${Math.round(killAtFraction * 100)}% sent`,
      };
    },
  },
];
