import { describe, expect, it } from 'vitest';
import { ChunkSizer } from '../../src/tus/chunk-sizer.js';
import {
  DEFAULT_CHUNK_SIZE_BYTES,
  SMALL_CHUNK_SIZE_BYTES,
  TARGET_PATCH_MS,
} from '../../src/tus/constants.js';

const MiB = 1024 * 1024;

describe('ChunkSizer', () => {
  it('halves the PATCH after two interruptions at the same offset, never below 1 MiB', () => {
    const sizer = new ChunkSizer(Number.POSITIVE_INFINITY);
    expect(sizer.interrupted(0, 10 * MiB)).toBeUndefined();
    expect(sizer.interrupted(0, 10 * MiB)).toBe(5 * MiB);
    expect(sizer.sizeBytes).toBe(5 * MiB);
    expect(sizer.interrupted(0, 5 * MiB)).toBeUndefined();
    expect(sizer.interrupted(0, 5 * MiB)).toBe(2.5 * MiB);
    sizer.interrupted(0, 2.5 * MiB);
    expect(sizer.interrupted(0, 2.5 * MiB)).toBe(MiB + MiB / 4);
    sizer.interrupted(0, MiB + MiB / 4);
    expect(sizer.interrupted(0, MiB + MiB / 4)).toBe(MiB);
    sizer.interrupted(0, MiB);
    expect(sizer.interrupted(0, MiB)).toBeUndefined();
    expect(sizer.sizeBytes).toBe(MiB);
  });

  it('does not count interruptions that came with progress', () => {
    const sizer = new ChunkSizer(8 * MiB);
    expect(sizer.interrupted(0, 8 * MiB)).toBeUndefined();
    expect(sizer.interrupted(3 * MiB, 8 * MiB)).toBeUndefined();
    expect(sizer.interrupted(6 * MiB, 8 * MiB)).toBeUndefined();
    expect(sizer.sizeBytes).toBe(8 * MiB);
  });

  it('halves from the PATCH actually sent when the rest of the file was shorter than the size', () => {
    const sizer = new ChunkSizer(128 * MiB);
    sizer.interrupted(0, 6 * MiB);
    expect(sizer.interrupted(0, 6 * MiB)).toBe(3 * MiB);
  });

  it("at the default policy starts at 512 MB, the top of Vimeo's advice, and stays there", () => {
    const sizer = new ChunkSizer(undefined);
    expect(DEFAULT_CHUNK_SIZE_BYTES).toBe(512_000_000);
    expect(sizer.sizeBytes).toBe(DEFAULT_CHUNK_SIZE_BYTES);
    sizer.completed(DEFAULT_CHUNK_SIZE_BYTES, 1_000);
    expect(sizer.sizeBytes).toBe(DEFAULT_CHUNK_SIZE_BYTES);
    sizer.completed(DEFAULT_CHUNK_SIZE_BYTES);
    expect(sizer.sizeBytes).toBe(DEFAULT_CHUNK_SIZE_BYTES);
  });

  it('goes down to 128 MiB after any failure and doubles back after each whole PATCH', () => {
    const sizer = new ChunkSizer(undefined);
    sizer.failed();
    expect(SMALL_CHUNK_SIZE_BYTES).toBe(128 * MiB);
    expect(sizer.sizeBytes).toBe(128 * MiB);
    sizer.completed(10 * MiB, 10);
    expect(sizer.sizeBytes).toBe(128 * MiB); // a short last PATCH changes nothing
    sizer.completed(128 * MiB, 250);
    expect(sizer.sizeBytes).toBe(256 * MiB);
    sizer.failed();
    expect(sizer.sizeBytes).toBe(128 * MiB);
    sizer.completed(128 * MiB, 250);
    sizer.completed(256 * MiB, 500);
    expect(sizer.sizeBytes).toBe(DEFAULT_CHUNK_SIZE_BYTES);
  });

  it("keeps a PATCH to about 30 s at the last one's pace, not below 128 MiB", () => {
    const MB = 1_000_000;
    const sizer = new ChunkSizer(undefined);
    // 512 MB at 10 MB/s took 51.2 s: the next PATCH carries what that pace sends in 30 s.
    sizer.completed(DEFAULT_CHUNK_SIZE_BYTES, 51_200);
    expect(TARGET_PATCH_MS).toBe(30_000);
    expect(sizer.sizeBytes).toBe(300 * MB);
    // Faster again (300 MB in 10 s): doubled, up to 512 MB.
    sizer.completed(300 * MB, 10_000);
    expect(sizer.sizeBytes).toBe(DEFAULT_CHUNK_SIZE_BYTES);
    // A slow link (1 MB/s): never below 128 MiB, and no growth while the pace stays slow.
    sizer.completed(DEFAULT_CHUNK_SIZE_BYTES, 512_000);
    expect(sizer.sizeBytes).toBe(128 * MiB);
    sizer.completed(128 * MiB, 134_000);
    expect(sizer.sizeBytes).toBe(128 * MiB);
    // A caller's size is never paced.
    const fixed = new ChunkSizer(512 * MiB);
    fixed.completed(512 * MiB, 512_000);
    expect(fixed.sizeBytes).toBe(512 * MiB);
  });

  it('keeps a size the caller chose, and grows no further than the source allows', () => {
    const fixed = new ChunkSizer(64 * MiB);
    fixed.completed(64 * MiB);
    fixed.failed();
    expect(fixed.sizeBytes).toBe(64 * MiB);
    const stream = new ChunkSizer(undefined, 200 * MiB);
    expect(stream.sizeBytes).toBe(200 * MiB);
    stream.failed();
    expect(stream.sizeBytes).toBe(128 * MiB);
    stream.completed(128 * MiB);
    expect(stream.sizeBytes).toBe(200 * MiB);
    const small = new ChunkSizer(undefined, 32 * MiB);
    expect(small.sizeBytes).toBe(32 * MiB);
    small.completed(32 * MiB);
    expect(small.sizeBytes).toBe(32 * MiB);
  });
});
