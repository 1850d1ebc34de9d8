/**
 * The package as a user gets it: a copy of the sources without dist/ (as a fresh clone) is packed
 * with `npm pack` (prepack and prepare build it), the tarball is installed into a scratch project
 * with `npm ci --offline` (from the npm cache `npm ci` filled: no network), and then `require`,
 * `import`, an upload to the package's own sandbox, the ledger, the bin and a strict `tsc` (no
 * skipLibCheck) run against the installed copy.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const NPM_TIMEOUT_MS = 150_000;

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly [field: string]: unknown;
}

interface Lockfile {
  readonly packages: Record<string, LockEntry>;
}

let work: string;
let scratch: string;
let packed: { filename: string; files: { path: string }[] };

/** Runs a command; on failure the error carries its output. */
async function sh(file: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return run(file, args, { cwd, timeout: NPM_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
}

/**
 * The entries of our lockfile that a project depending on `dependencies` installs: each package
 * found the way Node finds it (nested node_modules first, then upwards), dev-only ones never.
 */
function runtimeClosure(lock: Lockfile, dependencies: Record<string, string>): Record<string, LockEntry> {
  const found: Record<string, LockEntry> = {};
  const visit = (fromPath: string, name: string): void => {
    for (let base = fromPath; ; ) {
      const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
      const entry = lock.packages[candidate];
      if (entry) {
        if (found[candidate]) return;
        const { dev: _dev, devOptional: _devOptional, ...kept } = entry;
        found[candidate] = kept;
        const wanted = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
        for (const child of Object.keys(wanted)) visit(candidate, child);
        return;
      }
      if (base === '') return; // an optional or peer dependency this platform did not install
      base = base.includes('/node_modules/') ? base.slice(0, base.lastIndexOf('/node_modules/')) : '';
    }
  };
  for (const name of Object.keys(dependencies)) visit('', name);
  return found;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'vimeo-tus-pack-'));
  // A fresh clone: the sources, no dist/. node_modules is the repository's (the build's TypeScript).
  const clone = path.join(work, 'clone');
  await mkdir(clone);
  for (const entry of [
    'package.json',
    'README.md',
    'tsconfig.json',
    'tsconfig.build.json',
    'src',
    'scripts',
    'docs',
  ]) {
    await cp(path.join(ROOT, entry), path.join(clone, entry), { recursive: true });
  }
  await symlink(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  scratch = path.join(work, 'scratch');
  await mkdir(scratch);
  const out = await sh('npm', ['pack', '--json', '--pack-destination', scratch], clone);
  // npm prints the lifecycle scripts' output before the JSON report.
  [packed] = JSON.parse(out.stdout.slice(out.stdout.indexOf('['))) as [typeof packed];

  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
    license: string;
    dependencies: Record<string, string>;
    bin: Record<string, string>;
    engines: Record<string, string>;
  };
  const tarball = await readFile(path.join(scratch, packed.filename));
  const spec = `file:${packed.filename}`;
  const lock = JSON.parse(await readFile(path.join(ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  await writeFile(
    path.join(scratch, 'package.json'),
    JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, dependencies: { 'vimeo-tus': spec } }),
  );
  // npm ci installs from a lockfile by integrity alone: what `npm ci` of this repository cached.
  await writeFile(
    path.join(scratch, 'package-lock.json'),
    JSON.stringify({
      name: 'scratch',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'scratch', version: '1.0.0', dependencies: { 'vimeo-tus': spec } },
        'node_modules/vimeo-tus': {
          version: pkg.version,
          resolved: spec,
          integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
          license: pkg.license,
          dependencies: pkg.dependencies,
          bin: pkg.bin,
          engines: pkg.engines,
        },
        ...runtimeClosure(lock, pkg.dependencies),
      },
    }),
  );
  await sh('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], scratch);
  // The native SQLite module was not built (--ignore-scripts): take the one built for this Node.
  const binding = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  await mkdir(path.dirname(path.join(scratch, binding)), { recursive: true });
  await copyFile(path.join(ROOT, binding), path.join(scratch, binding));
}, NPM_TIMEOUT_MS * 2);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the build, the docs and the README, and no sources or tests', () => {
    const files = packed.files.map((file) => file.path);
    for (const expected of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/bin.js',
      'dist/browser.js',
      'dist/browser/index.d.ts',
      'docs/api.md',
      'README.md',
    ]) {
      expect(files).toContain(expected);
    }
    expect(files.filter((file) => /^(src|test|bench)\//.test(file))).toEqual([]);
  });

  it('loads through require (Node 20.19+ loads ESM there) and import', async () => {
    await writeFile(
      path.join(scratch, 'required.cjs'),
      `const api = require('vimeo-tus');
const { startSandbox } = require('vimeo-tus/sandbox');
console.log(typeof api.createUpload, typeof api.VimeoClient, typeof startSandbox);`,
    );
    const required = await sh(process.execPath, ['required.cjs'], scratch);
    expect(required.stdout.trim()).toBe('function function function');
    await writeFile(
      path.join(scratch, 'imported.mjs'),
      `import { createUpload, openLedger } from 'vimeo-tus';
import { uploadFile } from 'vimeo-tus/browser';
console.log(typeof createUpload, typeof openLedger, typeof uploadFile);`,
    );
    expect((await sh(process.execPath, ['imported.mjs'], scratch)).stdout.trim()).toBe(
      'function function function',
    );
  });

  it('uploads to its own sandbox, recorded in a ledger, from the installed copy', async () => {
    await writeFile(
      path.join(scratch, 'upload.mjs'),
      `import { randomBytes } from 'node:crypto';
import { createUpload, openLedger } from 'vimeo-tus';
import { startSandbox } from 'vimeo-tus/sandbox';
const sandbox = await startSandbox();
const ledger = await openLedger({ path: new URL('./state/ledger.db', import.meta.url).pathname });
try {
  await import('node:fs/promises').then((fs) => fs.writeFile('clip.mp4', randomBytes(300_000)));
  const result = await createUpload('clip.mp4', { token: sandbox.token, apiUrl: sandbox.apiUrl, ledger }).done;
  const [record] = await ledger.list();
  console.log(result.uploadOffset, result.uploadLength, record.state);
} finally {
  await ledger.close();
  await sandbox.close();
}`,
    );
    expect((await sh(process.execPath, ['upload.mjs'], scratch)).stdout.trim()).toBe(
      '300000 300000 verified',
    );
  });

  it('installs the bin, whose --help points at the docs it ships', async () => {
    const bin = path.join(scratch, 'node_modules/.bin/vimeo-tus');
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect((await sh(bin, ['--version'], scratch)).stdout.trim()).toBe(pkg.version);
    const help = (await sh(bin, ['--help'], scratch)).stdout;
    const docs = /Documentation \(shipped with the package\):\s+(\S+)/.exec(help)?.[1] ?? '';
    expect(docs).toContain(path.join('node_modules', 'vimeo-tus', 'docs'));
    expect(await readFile(path.join(docs, 'cli.md'), 'utf8')).toContain('vimeo-tus');
  });

  it('runs commands of the installed bin that load their parts on demand (sandbox, SQLite ledger)', async () => {
    const bin = path.join(scratch, 'node_modules/.bin/vimeo-tus');
    const demo = await sh(bin, ['demo', '--json', '--size', '1MiB', '--rate', '64MiB'], scratch);
    expect(demo.stdout).toMatch(/"type":"summary","ok":true/);
    await writeFile(
      path.join(scratch, 'bin-upload.mjs'),
      `import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { startSandbox } from 'vimeo-tus/sandbox';
const run = promisify(execFile);
const sandbox = await startSandbox();
try {
  await writeFile('bin-clip.mp4', randomBytes(200_000));
  const env = { ...process.env, VIMEO_API_URL: sandbox.apiUrl, VIMEO_TOKEN: sandbox.token };
  const state = ['--state-dir', 'bin-state', '--json'];
  const upload = await run(${JSON.stringify(bin)}, ['upload', 'bin-clip.mp4', ...state], { env });
  const summary = JSON.parse(upload.stdout.trim().split('\\n').at(-1));
  const listed = (await run(${JSON.stringify(bin)}, ['list', ...state], { env })).stdout.trim().split('\\n');
  console.log(summary.verified, listed.length, JSON.parse(listed[0]).state);
} finally {
  await sandbox.close();
}`,
    );
    expect((await sh(process.execPath, ['bin-upload.mjs'], scratch)).stdout.trim()).toBe('1 1 verified');
  });

  it('type-checks under strict TypeScript without skipLibCheck', async () => {
    await writeFile(
      path.join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [path.join(ROOT, 'node_modules/@types')],
        },
        files: ['consumer.mts'],
      }),
    );
    await writeFile(
      path.join(scratch, 'consumer.mts'),
      `import { createUpload, type UploadOptions, type UploadResult, VimeoTusError } from 'vimeo-tus';
import { startSandbox } from 'vimeo-tus/sandbox';
const options: UploadOptions = { token: 't', ledger: true, chunkSizeBytes: 8 * 1024 * 1024 };
const upload = createUpload('clip.mp4', options);
upload.on('progress', (p) => console.log(p.bytesAcked));
export async function main(): Promise<UploadResult | string> {
  const sandbox = await startSandbox();
  await sandbox.close();
  try {
    return await upload.done;
  } catch (error) {
    return error instanceof VimeoTusError ? error.code : 'unknown';
  }
}`,
    );
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await sh(process.execPath, [tsc, '-p', 'tsconfig.json'], scratch).catch(
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error), stderr: '' }),
    );
    expect(result.stdout).toBe('');
  });
});
