import { chmod, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileError } from '../../src/errors.js';
import { assertUnchanged, inspectFile } from '../../src/sources/file-source.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vimeo-tus-source-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileError);
  return (error as FileError).code;
}

describe('inspectFile', () => {
  it('returns an absolute path, the size and the mtime', async () => {
    const path = join(dir, 'a.bin');
    await writeFile(path, 'hello world');
    const snapshot = await inspectFile(relative(process.cwd(), path));
    expect(snapshot.path).toBe(path);
    expect(snapshot.sizeBytes).toBe(11);
    expect(snapshot.mtimeMs).toBeGreaterThan(0);
  });

  it('refuses missing, empty, directory and unreadable paths with their codes', async () => {
    expect(await codeOf(inspectFile(join(dir, 'missing.bin')))).toBe('E_FILE_NOT_FOUND');
    const empty = join(dir, 'empty.bin');
    await writeFile(empty, '');
    expect(await codeOf(inspectFile(empty))).toBe('E_FILE_EMPTY');
    const sub = join(dir, 'sub');
    await mkdir(sub);
    expect(await codeOf(inspectFile(sub))).toBe('E_FILE_NOT_REGULAR');
  });

  // Root reads any file whatever its mode: skipped (visibly) there; test/sources/file-source-eacces
  // covers the same path with an injected EACCES on every platform.
  it.skipIf(process.getuid?.() === 0)(
    'refuses a file without read permission (E_FILE_UNREADABLE)',
    async () => {
      const secret = join(dir, 'secret.bin');
      await writeFile(secret, 'x');
      await chmod(secret, 0o000);
      expect(await codeOf(inspectFile(secret))).toBe('E_FILE_UNREADABLE');
    },
  );
});

describe('assertUnchanged', () => {
  it('passes for an untouched file and fails after a size or mtime change', async () => {
    const path = join(dir, 'b.bin');
    await writeFile(path, 'abc');
    const snapshot = await inspectFile(path);
    await expect(assertUnchanged(snapshot)).resolves.toBeUndefined();
    await utimes(path, new Date(), new Date(snapshot.mtimeMs + 5_000));
    expect(await codeOf(assertUnchanged(snapshot))).toBe('E_FILE_CHANGED');
    await writeFile(path, 'abcd');
    expect(await codeOf(assertUnchanged({ ...snapshot, mtimeMs: (await inspectFile(path)).mtimeMs }))).toBe(
      'E_FILE_CHANGED',
    );
    await rm(path);
    expect(await codeOf(assertUnchanged(snapshot))).toBe('E_FILE_NOT_FOUND');
  });
});
