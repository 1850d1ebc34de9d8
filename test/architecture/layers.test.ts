/**
 * The layers of docs/architecture.md, checked on the source: every import of a module under src/
 * (static or `await import`) points to its own folder or to a lower layer, so there is no cycle
 * between layers. A new folder gets a rank here (and a row in docs/architecture.md).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** Lower ranks are imported by higher ones, never the other way; equal ranks not at all. */
const RANK: Readonly<Record<string, number>> = {
  errors: 0,
  core: 1,
  sources: 2,
  vimeo: 3,
  tus: 3,
  ledger: 3,
  config: 4,
  upload: 4,
  browser: 4,
  resume: 5,
  server: 5,
  entry: 6,
  queue: 7,
  index: 8,
  // The CLI is bundled on its own (scripts/bundle.mjs) and tsc does not compile src/cli: no entry
  // of the library may import it.
  cli: 9,
};

/** The sandbox is a separate server: it imports nothing of the library; only the CLI and its own entry import it. */
const SANDBOX = 'sandbox';

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(full);
      return Promise.resolve(entry.name.endsWith('.ts') ? [full] : []);
    }),
  );
  return nested.flat();
}

/** `src/upload/x.ts` → `upload`; `src/errors.ts` → `errors`; `src/index.ts` → `index`. */
function layerOf(file: string): string {
  const [first = ''] = path.relative(SRC, file).split(path.sep);
  return first.replace(/\.(ts|js)$/, '');
}

/** Every package a module and the modules it imports statically load at start-up (not `await import`). */
async function staticPackages(
  entry: string,
  seen = new Set<string>(),
  found = new Set<string>(),
): Promise<Set<string>> {
  if (seen.has(entry)) return found;
  seen.add(entry);
  const text = await readFile(entry, 'utf8');
  for (const match of text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from\s+'([^']+)'/gm)) {
    const specifier = match[1] ?? '';
    if (specifier.startsWith('.')) {
      await staticPackages(path.resolve(path.dirname(entry), specifier.replace(/\.js$/, '.ts')), seen, found);
    } else if (!specifier.startsWith('node:')) {
      found.add(specifier);
    }
  }
  return found;
}

/** Relative module specifiers of static imports, re-exports and dynamic imports. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    if (match[1]) found.push(match[1]);
  }
  return found;
}

describe('layers', () => {
  it('every import points to the same folder or a lower layer', async () => {
    const violations: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      const from = layerOf(file);
      const text = await readFile(file, 'utf8');
      for (const specifier of importsOf(text)) {
        const target = path.resolve(path.dirname(file), specifier);
        const to = layerOf(target);
        if (to === from) continue;
        const where = `${path.relative(SRC, file)} → ${specifier}`;
        if (from === SANDBOX || to === SANDBOX) {
          const allowed = to === SANDBOX && (from === 'cli' || from === 'index');
          if (!allowed)
            violations.push(`${where}: the sandbox is imported only by the CLI, and imports no library code`);
          continue;
        }
        const fromRank = RANK[from];
        const toRank = RANK[to];
        if (fromRank === undefined || toRank === undefined) {
          violations.push(
            `${where}: give the layer "${fromRank === undefined ? from : to}" a rank in this test`,
          );
        } else if (toRank >= fromRank) {
          violations.push(`${where}: ${from} (rank ${fromRank}) must not import ${to} (rank ${toRank})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('start-up loads no dependency but commander: SQLite, Redis, the sandbox and the terminal display on demand', async () => {
    expect([...(await staticPackages(path.join(SRC, 'cli/bin.ts')))]).toEqual(['commander']);
    expect([...(await staticPackages(path.join(SRC, 'index.ts')))]).toEqual([]);
  });
});
