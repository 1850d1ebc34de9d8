// Bundles src/browser into dist/browser.js: one self-contained ES module (no import of any kind),
// the file behind the `vimeo-tus/browser` export. `platform: 'browser'` makes any Node built-in
// reached from src/browser a build error. Run by `npm run build` after tsc (which writes the types).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: [path.join(root, 'src/browser/index.ts')],
  outfile: path.join(root, 'dist/browser.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  logLevel: 'warning',
});
