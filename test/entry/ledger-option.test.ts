/**
 * `createUpload(path, { ledger: true, stateDir })`: each upload opens the SQLite ledger of the state
 * folder, runs ledger-backed and closes it; one `GET /me` per token for the process; `newUpload`
 * starts a new video; `replaceVideo` with a ledger records a version of the same video.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createUpload } from '../../src/entry/create-upload.js';
import { ledgerPath, openLedger } from '../../src/ledger/index.js';
import { MiB, randomFile } from '../e2e/helpers/engine-helpers.js';
import { tokenSandbox, useResumeFixture } from '../resume/helpers.js';

const fx = useResumeFixture();

describe('ledger: true', () => {
  it('records uploads in <stateDir>/ledger.db (owner-only), one GET /me per process and token, notices on the handle', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const stateDir = join(fx.dir, 'state');
    const a = await randomFile(fx.dir, 'a.mp4', MiB + 1);
    const b = await randomFile(fx.dir, 'b.mp4', MiB + 2);
    const options = {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      chunkSizeBytes: MiB,
      ledger: true,
      stateDir,
    };
    const [ra, rb] = await Promise.all([
      createUpload(a.path, options).done,
      createUpload(b.path, options).done,
    ]);
    expect(ra.videoUri).not.toBe(rb.videoUri);
    expect((await sandbox.state()).counters.requests.me).toBe(1);
    expect((await stat(ledgerPath(stateDir))).mode & 0o777).toBe(0o600);

    const again = createUpload(a.path, options);
    const seen: string[] = [];
    again.on('notice', (n) => seen.push(n.kind));
    expect((await again.done).videoUri).toBe(ra.videoUri);
    expect(seen).toEqual(['already-verified']);
    expect((await sandbox.state()).counters.createCalls).toBe(2);

    const fresh = await createUpload(a.path, { ...options, newUpload: true }).done;
    expect(fresh.videoUri).not.toBe(ra.videoUri);
    const ledger = await openLedger({ path: ledgerPath(stateDir) });
    expect((await ledger.findByFile(a.path)).map((r) => r.videoUri)).toEqual([fresh.videoUri, ra.videoUri]);
    await ledger.close();
  });
});
