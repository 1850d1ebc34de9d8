/**
 * The file you verified is the file you have (issue 11): a file edited in place between runs,
 * with its modification time put back (`touch -r`), keeps its size, its mtime and its first and
 * last MiB; its change time (and, for a copy put in its place, its inode) does not. Resuming such
 * a file would mix two files in one video: it is refused unless a new upload is asked for.
 */
import { execFileSync } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { VimeoTusError } from '../../src/errors.js';
import { ledgerIn, start, tokenSandbox, useResumeFixture } from '../resume/helpers.js';
import { MiB, randomFile } from './helpers/engine-helpers.js';

const fx = useResumeFixture();

/** Overwrites a few bytes in the middle (outside the fingerprinted ends), then puts the times back. */
async function editInPlaceKeepingTimes(path: string, at: number): Promise<void> {
  const before = await stat(path);
  const reference = `${path}.times`;
  execFileSync('touch', ['-r', path, reference]); // remember the times, to the nanosecond
  const handle = await open(path, 'r+');
  try {
    await handle.write(Buffer.from('EDITED IN PLACE'), 0, 15, at);
  } finally {
    await handle.close();
  }
  execFileSync('touch', ['-r', reference, path]); // and put them back, as users do
  const after = await stat(path);
  expect(after.mtimeMs).toBe(before.mtimeMs);
  expect(after.size).toBe(before.size);
}

/** A ledger-backed upload of a new file of `sizeBytes`, stopped once 1 MiB was acknowledged. */
async function interruptedUpload(sizeBytes: number) {
  const sandbox = fx.keep(await tokenSandbox());
  const ledger = fx.keep(await ledgerIn(fx.dir));
  const file = await randomFile(fx.dir, 'talk.mp4', sizeBytes);
  sandbox.setFaults({ throttleBytesPerSecond: 4 * MiB });
  const controller = new AbortController();
  const first = start(sandbox, file.path, ledger, { signal: controller.signal });
  first.upload.on('progress', (p) => {
    if (p.bytesAcked >= MiB) controller.abort();
  });
  await first.upload.done.catch(() => undefined);
  sandbox.setFaults({});
  return { sandbox, ledger, file };
}

describe('an in-place edit with its mtime restored, between two runs', () => {
  it('is refused on resume (E_FILE_MODIFIED_SINCE_LEDGER, nothing sent); a new upload of it works', async () => {
    const { sandbox, ledger, file } = await interruptedUpload(4 * MiB + 5);
    const [recorded] = await ledger.list();
    expect(recorded?.state).toBe('uploading');

    // Bytes past what the server holds, inside neither fingerprinted end.
    await editInPlaceKeepingTimes(file.path, 2 * MiB + 100);
    const patchesBefore = (await sandbox.state({ hashes: false })).counters.requests.patch ?? 0;
    const again = start(sandbox, file.path, ledger);
    const error = (await again.upload.done.catch((e: unknown) => e)) as VimeoTusError;
    expect(error.code).toBe('E_FILE_MODIFIED_SINCE_LEDGER');
    expect(error.message).toContain('change time');
    const after = await sandbox.state({ hashes: false });
    expect(after.counters.requests.patch ?? 0).toBe(patchesBefore);
    expect(after.counters.videosCreated).toBe(1);

    // Asked for explicitly, a new upload of the edited file goes through, as another video.
    const fresh = start(sandbox, file.path, ledger, { newUpload: true });
    const result = await fresh.upload.done;
    expect(result.videoUri).not.toBe(recorded?.videoUri);
    expect((await sandbox.state()).counters.videosCreated).toBe(2);
  });

  it('an untouched file still resumes (its stamp is the same)', async () => {
    const { sandbox, ledger, file } = await interruptedUpload(3 * MiB + 1);
    const again = start(sandbox, file.path, ledger);
    const result = await again.upload.done;
    expect(again.notices.map((n) => n.kind)).toEqual(['resumed']);
    expect((await sandbox.state()).videos[0]?.sha256).toBe(file.sha256);
    expect(result.resumed).toBe(true);
  });
});
