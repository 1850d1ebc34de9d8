/**
 * The token help names every scope the ledger-backed upload uses: `delete` too, since cleaning
 * up a crashed create's placeholder is a DELETE (refused without that scope).
 */
import { describe, expect, it } from 'vitest';
import { TOKEN_HELP } from '../../src/config/cli-config.js';

describe('TOKEN_HELP', () => {
  it('lists the upload, edit and delete scopes', () => {
    const scopes = /scopes: ([^)]*)\)/.exec(TOKEN_HELP)?.[1] ?? '';
    for (const scope of ['upload', 'edit', 'delete']) expect(scopes).toMatch(new RegExp(`\\b${scope}\\b`));
  });
});
