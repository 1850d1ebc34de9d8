/**
 * When Vimeo's API agrees that a freshly finished upload is complete, learned per API host for the
 * life of the process. Vimeo flips `upload.status` some unknown time after the last byte (the
 * sandbox: 100 ms), the same for one host from one upload to the next, so the confirmation of the
 * next upload makes its first read about then, measured from its last PATCH's answer, and usually
 * needs exactly one read. Kept per API URL (like the account cache): a batch calls `uploadVideo()`
 * per file, each with its own client.
 *
 * What is kept is a bracket of read times, in ms after the last PATCH's answer: `lowMs`, the latest
 * read that still saw `in_progress`, and `highMs`, a read that saw `complete`. The plan is `highMs`
 * plus a margin (10 ms, or a tenth if more) once the bracket is narrow, its middle while it is wide (one probe at a time halves it). A read
 * that agreed can only lower `highMs`, one below it that disagreed raises `lowMs`. An upload that
 * disagreed at `highMs` and agreed later moves `highMs` there and keeps `lowMs`: the wide bracket
 * is probed again, so a delay that grew for good is followed within a few uploads, and a one-off
 * long delay is undone by the next ones (each probe that agrees lowers `highMs`). Bounds: no first
 * read is planned later than {@link MAX_PLANNED_READ_MS}; `lowMs` is forgotten every
 * {@link LOW_EDGE_KEPT_MS}, so a delay that shrank below it is found again by probing.
 *
 * One upload at a time learns a host that has no bracket yet; the others wait for it (see
 * {@link AgreementTimes.learning}), so a batch starting 8 uploads at once pays the learning once.
 */

/** The latest planned first read, in ms after the last PATCH's answer. */
export const MAX_PLANNED_READ_MS = 2_000;
/** How long the bracket's lower edge is trusted before the plan probes lower again. */
export const LOW_EDGE_KEPT_MS = 60_000;
/** A bracket narrower than this (ms, or a tenth of `highMs` if more) is not probed further. */
const NARROW_MS = 10;
/** The least margin after `highMs` for a planned read (ms; a tenth of `highMs` if more). */
const MARGIN_MS = 10;
/** How long after its planned read a probe counts as still out. */
const PROBE_ANSWER_MS = 1_000;

interface Bracket {
  lowMs: number;
  highMs: number;
  lowSinceMs: number;
  /** Until then, a probe below `highMs` is out: the others read at `highMs`. */
  probeUntilMs: number;
}

/** What the reads of one fresh upload's confirmation saw, in ms after its last PATCH's answer. */
export interface AgreementObservation {
  /** The latest read that saw the upload not yet complete, if any. */
  readonly disagreedAtMs?: number | undefined;
  /** The read that saw it complete. */
  readonly agreedAtMs: number;
}

/**
 * What was learned of one API URL, in a form a later process can take up (the CLI keeps it in its
 * state folder, next to the ledger): the bracket, and when its lower edge was last trusted.
 */
export interface LearnedAgreement {
  readonly lowMs: number;
  readonly highMs: number;
  /** Epoch ms (Date.now's clock): the lower edge is forgotten LOW_EDGE_KEPT_MS after it. */
  readonly lowSinceMs: number;
}

/** Learned agreement times per API URL (one instance per process: {@link agreementTimes}). */
export class AgreementTimes {
  readonly #brackets = new Map<string, Bracket>();
  readonly #learners = new Map<string, Promise<void>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * When a fresh upload on `apiUrl` should make its first read, in ms after its last PATCH's
   * answer; `undefined` while nothing is learned.
   */
  firstReadMs(apiUrl: string): number | undefined {
    const bracket = this.#brackets.get(apiUrl);
    if (bracket === undefined) return undefined;
    if (this.#now() - bracket.lowSinceMs >= LOW_EDGE_KEPT_MS) {
      bracket.lowMs = 0;
      bracket.lowSinceMs = this.#now();
    }
    const { lowMs, highMs } = bracket;
    // The time known to agree came from some upload; the next one's answer may be a little later
    // (the server's write, a busy event loop): a margin keeps that from costing a second read.
    let planMs = highMs + Math.max(MARGIN_MS, highMs / 10);
    if (highMs - lowMs > Math.max(NARROW_MS, highMs / 10) && this.#now() >= bracket.probeUntilMs) {
      // One upload at a time probes the middle; it answers within about highMs (else a later one may).
      planMs = (lowMs + highMs) / 2;
      bracket.probeUntilMs = this.#now() + highMs + PROBE_ANSWER_MS;
    }
    return Math.min(MAX_PLANNED_READ_MS, Math.round(planMs));
  }

