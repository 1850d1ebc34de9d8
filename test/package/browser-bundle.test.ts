/**
 * `vimeo-tus/browser` is one self-contained ES module: no import of any kind (so it loads with
 * `<script type="module">` from a static server), no Node built-in, and the package export points
 * at it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_BUNDLE, buildDist, ROOT } from '../cli/helpers/spawn-cli.js';

beforeAll(async () => {
  await buildDist();
}, 120_000);

describe('the browser module', () => {
  it('is one file without imports or Node built-ins', async () => {
    const text = await readFile(BROWSER_BUNDLE, 'utf8');
    expect(text).not.toMatch(/^\s*import[\s{*]/m);
    expect(text).not.toMatch(/\bimport\s*\(/);
    expect(text).not.toMatch(/\brequire\s*\(/);
    expect(text).not.toMatch(/['"]node:/);
    expect(text).toMatch(/^export\s*\{/m);
  });

  it('is what the package exports as vimeo-tus/browser, with uploadFile and the error classes', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
    };
    const entry = pkg.exports['./browser'];
    expect(entry?.import).toBe('./dist/browser.js');
    expect(entry?.default).toBe('./dist/browser.js');
    expect(entry?.types).toBe('./dist/browser/index.d.ts');
    const api = (await import(pathToFileURL(BROWSER_BUNDLE).href)) as Record<string, unknown>;
    expect(typeof api.uploadFile).toBe('function');
    for (const name of ['VimeoTusError', 'AbortError', 'NetworkError', 'TusError']) {
      expect(typeof api[name], name).toBe('function');
    }
  });
});
