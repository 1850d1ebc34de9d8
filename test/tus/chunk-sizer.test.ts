import { describe, expect, it } from 'vitest';
import { ChunkSizer } from '../../src/tus/chunk-sizer.js';

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
});
