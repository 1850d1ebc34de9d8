import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, parseSizeBytes } from '../../src/cli/size.js';
import { ConfigError } from '../../src/errors.js';

describe('parseSizeBytes', () => {
  it.each([
    ['5MiB', 5 * 1024 ** 2],
    ['128MB', 128 * 1000 ** 2],
    ['1GiB', 1024 ** 3],
    ['1gb', 1000 ** 3],
    ['64M', 64 * 1024 ** 2],
    ['1.5KiB', 1536],
    ['1048576', 1048576],
    ['256 MiB', 256 * 1024 ** 2],
    ['2TiB', 2 * 1024 ** 4],
  ])('%s → %d bytes', (text, bytes) => {
    expect(parseSizeBytes(text)).toBe(bytes);
  });

  it.each(['unlimited', 'Infinity', 'inf'])('%s → Infinity', (text) => {
    expect(parseSizeBytes(text)).toBe(Number.POSITIVE_INFINITY);
  });

  it.each(['', 'abc', '-5MiB', '0', '5XB', '1e3', 'MiB'])('rejects %j with a ConfigError', (text) => {
    expect(() => parseSizeBytes(text)).toThrow(ConfigError);
  });
});

describe('formatBytes / formatDuration', () => {
  it('formats with binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(24 * 1024 ** 2)).toBe('24.0 MiB');
  });
  it('formats durations', () => {
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(null)).toBe('--:--');
  });
});
