import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Upload } from '@tus/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CachedConfigstore } from '../../src/sandbox/upload-records.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-upload-records-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const upload = (id: string, size: number): Upload => new Upload({ id, size, offset: 0 });

describe('CachedConfigstore', () => {
  it('writes every record to its file first, so a new store (a restart) reads the same', async () => {
    const store = new CachedConfigstore(dir);
    await store.set('a', upload('a', 10));
    expect(JSON.parse(await readFile(join(dir, 'a.json'), 'utf8'))).toMatchObject({ id: 'a', size: 10 });
    expect(await new CachedConfigstore(dir).get('a')).toMatchObject({ id: 'a', size: 10 });
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    expect(await new CachedConfigstore(dir).get('a')).toBeUndefined();
  });

  it('reads a record from memory after the first time, and each reader gets its own copy', async () => {
    const store = new CachedConfigstore(dir);
    await store.set('b', upload('b', 20));
    // The file changes behind the store's back: the store answers from memory.
    await writeFile(join(dir, 'b.json'), JSON.stringify(upload('b', 99)));
    const first = await store.get('b');
    expect(first?.size).toBe(20);
    if (first) first.size = 55; // a caller edits its copy (as declareUploadLength does before set)
    expect((await store.get('b'))?.size).toBe(20);
    expect(await store.get('missing')).toBeUndefined();
  });
});
