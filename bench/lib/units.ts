/** Byte-size parsing and formatting for the benchmark scripts (binary units throughout). */

/** Bytes in one MiB. */
export const MIB = 1024 * 1024;
/** Bytes in one GiB. */
export const GIB = 1024 * MIB;

const UNIT_BYTES: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  m: MIB,
  mib: MIB,
  g: GIB,
  gib: GIB,
};

/**
 * Parses `64MiB`, `1G`, `512k`, `1048576` into bytes. `unlimited`, `inf` and `infinity` give
 * `Infinity` (a chunk size meaning one PATCH for the whole file).
 */
export function parseBytes(text: string): number {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'unlimited' || trimmed === 'inf' || trimmed === 'infinity') return Number.POSITIVE_INFINITY;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(trimmed);
  const unit = match?.[2] ?? '';
  const factor = UNIT_BYTES[unit];
  if (match?.[1] === undefined || factor === undefined) throw new Error(`not a byte size: ${text}`);
  const bytes = Math.round(Number(match[1]) * factor);
  if (!(bytes > 0)) throw new Error(`byte size must be positive: ${text}`);
  return bytes;
}

/** `1 GiB`, `128 MiB`, `1.5 KiB`, `unlimited`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'unlimited';
  const units: readonly [number, string][] = [
    [GIB, 'GiB'],
    [MIB, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [size, name] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(1)} ${name}`;
    }
  }
  return `${bytes} B`;
}

/** A number with a fixed count of decimals, or `n/a` for a missing value. */
export function fixed(value: number | null | undefined, decimals: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(decimals);
}
