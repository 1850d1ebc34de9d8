import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

interface Exports {
  readonly [subpath: string]: { readonly types: string; readonly import: string; readonly default: string };
}

/** `./dist/sandbox/index.js` → the source it is built from, `src/sandbox/index.ts`. */
function sourceOf(built: string): string {
  return built.replace(/^\.\/dist\//, '../../src/').replace(/\.(d\.ts|js)$/, '.ts');
}

describe('package export ./sandbox', () => {
  it('points at the built sandbox entry (and its types), which exports startSandbox', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      exports: Exports;
    };
    const entry = pkg.exports['./sandbox'];
    expect(entry).toEqual({
      types: './dist/sandbox/index.d.ts',
      import: './dist/sandbox/index.js',
      default: './dist/sandbox/index.js',
    });
    const source = sourceOf(entry?.import ?? '');
    expect(sourceOf(entry?.types ?? '')).toBe(source);
    const mod = (await import(source)) as Record<string, unknown>;
    expect(typeof mod.startSandbox).toBe('function');
    expect(mod.DEFAULT_SANDBOX_TOKEN).toBe('sandbox-token');
  });
});
