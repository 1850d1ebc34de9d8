/**
 * The `code` of a Node system error (`ENOENT`, `ECONNRESET`, ...), for messages and decisions.
 */

/** The string `code` of a Node system error, or `undefined` when `error` has none. */
export function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
