/**
 * The PATCH size of one transfer. At the default policy the first PATCH is 512 MB, the top of
 * Vimeo's 128–512 MB advice: every PATCH boundary costs the upload host work (a @tus/server host
 * spent ~0.1 CPU-s more per extra PATCH, measured), and a 1 GiB upload starting with a 128 MiB PATCH
 * was ~8 % slower than one in 512 MB PATCHes (docs/benchmarks.md, "The default chunk policy"). Any
 * failed PATCH takes it to 128 MiB, so a shaky connection risks less per try, and each PATCH then
 * acknowledged whole doubles it again up to 512 MB. A PATCH is also kept to about 30 s at the pace
 * of the last one (not below 128 MiB): on a slow link the server then acknowledges bytes often,
 * for the progress and for a server that drops an interrupted PATCH (Vimeo's behaviour is unknown).
 * A size the caller chose stays fixed. Either way it is halved when the same PATCH keeps being
 * interrupted without progress: a server that drops the bytes of an interrupted PATCH behind a link
 * that cuts long requests would otherwise get the same doomed PATCH until the retry budget runs out;
 * smaller PATCHes get through, and what they deliver is kept.
 */
import { ConfigError } from '../errors.js';
import {
  DEFAULT_CHUNK_SIZE_BYTES,
  MIN_CHUNK_SIZE_BYTES,
  SMALL_CHUNK_SIZE_BYTES,
  TARGET_PATCH_MS,
} from './constants.js';

/**
 * The one check of a chunk size (library option and CLI flag alike): a whole number of bytes from
 * 1 MiB up, or `Infinity` (the rest in one PATCH); `undefined` is the default.
 * @throws ConfigError naming `label` and the value.
 */
export function checkChunkSizeBytes(value: number | undefined, label = 'chunkSizeBytes'): number {
  const chunkSizeBytes = value ?? DEFAULT_CHUNK_SIZE_BYTES;
  const whole = chunkSizeBytes === Number.POSITIVE_INFINITY || Number.isSafeInteger(chunkSizeBytes);
  if (!whole || chunkSizeBytes < MIN_CHUNK_SIZE_BYTES) {
    throw new ConfigError(
      `${label} must be a whole number of bytes from 1 MiB up, or unlimited (Infinity); got ${chunkSizeBytes}`,
    );
  }
  return chunkSizeBytes;
}

/** Interruptions of the same PATCH, without the offset moving, before its size is halved. */
export const INTERRUPTIONS_BEFORE_HALVING = 2;

/** Tracks the PATCH size of a transfer; see the module comment. */
export class ChunkSizer {
  #sizeBytes: number;
  #stuckOffset = -1;
  #interruptions = 0;
  readonly #adapts: boolean;
  readonly #largestBytes: number;
  readonly #smallBytes: number;

  /**
   * @param sizeBytes the caller's chunkSizeBytes (an integer >= 1 MiB, or Infinity); `undefined`
   *   for the default policy (512 MB, 128 MiB after a failure or on a slow link).
   * @param largestBytes the largest PATCH the default policy sends for this source (a stream's
   *   limit), at most 512 MB.
   */
  constructor(sizeBytes: number | undefined, largestBytes = DEFAULT_CHUNK_SIZE_BYTES) {
    this.#adapts = sizeBytes === undefined;
    this.#largestBytes = Math.max(MIN_CHUNK_SIZE_BYTES, Math.min(DEFAULT_CHUNK_SIZE_BYTES, largestBytes));
    this.#smallBytes = Math.min(SMALL_CHUNK_SIZE_BYTES, this.#largestBytes);
    this.#sizeBytes = sizeBytes ?? this.#largestBytes;
  }

  /**
   * A PATCH of `lengthBytes` was acknowledged whole, `durationMs` after it started. At the default
   * policy a PATCH of the full current size doubles the size, up to 512 MB, but not beyond what the
   * same pace sends in {@link TARGET_PATCH_MS} (and not below 128 MiB). A shorter PATCH (the file's
   * last) changes nothing.
   */
  completed(lengthBytes: number, durationMs?: number): void {
    if (!this.#adapts || lengthBytes < this.#sizeBytes) return;
    let nextBytes = Math.min(this.#largestBytes, this.#sizeBytes * 2);
    if (durationMs !== undefined && durationMs > 0) {
      const pacedBytes = Math.floor((lengthBytes / durationMs) * TARGET_PATCH_MS);
      nextBytes = Math.min(nextBytes, Math.max(this.#smallBytes, pacedBytes));
    }
    this.#sizeBytes = nextBytes;
  }

  /** A PATCH failed (any error): at the default policy, down to 128 MiB. */
  failed(): void {
    if (this.#adapts) this.#sizeBytes = Math.min(this.#sizeBytes, this.#smallBytes);
  }

  /** The current PATCH size in bytes (`Infinity`: the rest of the file). */
  get sizeBytes(): number {
    return this.#sizeBytes;
  }

  /**
   * A PATCH of `lengthBytes` from `offsetBytes` was interrupted (connection cut, stall). After
   * {@link INTERRUPTIONS_BEFORE_HALVING} in a row at the same offset, the size becomes half of that
   * PATCH's length, never below 1 MiB. Returns the new size when it changed.
   */
  interrupted(offsetBytes: number, lengthBytes: number): number | undefined {
    if (offsetBytes !== this.#stuckOffset) {
      this.#stuckOffset = offsetBytes;
      this.#interruptions = 0;
    }
    this.#interruptions += 1;
    if (this.#interruptions < INTERRUPTIONS_BEFORE_HALVING) return undefined;
    this.#interruptions = 0;
    const halvedBytes = Math.max(MIN_CHUNK_SIZE_BYTES, Math.floor(lengthBytes / 2));
    if (halvedBytes >= Math.min(this.#sizeBytes, lengthBytes)) return undefined;
    this.#sizeBytes = halvedBytes;
    return halvedBytes;
  }
}
