import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, FileError } from '../../src/errors.js';
import { FINGERPRINT_EDGE_BYTES, fingerprint } from '../../src/sources/fingerprint.js';

const MIB = 1024 * 1024;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vimeo-tus-fp-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
async function fileWith(bytes: Buffer): Promise<string> {
  const path = join(dir, `f${counter++}.bin`);
  await writeFile(path, bytes);
  return path;
}

/** The documented definition, computed independently from the whole buffer. */
function expected(bytes: Buffer): string {
  const size = bytes.length;
  const head = Math.min(size, MIB);
  const tailStart = Math.max(head, size - MIB);
  const sizeField = Buffer.alloc(8);
  sizeField.writeBigUInt64BE(BigInt(size));
  const hash = createHash('sha256')
    .update('vimeo-tus fingerprint v1\n')
    .update(sizeField)
    .update(bytes.subarray(0, head))
    .update(bytes.subarray(tailStart));
  return `v1:${hash.digest('hex')}`;
}

async function fp(bytes: Buffer): Promise<string> {
  return fingerprint(await fileWith(bytes), bytes.length);
}

describe('fingerprint', () => {
  it('hashes the edge MiB, as documented', () => {
    expect(FINGERPRINT_EDGE_BYTES).toBe(MIB);
  });

  for (const size of [0, 1, MIB - 1, MIB, MIB + 1, 2 * MIB - 1, 2 * MIB, 2 * MIB + 1, 5 * MIB + 3]) {
    it(`matches the definition for a ${size}-byte file`, async () => {
      const bytes = randomBytes(size);
      const result = await fp(bytes);
      expect(result).toMatch(/^v1:[0-9a-f]{64}$/);
      expect(result).toBe(expected(bytes));
    });
  }

  it('is the same for the same content in another file', async () => {
    const bytes = randomBytes(3 * MIB);
    expect(await fp(bytes)).toBe(await fp(Buffer.from(bytes)));
  });

  it('changes when a byte in the first or the last MiB changes', async () => {
    const bytes = randomBytes(4 * MIB);
    const original = await fp(bytes);
    for (const at of [0, MIB - 1, 3 * MIB, 4 * MIB - 1]) {
      const edited = Buffer.from(bytes);
      edited[at] = (edited[at] ?? 0) ^ 0xff;
      expect(await fp(edited)).not.toBe(original);
    }
  });

  it('changes with the size even when the edges are equal', async () => {
    const zeros = Buffer.alloc(3 * MIB);
    expect(await fp(zeros)).not.toBe(await fp(Buffer.alloc(3 * MIB + 1)));
  });

  it('does not see an edit in the middle of a large file (documented limit)', async () => {
    const bytes = randomBytes(3 * MIB);
    const edited = Buffer.from(bytes);
    edited[Math.floor(1.5 * MIB)] = (edited[Math.floor(1.5 * MIB)] ?? 0) ^ 0xff;
    expect(await fp(edited)).toBe(await fp(bytes));
  });

  it('reads only the edges: a sparse 100 GiB file with marked ends', async () => {
    const size = 100 * 1024 ** 3;
    const path = join(dir, 'sparse.bin');
    const handle = await open(path, 'w');
    try {
      await handle.truncate(size); // sparse: no blocks are allocated
      await handle.write(Buffer.from('head'), 0, 4, 0);
      await handle.write(Buffer.from('tail'), 0, 4, size - 4);
    } finally {
      await handle.close();
    }
    const head = Buffer.alloc(MIB);
    head.write('head');
    const tail = Buffer.alloc(MIB);
    tail.write('tail', MIB - 4);
    const sizeField = Buffer.alloc(8);
    sizeField.writeBigUInt64BE(BigInt(size));
    const want = createHash('sha256')
      .update('vimeo-tus fingerprint v1\n')
      .update(sizeField)
      .update(head)
      .update(tail);
    expect(await fingerprint(path, size)).toBe(`v1:${want.digest('hex')}`);
  });

  it('a size that does not match the file is E_FILE_CHANGED', async () => {
    const path = await fileWith(randomBytes(MIB));
    for (const size of [MIB - 1, MIB + 1]) {
      const error = await fingerprint(path, size).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(FileError);
      expect((error as FileError).code).toBe('E_FILE_CHANGED');
    }
  });

  it('a missing file is E_FILE_NOT_FOUND; a folder is E_FILE_NOT_REGULAR', async () => {
    const missing = await fingerprint(join(dir, 'nope.bin'), 10).catch((caught: unknown) => caught);
    expect((missing as FileError).code).toBe('E_FILE_NOT_FOUND');
    const folder = await fingerprint(dir, 0).catch((caught: unknown) => caught);
    expect((folder as FileError).code).toBe('E_FILE_NOT_REGULAR');
  });

  it('an aborted signal rejects with AbortError', async () => {
    const path = await fileWith(randomBytes(10));
    const controller = new AbortController();
    controller.abort();
    await expect(fingerprint(path, 10, { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
  });
});
