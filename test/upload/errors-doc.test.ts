import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { exitCodeForError } from '../../src/cli/exit-codes.js';
import type { ErrorCode } from '../../src/errors.js';
import { VimeoTusError } from '../../src/errors.js';

async function text(relative: string): Promise<string> {
  return readFile(new URL(relative, import.meta.url), 'utf8');
}

describe('docs/errors.md', () => {
  it('has one row per ErrorCode of src/errors.ts, with the CLI exit code it really gets', async () => {
    const source = await text('../../src/errors.ts');
    // ErrorCode and the per-class unions it is made of.
    const unions = [...source.matchAll(/export type \w*Code =([^;]+);/g)].map((m) => m[1]).join('\n');
    const codes = [...new Set([...unions.matchAll(/'(E_[A-Z_]+)'/g)].map((m) => m[1] as ErrorCode))];
    expect(codes.length).toBeGreaterThan(20);
    const rows = new Map<string, string[]>();
    for (const line of (await text('../../docs/errors.md')).split('\n')) {
      const cells = line.split('|').map((c) => c.trim());
      const code = /^`(E_[A-Z_]+)`$/.exec(cells[1] ?? '')?.[1];
      if (code) rows.set(code, cells.slice(1, -1));
    }
    expect([...rows.keys()].sort()).toEqual([...codes].sort());
    for (const code of codes) {
      const exit = rows.get(code)?.at(-1);
      expect(exit, code).toBe(String(exitCodeForError(new VimeoTusError(code, 'x'))));
    }
  });
});
