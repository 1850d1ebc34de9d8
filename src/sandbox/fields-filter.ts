/**
 * Vimeo's `?fields=a,b.c` response filtering: keep only the listed (nested) paths.
 */

type Json = unknown;

/** Parse a `fields` query value into paths; empty → undefined (no filtering). */
export function parseFields(value: string | null): string[][] | undefined {
  if (value === null) return undefined;
  const paths = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => p.split('.'));
  return paths.length > 0 ? paths : undefined;
}

function isPlainObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(source: Json, path: readonly string[], target: Record<string, Json>): void {
  const [head, ...rest] = path;
  if (head === undefined || !isPlainObject(source) || !(head in source)) return;
  const value = source[head];
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  if (Array.isArray(value)) {
    const existing = Array.isArray(target[head]) ? (target[head] as Json[]) : [];
    target[head] = value.map((item, i) => {
      const into = isPlainObject(existing[i]) ? (existing[i] as Record<string, Json>) : {};
      pick(item, rest, into);
      return into;
    });
    return;
  }
  if (!isPlainObject(value)) {
    target[head] = value;
    return;
  }
  const into = isPlainObject(target[head]) ? (target[head] as Record<string, Json>) : {};
  pick(value, rest, into);
  target[head] = into;
}

/** Keep only `paths` of `resource` (a JSON object); undefined paths → resource unchanged. */
export function filterFields<T>(resource: T, paths: string[][] | undefined): T | Record<string, Json> {
  if (paths === undefined || !isPlainObject(resource)) return resource;
  const out: Record<string, Json> = {};
  for (const path of paths) pick(resource, path, out);
  return out;
}
