import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { intArg, sizeArg } from '../../src/cli/option-parsers.js';
import { percent, percentValue, stripControl } from '../../src/cli/render/format.js';

describe('option parsers shared by every command', () => {
  it('sizeArg parses sizes and turns a bad one into a usage error naming the value', () => {
    expect(sizeArg('64MiB')).toBe(64 * 1024 ** 2);
    expect(sizeArg('unlimited')).toBe(Number.POSITIVE_INFINITY);
    expect(() => sizeArg('huge')).toThrow(InvalidArgumentError);
    expect(() => sizeArg('huge')).toThrow(/Not a size: "huge"/);
  });

  it('intArg takes digits ≥ 1 only', () => {
    expect(intArg('3')).toBe(3);
    for (const bad of ['0', '-1', '1.5', '1e3', 'two', ''])
      expect(() => intArg(bad)).toThrow(InvalidArgumentError);
  });
});

describe('one percentage and one control-character filter for every command', () => {
  it('percentValue floors, never says 100 before the end, and keeps the asked decimals', () => {
    expect(percentValue(999, 1000, 1)).toBe(99.9);
    expect(percentValue(9999, 10_000)).toBe(99);
    expect(percentValue(Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER, 1)).toBe(99.9);
    expect(percentValue(5, 5, 1)).toBe(100);
    expect(percentValue(0, 0)).toBe(0);
    expect(percent(1, 3)).toBe('33%');
  });

  it('stripControl replaces control characters with a space, or with what the caller asks', () => {
    expect(stripControl('a\u001b[2Jb\u0085c')).toBe('a [2Jb c');
    expect(stripControl('clip\n.mp4', '?')).toBe('clip?.mp4');
  });
});
