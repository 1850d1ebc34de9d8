/**
 * The public API of the built package, as a user imports it: the runtime names of `vimeo-tus`
 * (dist/index.js). The list is reviewed: a new name must be added here on purpose (issue 12 caps
 * the main entry at 20 runtime names), and src/index.ts names each export (no `export *`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDist } from '../cli/helpers/spawn-cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every runtime export of the main entry, sorted. Review before adding one (docs/api.md too). */
const RUNTIME_EXPORTS = [
  'AbortError',
  'ConfigError',
  'FileError',
  'LedgerError',
  'MemoryLedger',
  'NetworkError',
  'TusError',
  'VerificationError',
  'VimeoApiError',
  'VimeoClient',
  'VimeoTusError',
  'confirmUpload',
  'createTicketHandler',
  'createUploadTicket',
  'createUpload',
  'openLedger',
  'replaceVideo',
  'uploadVideo',
  'verifyUpload',
  'waitForProcessing',
];

beforeAll(async () => {
  await buildDist();
}, 120_000);

describe('the main entry of the built package', () => {
  it('exports exactly the reviewed runtime names, at most 20', async () => {
    const api = (await import(pathToFileURL(path.join(ROOT, 'dist/index.js')).href)) as Record<
      string,
      unknown
    >;
    expect(Object.keys(api).sort()).toEqual([...RUNTIME_EXPORTS].sort());
    expect(RUNTIME_EXPORTS.length).toBeLessThanOrEqual(20);
    for (const name of RUNTIME_EXPORTS) expect(typeof api[name], name).toBe('function');
  });

  it('names every export in src/index.ts (no export *), each runtime group with its JSDoc', async () => {
    const source = await readFile(path.join(ROOT, 'src/index.ts'), 'utf8');
    expect(source).not.toMatch(/export \*/);
    expect(source).not.toMatch(/export type \*/);
    // Every runtime `export {` statement is directly preceded by a JSDoc comment.
    const runtime = [...source.matchAll(/(\*\/\n)?export \{/g)];
    expect(runtime.length).toBeGreaterThan(0);
    for (const match of runtime) expect(match[1], 'a JSDoc comment before each runtime export').toBeDefined();
  });
});
