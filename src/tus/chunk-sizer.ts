/**
 * The PATCH size of one transfer, halved when the same PATCH keeps being interrupted without
 * progress. A server that drops the bytes of an interrupted PATCH (Vimeo's behaviour is unknown)
 * behind a link that cuts long requests would otherwise get the same doomed PATCH until the retry
 * budget runs out; smaller PATCHes get through, and what they deliver is kept.
 */
import { ConfigError } from '../errors.js';
import { DEFAULT_CHUNK_SIZE_BYTES, MIN_CHUNK_SIZE_BYTES } from './constants.js';

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

  /** @param sizeBytes the caller's chunkSizeBytes (an integer >= 1 MiB, or Infinity). */
  constructor(sizeBytes: number) {
    this.#sizeBytes = sizeBytes;
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
