/**
 * commander argument parsers shared by every command's flags: a size (`--chunk-size 64MiB`) and a
 * whole number ≥ 1 (`--concurrency 3`). A bad value becomes commander's InvalidArgumentError, so
 * it is reported as a usage error (exit code 2) with the option named.
 */
import { InvalidArgumentError } from 'commander';
import { ConfigError } from '../errors.js';
import { parseSizeBytes } from './size.js';

/**
 * Parses a size flag (see {@link parseSizeBytes}).
 * @example sizeArg('256MiB') // 268435456
 * @throws InvalidArgumentError when the value is not a size.
 */
export function sizeArg(value: string): number {
  try {
    return parseSizeBytes(value);
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
