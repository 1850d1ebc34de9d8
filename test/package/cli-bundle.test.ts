/**
 * The `vimeo-tus` executable is a bundle (scripts/bundle.mjs): dist/cli/bin.js and its chunks. What
 * it loads at start is a few files of its own, Node's built-ins and commander; what a command
 * imports on demand (SQLite, the sandbox, Redis and the queue, the terminal display) stays in
 * chunks loaded only then, as test/architecture/layers.test.ts demands of the sources. A bundle that
 * inlined those would load them for every upload (docs/decisions.md, "The CLI is bundled").
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, buildDist, ROOT } from '../cli/helpers/spawn-cli.js';

beforeAll(async () => {
  await buildDist();
}, 120_000);

/** `import … from "x";`, `import "x";` and `export … from "x";` at the start of a line (esbuild's output). */
const STATIC_IMPORT = /^(?:import|export)\s(?:[^;"']*?\sfrom\s*)?"([^"]+)";/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*"([^"]+)"\s*\)/g;

interface Graph {
  /** Files loaded: the entry and every file it imports statically (and on demand, if followed). */
  readonly files: Set<string>;
  /** Packages and built-ins those files import. */
  readonly packages: Set<string>;
  /** Files of the bundle they import on demand. */
  readonly onDemand: Set<string>;
}

/** What `entry` loads at start, or with `followOnDemand` everything it may ever load. */
async function importGraph(entry: string, followOnDemand = false): Promise<Graph> {
  const graph: Graph = { files: new Set(), packages: new Set(), onDemand: new Set() };
  const visit = async (file: string): Promise<void> => {
    if (graph.files.has(file)) return;
    graph.files.add(file);
    const text = await readFile(file, 'utf8');
    for (const [, specifier = ''] of text.matchAll(DYNAMIC_IMPORT)) {
      if (!specifier.startsWith('.')) {
        if (followOnDemand) graph.packages.add(specifier);
        continue;
      }
      const target = path.resolve(path.dirname(file), specifier);
      graph.onDemand.add(target);
      if (followOnDemand) await visit(target);
    }
    for (const [, specifier = ''] of text.matchAll(STATIC_IMPORT)) {
      if (specifier.startsWith('.')) await visit(path.resolve(path.dirname(file), specifier));
      else graph.packages.add(specifier);
    }
  };
  await visit(entry);
  return graph;
}

describe('the vimeo-tus executable', () => {
  it('starts from its own bundle: its files, Node built-ins and commander, nothing else', async () => {
    const graph = await importGraph(BIN);
    const cliDir = path.dirname(BIN);
    for (const file of graph.files) {
      expect(path.relative(cliDir, file), file).not.toMatch(/^\.\./);
      expect(existsSync(file), file).toBe(true);
    }
    // One module per source file would be ~90 files; the bundle's start is a handful.
    expect(graph.files.size).toBeLessThan(30);
    expect([...graph.packages].filter((name) => !name.startsWith('node:'))).toEqual(['commander']);
    expect(graph.packages).toContain('node:http');
  });

  it('keeps what a command loads on demand out of the start, in chunks that exist', async () => {
    const start = await importGraph(BIN);
    expect(start.onDemand.size).toBeGreaterThan(5);
    const whole = await importGraph(BIN, true);
    for (const file of whole.files) expect(existsSync(file), file).toBe(true);
    for (const name of ['better-sqlite3', '@tus/server', 'bullmq', 'ioredis', 'log-update']) {
      expect(start.packages.has(name), name).toBe(false);
      expect(whole.packages.has(name), name).toBe(true);
    }
  });

  it('keeps the names of the error classes, which name their errors (`new.target.name`)', async () => {
    const sources = await readFile(path.join(ROOT, 'src/errors.ts'), 'utf8');
    const classes = [...sources.matchAll(/^export class (\w+)/gm)].map(([, name = '']) => name);
    expect(classes).toContain('VimeoTusError');
    const whole = await importGraph(BIN, true);
    const bundled = (await Promise.all([...whole.files].map((file) => readFile(file, 'utf8')))).join('\n');
    // esbuild renames a class whose name another bundled module also uses (`NetworkError2`), and
    // which of the two keeps the name depends on the order of the modules. Its keepNames option
    // would keep both names but costs the start-up memory the bundle is for.
    for (const name of classes) {
      expect(bundled, name).toMatch(new RegExp(`\\b${name} = class\\b`));
      expect(bundled, name).not.toMatch(new RegExp(`\\b${name}\\d+ = class\\b`));
    }
  });

  it('ships nothing under dist/cli but the bundle: its entry, its chunks, their source maps', async () => {
    const whole = await importGraph(BIN, true);
    const cliDir = path.dirname(BIN);
    const shipped = (await readdir(cliDir, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name));
    const expected = [...whole.files].flatMap((file) => [file, `${file}.map`]);
    expect(shipped.sort()).toEqual(expected.sort());
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(path.resolve(ROOT, pkg.bin['vimeo-tus'] ?? '')).toBe(BIN);
  });
});
