import { describe, expect, it } from 'vitest';
import { errnoCode } from '../../src/core/errno.js';

describe('errnoCode', () => {
  it('returns the string code of a system error, undefined otherwise', () => {
    expect(errnoCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(errnoCode(Object.assign(new Error('x'), { code: 42 }))).toBeUndefined();
    expect(errnoCode(new Error('plain'))).toBeUndefined();
    expect(errnoCode({ code: 'EACCES' })).toBeUndefined();
    expect(errnoCode(undefined)).toBeUndefined();
  });
});
