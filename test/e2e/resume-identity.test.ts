/**
 * Which upload a file is, and what happens when the ledger cannot be written: the ledger keys an
 * upload by the file's real path (a symlink, `..` segments and the absolute path are one
 * upload), and an unwritable ledger stops the upload before a video exists, or, when it fails
 * after the create call, leaves a record the next run recovers without a second video.
 */
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFiles } from '../../src/cli/files.js';
import { LedgerError } from '../../src/errors.js';
import { ledgerPath } from '../../src/ledger/index.js';
import { failingLedger } from '../resume/failing-ledger.js';
import { ledgerIn, start, tokenSandbox, useResumeFixture } from '../resume/helpers.js';
import { MiB, randomFile } from './helpers/engine-helpers.js';

const fx = useResumeFixture();

describe('one file, however it is named', () => {
  it('an upload started through a symlink is resumed through the real path and re-checked through `..`', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    await mkdir(join(fx.dir, 'media', 'sub'), { recursive: true });
    const file = await randomFile(join(fx.dir, 'media'), 'talk.mp4', 3 * MiB + 1);
    const link = join(fx.dir, 'shortcut.mp4');
    await symlink(file.path, link);

    sandbox.setFaults({ throttleBytesPerSecond: 4 * MiB });
    const controller = new AbortController();
    const first = start(sandbox, link, ledger, { signal: controller.signal });
    first.upload.on('progress', (p) => {
      if (p.bytesAcked >= MiB) controller.abort();
    });
    await first.upload.done.catch(() => undefined);
    sandbox.setFaults({});
    const [recorded] = await ledger.list();
    expect(recorded?.filePath).toBe(file.path);

    const again = start(sandbox, file.path, ledger);
    const result = await again.upload.done;
    expect(again.notices.map((n) => n.kind)).toEqual(['resumed']);
    expect(result.videoUri).toBe(recorded?.videoUri);

    const dotted = join(fx.dir, 'media', 'sub', '..', 'talk.mp4');
    const third = start(sandbox, dotted, ledger);
    expect((await third.upload.done).videoUri).toBe(result.videoUri);
    expect(third.notices.map((n) => n.kind)).toEqual(['already-verified']);
    const state = await sandbox.state();
    expect(state.counters.videosCreated).toBe(1);
    expect(state.videos[0]?.sha256).toBe(file.sha256);
    expect(await ledger.list()).toHaveLength(1);
  });

  it('the CLI plans one upload for a file named three ways', async () => {
    const file = await randomFile(fx.dir, 'a.mp4', 10);
    await symlink(file.path, join(fx.dir, 'b.mp4'));
    const planned = await planFiles(['a.mp4', 'b.mp4', file.path], {
      cwd: fx.dir,
      include: () => true,
    });
    expect(planned.map((p) => p.display)).toEqual(['a.mp4']);
  });
});

describe('an unwritable ledger (its writes throw)', () => {
  it('refuses the upload with a LedgerError before any video is created (record writes refused)', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const failing = failingLedger(ledger, ledgerPath(join(fx.dir, 'state')));
    failing.failing = new Set(['insert', 'update']);
    const file = await randomFile(fx.dir, 'ro.mp4', MiB);
    const run = start(sandbox, file.path, failing.ledger);
    const error = await run.upload.done.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).message).toMatch(/not writable/);
    expect(failing.refused()).toBeGreaterThan(0);
    const state = await sandbox.state({ hashes: false });
    expect(state.counters.createCalls).toBe(0);
    expect(state.videos).toHaveLength(0);
  });

  it('refuses the upload with a LedgerError before any video is created (every write refused, the lock too)', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const failing = failingLedger(ledger, ledgerPath(join(fx.dir, 'state')));
    failing.failing = new Set(['insert', 'update', 'remove', 'tryLock', 'refreshLock', 'unlock']);
    const file = await randomFile(fx.dir, 'ro.mp4', MiB);
    await expect(start(sandbox, file.path, failing.ledger).upload.done).rejects.toBeInstanceOf(LedgerError);
    const state = await sandbox.state({ hashes: false });
    expect(state.counters.createCalls).toBe(0);
    expect(state.videos).toHaveLength(0);
  });

  it('failing right after the create call, it leaves a record the next run recovers: no second video', async () => {
    const sandbox = fx.keep(await tokenSandbox());
    const ledger = fx.keep(await ledgerIn(fx.dir));
    const failing = failingLedger(ledger, ledgerPath(join(fx.dir, 'state')));
    failing.failing = new Set(['update']);
    const file = await randomFile(fx.dir, 'late.mp4', 2 * MiB + 3);
    await expect(start(sandbox, file.path, failing.ledger).upload.done).rejects.toBeInstanceOf(LedgerError);
    expect((await sandbox.state({ hashes: false })).counters.videosCreated).toBe(1);

    failing.failing = new Set();
    const again = start(sandbox, file.path, failing.ledger);
    const result = await again.upload.done;
    expect(again.notices.map((n) => n.kind)).toEqual(['adopted', 'resumed']);
    const state = await sandbox.state();
    expect(state.counters.videosCreated).toBe(1);
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]?.uri).toBe(result.videoUri);
    expect(state.videos[0]?.sha256).toBe(file.sha256);
  });
});
