/**
 * inspectFile and openRangeReader on a file the process may not read, with EACCES injected into
 * node:fs/promises' open (so the test runs as root too, where chmod 000 does not stop reads).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const denied = new Set<string>();

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    open: (path: Parameters<typeof actual.open>[0], ...rest: unknown[]) => {
      if (denied.has(String(path))) {
        return Promise.reject(
          Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), {
            code: 'EACCES',
            errno: -13,
          }),
        );
      }
      return (actual.open as (...args: unknown[]) => ReturnType<typeof actual.open>)(path, ...rest);
    },
  };
});

const { inspectFile } = await import('../../src/sources/file-source.js');
const { openRangeReader } = await import('../../src/sources/range-reader.js');
const { FileError } = await import('../../src/errors.js');

let dir: string;
let secret: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vimeo-tus-eacces-'));
  secret = join(dir, 'secret.bin');
  await writeFile(secret, 'x');
  denied.add(secret);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a file the process may not read', () => {
  it('inspectFile refuses it with E_FILE_UNREADABLE, naming the errno', async () => {
    const error = await inspectFile(secret).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect(error).toMatchObject({ code: 'E_FILE_UNREADABLE', path: secret });
    expect((error as Error).message).toContain('EACCES');
  });

  it('openRangeReader refuses it with E_FILE_UNREADABLE', async () => {
    const error = await openRangeReader(secret, 0, 1).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_FILE_UNREADABLE' });
  });
});
