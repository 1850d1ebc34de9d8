/**
 * Human sizes on the command line: `5MiB`, `128MB`, `1GiB`, `1048576`, `unlimited`.
 * Binary units (KiB, MiB, GiB, TiB) are powers of 1024; decimal ones (kB, MB, GB, TB) powers of 1000;
 * a bare `K`/`M`/`G`/`T` is taken as binary (what people mean when they type `--chunk-size 64M`).
 */
import { ConfigError } from '../errors.js';

const UNIT_BYTES: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
};

/**
 * Parses a size. Returns `Infinity` for `unlimited`/`infinity`/`inf`.
 * @param minBytes the smallest size accepted (one message for every value below it, 0 included).
 * @throws ConfigError on anything else that is not a whole number of bytes ≥ `minBytes`.
 * @example parseSizeBytes('256MiB') // 268435456
 */
export function parseSizeBytes(text: string, minBytes = 1): number {
  const trimmed = text.trim();
  if (/^(unlimited|infinity|inf)$/i.test(trimmed)) return Number.POSITIVE_INFINITY;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(trimmed);
  const unit = match?.[2]?.toLowerCase();
  const multiplier = unit === undefined ? undefined : UNIT_BYTES[unit];
  if (!match || multiplier === undefined) {
    throw new ConfigError(
      `Not a size: "${text}". Use a number of bytes or a unit, e.g. 5MiB, 128MB, 1GiB, or "unlimited".`,
    );
  }
  const bytes = Math.round(Number(match[1]) * multiplier);
  if (!Number.isSafeInteger(bytes) || bytes < Math.max(1, minBytes)) {
    throw new ConfigError(`Too small: "${text}" (the smallest is ${formatSizeFlag(Math.max(1, minBytes))}).`);
  }
  return bytes;
}

/**
 * A size as a flag takes it, in the largest binary unit that divides it: `256MiB`, `1MiB`, `1000`.
 * @example formatSizeFlag(268435456) // '256MiB'
 */
export function formatSizeFlag(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'unlimited';
  const units = ['TiB', 'GiB', 'MiB', 'KiB'];
  for (const [index, unit] of units.entries()) {
    const size = 1024 ** (units.length - index);
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/**
 * Formats bytes with binary units and one decimal: `24.0 MiB`, `512 B`.
 * @example formatBytes(1536) // '1.5 KiB'
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'unlimited';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let index = 0;
  while (value >= 1024 && index < units.length - 1) {
    value /= 1024;
    index += 1;
  }
  return index === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[index]}`;
}

/**
 * Formats a duration in seconds as `m:ss` or `h:mm:ss`; `--:--` when unknown.
 * @example formatDuration(75) // '1:15'
 */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '--:--';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
