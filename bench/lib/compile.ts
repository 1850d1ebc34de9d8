/**
 * Turns the benchmark's child scripts (bench/clients) into plain ES modules under
 * bench/.work/js, so that every measured process runs on bare `node`: tsx's loader would add its
 * own start-up CPU and memory to the figures of the client it hosts.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The bench/ folder of this checkout. */
export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root (parent of bench/). */
export const REPO_DIR = join(BENCH_DIR, '..');

const CHILD_DIRS = ['clients'] as const;

/** Where the compiled child scripts go: inside the checkout, so that node_modules resolves from there. */
export const COMPILED_DIR = join(BENCH_DIR, '.work', 'js');

/**
 * Transpiles every `.ts` file of bench/clients (types are checked by the project's
 * `tsc`, not here) into `bench/.work/js/<dir>/<name>.js`. Each file is replaced atomically, so
 * concurrent bench runs can share the output. Returns the output root.
 */
export async function compileChildScripts(): Promise<string> {
  const outRoot = COMPILED_DIR;
  await mkdir(outRoot, { recursive: true });
  const manifest = join(outRoot, 'package.json');
  await writeFile(`${manifest}.${process.pid}.tmp`, '{"type":"module"}\n');
  await rename(`${manifest}.${process.pid}.tmp`, manifest);
  for (const dir of CHILD_DIRS) {
    const sourceDir = join(BENCH_DIR, dir);
    const outDir = join(outRoot, dir);
    await mkdir(outDir, { recursive: true });
    for (const name of await readdir(sourceDir)) {
      if (!name.endsWith('.ts')) continue;
      const source = await readFile(join(sourceDir, name), 'utf8');
      const output = ts.transpileModule(source, {
        fileName: name,
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: true,
        },
      });
      const target = join(outDir, name.replace(/\.ts$/, '.js'));
      const temporary = `${target}.${process.pid}.tmp`;
      await writeFile(temporary, output.outputText);
      await rename(temporary, target);
    }
  }
  return outRoot;
}
