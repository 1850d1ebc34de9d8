import { describe, expect, it } from 'vitest';
import { ChunkSizer } from '../../src/tus/chunk-sizer.js';
import { DEFAULT_CHUNK_SIZE_BYTES, MAX_GROWN_CHUNK_SIZE_BYTES } from '../../src/tus/constants.js';

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

  it('at the default policy starts at 128 MiB and doubles after each whole PATCH, up to 512 MB', () => {
    const sizer = new ChunkSizer(undefined);
    expect(sizer.sizeBytes).toBe(DEFAULT_CHUNK_SIZE_BYTES);
    expect(DEFAULT_CHUNK_SIZE_BYTES).toBe(128 * MiB);
    sizer.completed(128 * MiB);
    expect(sizer.sizeBytes).toBe(256 * MiB);
    sizer.completed(256 * MiB);
    expect(sizer.sizeBytes).toBe(MAX_GROWN_CHUNK_SIZE_BYTES);
    expect(MAX_GROWN_CHUNK_SIZE_BYTES).toBe(512_000_000);
    sizer.completed(MAX_GROWN_CHUNK_SIZE_BYTES);
    expect(sizer.sizeBytes).toBe(MAX_GROWN_CHUNK_SIZE_BYTES);
  });

  it('does not grow on a short last PATCH, and goes back to 128 MiB after any failure', () => {
    const sizer = new ChunkSizer(undefined);
    sizer.completed(10 * MiB);
    expect(sizer.sizeBytes).toBe(128 * MiB);
    sizer.completed(128 * MiB);
    sizer.completed(256 * MiB);
    sizer.failed();
    expect(sizer.sizeBytes).toBe(128 * MiB);
    sizer.completed(128 * MiB);
    expect(sizer.sizeBytes).toBe(256 * MiB);
  });

  it('keeps a size the caller chose, and grows no further than the source allows', () => {
    const fixed = new ChunkSizer(64 * MiB);
    fixed.completed(64 * MiB);
    fixed.failed();
    expect(fixed.sizeBytes).toBe(64 * MiB);
    const stream = new ChunkSizer(undefined, 200 * MiB);
    expect(stream.sizeBytes).toBe(128 * MiB);
    stream.completed(128 * MiB);
    expect(stream.sizeBytes).toBe(200 * MiB);
    const small = new ChunkSizer(undefined, 32 * MiB);
    expect(small.sizeBytes).toBe(32 * MiB);
    small.completed(32 * MiB);
    expect(small.sizeBytes).toBe(32 * MiB);
  });
});
