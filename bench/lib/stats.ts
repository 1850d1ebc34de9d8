/** Small statistics over benchmark samples: medians with their range, ratios taken pair by pair. */

/** The median and the extremes of a set of samples. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

/** Median, min and max of the finite values; `null` when there are none. */
export function spread(values: readonly number[]): Spread | null {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  const count = sorted.length;
  if (count === 0) return null;
  const middle = Math.floor(count / 2);
  const median =
    count % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[count - 1] ?? 0, count };
}

/**
 * Ratios of run i of A to run i of B (runs that alternate A B A B are neighbours in time, so each
 * pair saw about the same machine load). A pair is skipped when either side is missing.
 */
export function pairRatios(a: readonly (number | null)[], b: readonly (number | null)[]): number[] {
  const ratios: number[] = [];
  const pairs = Math.min(a.length, b.length);
  for (let index = 0; index < pairs; index += 1) {
    const left = a[index];
    const right = b[index];
    if (left === null || left === undefined || right === null || right === undefined || right === 0) continue;
    ratios.push(left / right);
  }
  return ratios;
}
