/**
 * The PATCH size of one transfer. At the default policy it starts at 128 MiB and doubles after each
 * PATCH the server acknowledged whole, up to 512 MB (Vimeo advises 128–512 MB): fewer chunk
 * boundaries on a healthy connection (each costs the server a round of closing and answering, see
 * docs/benchmarks.md), while the first checkpoints come early. Any failed PATCH takes it back to
 * 128 MiB, so a shaky connection risks less per try. A size the caller chose stays fixed.
 * Either way it is halved when the same PATCH keeps being interrupted without progress: a server
 * that drops the bytes of an interrupted PATCH (Vimeo's behaviour is unknown) behind a link that
 * cuts long requests would otherwise get the same doomed PATCH until the retry budget runs out;
 * smaller PATCHes get through, and what they deliver is kept.
 */
import { ConfigError } from '../errors.js';
import { DEFAULT_CHUNK_SIZE_BYTES, MAX_GROWN_CHUNK_SIZE_BYTES, MIN_CHUNK_SIZE_BYTES } from './constants.js';

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
  readonly #grows: boolean;
  readonly #growUpToBytes: number;

  /**
   * @param sizeBytes the caller's chunkSizeBytes (an integer >= 1 MiB, or Infinity); `undefined`
   *   for the default policy (128 MiB, growing to 512 MB).
   * @param growUpToBytes how far the default policy may grow for this source (a stream's limit).
   */
  constructor(sizeBytes: number | undefined, growUpToBytes = MAX_GROWN_CHUNK_SIZE_BYTES) {
    this.#grows = sizeBytes === undefined;
    this.#growUpToBytes = Math.max(MIN_CHUNK_SIZE_BYTES, Math.min(MAX_GROWN_CHUNK_SIZE_BYTES, growUpToBytes));
    this.#sizeBytes = sizeBytes ?? Math.min(DEFAULT_CHUNK_SIZE_BYTES, this.#growUpToBytes);
  }

  /**
   * A PATCH of `lengthBytes` was acknowledged whole. At the default policy a PATCH of the full
   * current size doubles the size, up to {@link MAX_GROWN_CHUNK_SIZE_BYTES}.
   */
  completed(lengthBytes: number): void {
    if (this.#grows && lengthBytes >= this.#sizeBytes) {
      this.#sizeBytes = Math.min(this.#growUpToBytes, this.#sizeBytes * 2);
    }
  }

  /** A PATCH failed (any error): at the default policy, back to the first size. */
  failed(): void {
    if (this.#grows)
      this.#sizeBytes = Math.min(this.#sizeBytes, DEFAULT_CHUNK_SIZE_BYTES, this.#growUpToBytes);
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
