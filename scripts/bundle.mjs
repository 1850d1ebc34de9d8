// The two bundles `npm run build` writes after tsc (which writes the library's modules and types).
//
// - dist/browser.js: src/browser as one self-contained ES module (no import of any kind), the file
//   behind the `vimeo-tus/browser` export. `platform: 'browser'` makes any Node built-in reached
//   from src/browser a build error.
// - dist/cli/bin.js (+ dist/cli/chunks/): the `vimeo-tus` executable. Its own modules are bundled;
//   packages stay imports (installed beside it). What a command imports on demand (the sandbox, the
//   terminal reporters, the queue...) stays a chunk of its own, loaded only when used. Why one
//   bundle rather than ~90 modules: docs/decisions.md ("The CLI is bundled").
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliDir = path.join(root, 'dist/cli');

const [, cli] = await Promise.all([
  build({
    absWorkingDir: root,
    entryPoints: [path.join(root, 'src/browser/index.ts')],
    outfile: path.join(root, 'dist/browser.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
  }),
  build({
    absWorkingDir: root,
    entryPoints: [path.join(root, 'src/cli/bin.ts')],
    outdir: cliDir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  }),
]);

// A rebuild leaves nothing of an earlier one (chunks are named by their content, and an older build
// wrote one module per file here). Removed after the new files are written, not before, so that a
// CLI starting meanwhile (a test running beside a rebuild) finds its files; one started from the
// previous build can still miss an on-demand chunk that changed.
const written = new Set(Object.keys(cli.metafile.outputs).map((file) => path.resolve(root, file)));
if (!written.has(path.join(cliDir, 'bin.js'))) {
  throw new Error(`esbuild did not report ${path.join(cliDir, 'bin.js')}; not removing anything`);
}
const holdsOutput = (dir) => [...written].some((file) => file.startsWith(`${dir}${path.sep}`));
for (const entry of readdirSync(cliDir, { recursive: true, withFileTypes: true })) {
  const file = path.join(entry.parentPath, entry.name);
  const stale = entry.isDirectory() ? !holdsOutput(file) : !written.has(file);
  if (stale) rmSync(file, { recursive: true, force: true });
}
