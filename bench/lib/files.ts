/** Random test files for the benchmarks, kept between runs, with their SHA-256 cached beside them. */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A generated file and its digest. */
export interface TestFile {
  readonly path: string;
  readonly sizeBytes: number;
  readonly sha256: string;
}

const BLOCK_BYTES = 8 * 1024 * 1024;

/** SHA-256 (hex) of a file, streamed with large reads. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/** Reads the whole file once and drops the bytes, so that it is in the page cache for the next run. */
export async function warmPageCache(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(BLOCK_BYTES);
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Returns `<directory>/random-<sizeBytes>[-tag].bin`, creating it when missing. The content is an
 * AES-256-CTR keystream with a random key: incompressible, never periodic (a shifted or repeated
 * block changes the digest), and written at several hundred MiB/s.
 */
export async function ensureRandomFile(directory: string, sizeBytes: number, tag = ''): Promise<TestFile> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, `random-${sizeBytes}${tag === '' ? '' : `-${tag}`}.bin`);
  const digestPath = `${path}.sha256.json`;
  const existing = await stat(path).catch(() => null);
  if (existing?.size === sizeBytes) {
    const cached = await readFile(digestPath, 'utf8')
      .then((text) => JSON.parse(text) as { sha256?: unknown; mtimeMs?: unknown })
      .catch(() => null);
    if (typeof cached?.sha256 === 'string' && cached.mtimeMs === existing.mtimeMs) {
      return { path, sizeBytes, sha256: cached.sha256 };
    }
  }
  await rm(path, { force: true });
  const cipher = createCipheriv('aes-256-ctr', randomBytes(32), randomBytes(16));
  const zeros = Buffer.alloc(BLOCK_BYTES);
  const hash = createHash('sha256');
  const handle = await open(path, 'w', 0o600);
  try {
    let written = 0;
    while (written < sizeBytes) {
      const length = Math.min(BLOCK_BYTES, sizeBytes - written);
      const block = cipher.update(length === BLOCK_BYTES ? zeros : zeros.subarray(0, length));
      hash.update(block);
      await handle.write(block, 0, block.length, written);
      written += block.length;
    }
  } finally {
    await handle.close();
  }
  const sha256 = hash.digest('hex');
  const written = await stat(path);
  await writeFile(digestPath, JSON.stringify({ sha256, mtimeMs: written.mtimeMs }));
  return { path, sizeBytes, sha256 };
}
