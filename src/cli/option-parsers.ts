/**
 * commander argument parsers shared by every command's flags: a size (`--chunk-size 64MiB`) and a
 * whole number ≥ 1 (`--concurrency 3`). A bad value becomes commander's InvalidArgumentError, so
 * it is reported as a usage error (exit code 2) with the option named.
 */
import { InvalidArgumentError } from 'commander';
import { ConfigError } from '../errors.js';
import { MIN_CHUNK_SIZE_BYTES } from '../tus/constants.js';
import { parseSizeBytes } from './size.js';

/**
 * Parses a size flag (see {@link parseSizeBytes}).
 * @example sizeArg('256MiB') // 268435456
 * @throws InvalidArgumentError when the value is not a size.
 */
export function sizeArg(value: string): number {
  return sizeAtLeast(value, 1);
}

/**
 * Parses `--chunk-size`: a size of at least the library's smallest chunk (1 MiB), or `unlimited`.
 * Every value below it (0 included) gets the same message, in the same style as any bad size.
 * @example chunkSizeArg('64MiB') // 67108864
 * @throws InvalidArgumentError otherwise.
 */
export function chunkSizeArg(value: string): number {
  return sizeAtLeast(value, MIN_CHUNK_SIZE_BYTES);
}

function sizeAtLeast(value: string, minBytes: number): number {
  try {
    return parseSizeBytes(value, minBytes);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof ConfigError ? error.message : String(error));
  }
}

/**
 * Parses a whole number ≥ 1 (digits only: no sign, no exponent, no fraction).
 * @example intArg('3') // 3
 * @throws InvalidArgumentError otherwise.
 */
export function intArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('must be a whole number ≥ 1.');
  }
  return n;
}
