/**
 * Counts requests per kind and decides, deterministically, which faults hit which request.
 * Request numbers restart from 1 whenever faults are (re)installed, so a test can say "the 2nd
 * PATCH from now is reset after 100 KiB".
 */
import type { FaultSelector, Faults, RequestKind, ResetFault, StallFault, StatusFault } from './types.js';

/** The faults one PATCH request carries through its body. */
export interface PatchFaultPlan {
  readonly resetAfterBytes: number | undefined;
  readonly stall: { readonly afterBytes: number; readonly durationMs: number } | undefined;
  readonly throttleBytesPerSecond: number | undefined;
}

function hits(selector: FaultSelector, n: number): boolean {
  const first = selector.nth ?? 1;
  const count = selector.count ?? 1;
  return n >= first && n < first + count;
}

/** Holds the faults in force and the per-kind request numbering. */
export class FaultController {
  #faults: Faults;
  readonly #total = new Map<RequestKind, number>();
  readonly #sinceFaults = new Map<RequestKind, number>();
  readonly #injected = new Map<RequestKind, number>();

  constructor(faults: Faults = {}) {
    this.#faults = faults;
  }

  /** Replace the faults; numbering for `nth` restarts. */
  set(faults: Faults): void {
    this.#faults = faults;
    this.#sinceFaults.clear();
  }

  get faults(): Faults {
    return this.#faults;
  }

  /** Count one request of `kind` and return its number since the faults were installed. */
  count(kind: RequestKind): number {
    this.#total.set(kind, (this.#total.get(kind) ?? 0) + 1);
    const n = (this.#sinceFaults.get(kind) ?? 0) + 1;
    this.#sinceFaults.set(kind, n);
    return n;
  }

  /** The status fault for request number `n` of `kind`, if any (and count it as injected). */
  statusFault(kind: RequestKind, n: number): StatusFault | undefined {
    const fault = this.#faults.status?.find((f) => f.kind === kind && hits(f, n));
    if (fault) this.noteInjected(kind);
    return fault;
  }

  /** Whether the answer to request `n` of `kind` names a foreign upload link (counted as injected). */
  foreignLink(kind: 'create' | 'version', n: number): boolean {
    const hit = this.#faults.foreignUploadLinks?.some((f) => f.kind === kind && hits(f, n)) ?? false;
    if (hit) this.noteInjected(kind);
    return hit;
  }

  /**
   * The offset HEAD number `n` reports for an upload at `offsetBytes` of `lengthBytes`: the length
   * when a lying-HEAD fault hits it (counted as injected), else the truth.
   */
  headOffset(n: number, offsetBytes: number, lengthBytes: number): number {
    const fault = this.#faults.lyingHeads?.find((f) => hits(f, n));
    if (!fault || offsetBytes >= lengthBytes || offsetBytes < (fault.afterBytes ?? 0)) return offsetBytes;
    this.noteInjected('head');
    return lengthBytes;
  }

  /** The body faults of PATCH number `n`. */
  patchPlan(n: number): PatchFaultPlan {
    const reset: ResetFault | undefined = this.#faults.resets?.find((f) => hits(f, n));
    const stall: StallFault | undefined = this.#faults.stalls?.find((f) => hits(f, n));
    return {
      resetAfterBytes: reset?.afterBytes,
      stall: stall ? { afterBytes: stall.afterBytes ?? 0, durationMs: stall.durationMs } : undefined,
      throttleBytesPerSecond: this.#faults.throttleBytesPerSecond,
    };
  }

  /** Record that a fault was injected into a request of `kind`. */
  noteInjected(kind: RequestKind): void {
    this.#injected.set(kind, (this.#injected.get(kind) ?? 0) + 1);
  }

  /** Requests per kind since the sandbox started. */
  requestCounts(): Partial<Record<RequestKind, number>> {
    return Object.fromEntries(this.#total);
  }

  /** Faults injected per kind since the sandbox started. */
  injectedCounts(): Partial<Record<RequestKind, number>> {
    return Object.fromEntries(this.#injected);
  }
}
