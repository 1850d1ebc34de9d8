/**
 * The batch starter: each upload opens the ledger of the state folder, runs ledger-backed and
 * closes it; notices reach the callback; `forceNew` starts a new video.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ledgerPath, openLedger } from '../../src/ledger/index.js';
import { createLedgerStarter } from '../../src/resume/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { NoticeEvent } from '../../src/upload/types.js';
import { MiB, randomFile, scratchDir } from '../e2e/helpers/engine-helpers.js';
import { tokenSandbox } from './helpers.js';

let sandbox: Sandbox | undefined;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeEach(async () => {
  scratch = await scratchDir();
});
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  await scratch.cleanup();
});

describe('createLedgerStarter', () => {
  it('records uploads in <stateDir>/ledger.db (owner-only), one GET /me per run, notices to the callback', async () => {
    sandbox = await tokenSandbox();
    const stateDir = join(scratch.dir, 'state');
    const notices: [string, NoticeEvent][] = [];
    const start = createLedgerStarter({ stateDir, onNotice: (file, n) => notices.push([file, n]) });
    const a = await randomFile(scratch.dir, 'a.mp4', MiB + 1);
    const b = await randomFile(scratch.dir, 'b.mp4', MiB + 2);
    const options = { token: sandbox.token, apiUrl: sandbox.apiUrl, chunkSizeBytes: MiB };
    const [ra, rb] = await Promise.all([
      start(a.path, options, { forceNew: false }).done,
      start(b.path, options, { forceNew: false }).done,
    ]);
    expect(ra.videoUri).not.toBe(rb.videoUri);
    expect((await sandbox.state()).counters.requests.me).toBe(1);
    expect((await stat(ledgerPath(stateDir))).mode & 0o777).toBe(0o600);

    const again = start(a.path, options, { forceNew: false });
    const seen: string[] = [];
    again.on('notice', (n) => seen.push(n.kind));
    expect((await again.done).videoUri).toBe(ra.videoUri);
    expect(seen).toEqual(['already-verified']);
    expect(notices).toEqual([[a.path, expect.objectContaining({ kind: 'already-verified' })]]);

    const fresh = await start(a.path, options, { forceNew: true }).done;
    expect(fresh.videoUri).not.toBe(ra.videoUri);
    const ledger = await openLedger({ path: ledgerPath(stateDir) });
    expect((await ledger.findByFile(a.path)).map((r) => r.videoUri)).toEqual([fresh.videoUri, ra.videoUri]);
    await ledger.close();
  });
});