  /** The read known to agree last on `apiUrl` (a read planned before it that disagreed goes there next). */
  knownAgreeingMs(apiUrl: string): number | undefined {
    return this.#brackets.get(apiUrl)?.highMs;
  }

  /** Learns from one fresh upload's confirmation on `apiUrl`. */
  note(apiUrl: string, seen: AgreementObservation): void {
    const agreedMs = Math.max(0, seen.agreedAtMs);
    const disagreedMs = seen.disagreedAtMs === undefined ? undefined : Math.min(seen.disagreedAtMs, agreedMs);
    const bracket = this.#brackets.get(apiUrl);
    if (bracket === undefined) {
      this.#brackets.set(apiUrl, {
        lowMs: Math.max(0, disagreedMs ?? 0),
        highMs: agreedMs,
        lowSinceMs: this.#now(),
        probeUntilMs: 0,
      });
      return;
    }
    bracket.probeUntilMs = 0;
    if (disagreedMs !== undefined && disagreedMs >= bracket.highMs) {
      // Later than the time known to agree: maybe for good, maybe once. The bracket widens to
      // (lowMs, agreed]; the next uploads probe its middle, and each answer narrows it again.
      bracket.highMs = agreedMs;
      return;
    }
    if (disagreedMs !== undefined) bracket.lowMs = Math.max(bracket.lowMs, disagreedMs);
    bracket.highMs = Math.min(bracket.highMs, agreedMs);
    // A lower edge the host just contradicted (it agreed earlier than that) was a one-off.
    if (bracket.lowMs >= bracket.highMs) bracket.lowMs = 0;
  }

  /**
   * Claims the learning of `apiUrl` when nothing is learned and no one is learning: returns the
   * function that ends the claim (call it whatever happened). `undefined` when another upload is
   * learning now: wait for {@link learning}.
   */
  claimLearning(apiUrl: string): (() => void) | undefined {
    if (this.#learners.has(apiUrl)) return undefined;
    let release = (): void => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#learners.set(apiUrl, done);
    return () => {
      if (this.#learners.get(apiUrl) === done) this.#learners.delete(apiUrl);
      release();
    };
  }

  /** Settles when the upload learning `apiUrl` now ends (at once when none is). */
  learning(apiUrl: string): Promise<void> {
    return this.#learners.get(apiUrl) ?? Promise.resolve();
  }

  /** What is learned now, per API URL (to keep for a later process). */
  learned(): Map<string, LearnedAgreement> {
    const out = new Map<string, LearnedAgreement>();
    for (const [apiUrl, { lowMs, highMs, lowSinceMs }] of this.#brackets) {
      out.set(apiUrl, { lowMs, highMs, lowSinceMs });
    }
    return out;
  }

  /**
   * Takes up what an earlier process learned of `apiUrl`, unless this process learned it already
   * or the values make no sense (they come from a file: ignored, the host is learned again). The
   * first upload then reads at the time it gives, and a host whose delay changed since is followed
   * as within one process (a late answer widens the bracket; probes narrow it).
   */
  adopt(apiUrl: string, saved: LearnedAgreement): void {
    if (this.#brackets.has(apiUrl)) return;
    const { lowMs, highMs, lowSinceMs } = saved;
    const sane =
      [lowMs, highMs, lowSinceMs].every(Number.isFinite) &&
      lowMs >= 0 &&
      lowMs <= highMs &&
      highMs <= MAX_PLANNED_READ_MS;
    if (!sane) return;
    this.#brackets.set(apiUrl, {
      lowMs,
      highMs,
      lowSinceMs: Math.min(lowSinceMs, this.#now()),
      probeUntilMs: 0,
    });
  }

  /** Forgets everything (tests). */
  clear(): void {
    this.#brackets.clear();
  }
}

/** The process's agreement times, shared by every upload. */
export const agreementTimes = new AgreementTimes();
