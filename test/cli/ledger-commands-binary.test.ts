/**
 * The ledger through the built binary against the sandbox: list, status, resume and forget on an
 * interrupted upload; a changed file refused until --new; two processes on one file; a corrupt
 * ledger file refused with a clear message and left untouched.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ledgerPath, openLedger } from '../../src/ledger/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { MiB, randomFile, scratchDir } from '../e2e/helpers/engine-helpers.js';
import { tokenSandbox } from '../resume/helpers.js';
import { buildDist, parseEvents, runBin } from './helpers/spawn-cli.js';

let sandbox: Sandbox | undefined;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  await buildDist();
}, 180_000);
beforeEach(async () => {
  scratch = await scratchDir();
});
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  await scratch.cleanup();
});

function env(box: Sandbox): Record<string, string> {
  return {
    VIMEO_API_URL: box.apiUrl,
    VIMEO_TOKEN: box.token,
    VIMEO_TUS_STATE_DIR: join(scratch.dir, 'state'),
  };
}

function bin(box: Sandbox, args: readonly string[]) {
  return runBin(args, { cwd: scratch.dir, env: env(box) });
}

describe('ledger commands through the binary', () => {
  it('an upload killed mid-way: list and status show it partial, resume finishes it on the same video, forget removes it', async () => {
    sandbox = await tokenSandbox({ faults: { throttleBytesPerSecond: 4 * MiB } });
    const file = await randomFile(scratch.dir, 'clip.mp4', 3 * MiB + 99);
    const first = bin(sandbox, ['upload', 'clip.mp4', '--chunk-size', '1MiB', '--json']);
    await first.waitForLine((line) => line.includes('"created"'));
    // Killed once the server holds a part of the file (polling the sandbox, not sleeping).
    while (((await sandbox.state({ hashes: false })).videos[0]?.storedBytes ?? 0) < MiB) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    first.child.kill('SIGKILL');
    await first.done;

    const listed = await bin(sandbox, ['list', '--json']).done;
    expect(listed.code).toBe(0);
    const [row] = parseEvents(listed.stdout);
    expect(row).toMatchObject({ type: 'upload', file: file.path, state: 'uploading' });
    expect(listed.stdout).not.toContain(sandbox.token);

    const partial = await bin(sandbox, ['status', 'clip.mp4']).done;
    expect(partial.code).toBe(6);
    expect(partial.stdout).toMatch(
      /INCOMPLETE — \d+ of \d+ bytes are on the server; \d+ bytes .* are missing\./,
    );

    sandbox.setFaults({});
    const resumed = await bin(sandbox, ['resume', '--json']).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    const verified = parseEvents(resumed.stdout).find((e) => e.type === 'verified');
    expect(verified).toMatchObject({ video: row?.videoUri, resumed: true });
    // The ledger's notice is an NDJSON event on stdout (nothing on stderr but fatal messages).
    expect(parseEvents(resumed.stdout).find((e) => e.type === 'notice')).toMatchObject({
      kind: 'resumed',
      file: file.path,
      video: row?.videoUri,
    });
    expect(String(parseEvents(resumed.stdout).find((e) => e.type === 'notice')?.message)).toContain(
      'Continuing the earlier upload of clip.mp4',
    );
    const state = await sandbox.state();
    expect(state.counters.createCalls).toBe(1);
    expect(state.videos[0]?.sha256).toBe(file.sha256);

    const complete = await bin(sandbox, ['status', String(row?.videoUri), '--json']).done;
    expect(complete.code).toBe(0);
    expect(JSON.parse(complete.stdout)).toMatchObject({
      complete: true,
      bytesMissing: 0,
      ledgerState: 'verified',
    });

    const nothing = await bin(sandbox, ['resume']).done;
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('Nothing to resume');

    const forgotten = await bin(sandbox, ['forget', 'clip.mp4']).done;
    expect(forgotten.code).toBe(0);
    expect(forgotten.stdout).toContain('stays on Vimeo');
    expect((await bin(sandbox, ['list', '--json']).done).stdout).toBe('');
    expect((await sandbox.state()).videos).toHaveLength(1);
  });

  it('a file changed since its upload: exit 2 naming --new; with --new a new video', async () => {
    sandbox = await tokenSandbox();
    await randomFile(scratch.dir, 'talk.mp4', MiB + 1);
    expect((await bin(sandbox, ['upload', 'talk.mp4', '--chunk-size', '1MiB']).done).code).toBe(0);
    const again = await bin(sandbox, ['upload', 'talk.mp4']).done;
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/\[talk\.mp4\] already-verified: .*already uploaded and verified/);
    await randomFile(scratch.dir, 'talk.mp4', MiB + 2);
    const refused = await bin(sandbox, ['upload', 'talk.mp4', '--json']).done;
    expect(refused.code).toBe(2);
    const error = parseEvents(refused.stdout).find((e) => e.type === 'error');
    expect(error).toMatchObject({ code: 'E_FILE_MODIFIED_SINCE_LEDGER' });
    expect(String(error?.message)).toContain('--new');
    expect((await bin(sandbox, ['upload', 'talk.mp4', '--new']).done).code).toBe(0);
    expect((await sandbox.state()).counters.createCalls).toBe(2);
  });

  it('two processes uploading one file: one verifies, the other (and forget) get E_UPLOAD_LOCKED', async () => {
    // The first holds its lock until the test lets "processing" end (--wait): it cannot finish
    // before the others have been refused, however slowly they start.
    sandbox = await tokenSandbox({ transcodeDelayMs: 3_600_000 });
    const file = await randomFile(scratch.dir, 'same.mp4', 3 * MiB);
    const a = bin(sandbox, ['upload', 'same.mp4', '--chunk-size', '1MiB', '--json', '--wait']);
    await a.waitForLine((line) => line.includes('"created"'));
    // Refused while the first holds the lock: NDJSON, plain lines, and forget.
    const [b, plain, forget] = await Promise.all([
      bin(sandbox, ['upload', 'same.mp4', '--chunk-size', '1MiB', '--json']).done,
      bin(sandbox, ['upload', 'same.mp4', '--chunk-size', '1MiB']).done,
      bin(sandbox, ['forget', 'same.mp4']).done,
    ]);
    expect(a.child.exitCode).toBeNull();
    expect(b.code).toBe(7);
    const events = parseEvents(b.stdout);
    expect(events.find((e) => e.type === 'error')).toMatchObject({ code: 'E_UPLOAD_LOCKED' });
    expect(b.stdout).toMatch(/already being uploaded by pid \d+ on host/);
    expect(b.stdout).toContain('check `vimeo-tus list`');
    expect(events.at(-1)).toMatchObject({ type: 'summary', exitCode: 7 });
    expect(String(events.at(-1)?.resumeHint)).toMatch(/wait for it to finish/);
    expect(plain.code).toBe(7);
    expect(plain.stdout).toContain('Another vimeo-tus process is uploading the same file');
    expect(forget.code).toBe(7);
    expect(forget.stderr).toMatch(/being uploaded right now by pid \d+ .*nothing was forgotten/);
    sandbox.setOptions({ transcodeDelayMs: 0 });
    expect((await a.done).code).toBe(0);
    const state = await sandbox.state();
    expect(state.counters.createCalls).toBe(1);
    expect(state.videos[0]?.sha256).toBe(file.sha256);
    expect(parseEvents((await bin(sandbox, ['list', '--json']).done).stdout)).toMatchObject([
      { file: file.path, state: 'processed' },
    ]);
  });

  it('resume skips unfinished uploads of another account (and says so), creating nothing', async () => {
    sandbox = await tokenSandbox();
    const file = await randomFile(scratch.dir, 'theirs.mp4', MiB);
    const ledger = await openLedger({ path: ledgerPath(join(scratch.dir, 'state')) });
    await ledger.insert({
      filePath: file.path,
      fileSize: file.sizeBytes,
      fileMtimeMs: 1,
      fingerprint: 'v1:x',
      apiUrl: sandbox.apiUrl,
      accountUri: '/users/999',
      videoName: 'theirs',
      videoUri: null,
      videoLink: null,
      uploadLink: null,
      ackedBytes: 0,
      state: 'creating',
      errorCode: null,
      errorMessage: null,
      createRequestedAt: 1,
    });
    await ledger.close();
    const resumed = await bin(sandbox, ['resume']).done;
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(
      '1 unfinished upload(s) belong to another account or API and were skipped',
    );
    const state = await sandbox.state();
    expect(state.counters.createCalls).toBe(0);
    expect(state.counters.requests['list-videos'] ?? 0).toBe(0);
  });

  it('a corrupt ledger file: a clear error naming it, nothing uploaded, the file untouched', async () => {
    sandbox = await tokenSandbox();
    await randomFile(scratch.dir, 'x.mp4', MiB);
    const stateDir = join(scratch.dir, 'state');
    await mkdir(stateDir, { recursive: true });
    const garbage = Buffer.concat([Buffer.from('definitely not sqlite\n'), randomBytes(4096)]);
    await writeFile(ledgerPath(stateDir), garbage, { mode: 0o600 });
    const upload = await bin(sandbox, ['upload', 'x.mp4']).done;
    expect(upload.code).not.toBe(0);
    expect(`${upload.stdout}${upload.stderr}`).toContain(ledgerPath(stateDir));
    const list = await bin(sandbox, ['list']).done;
    expect(list.code).not.toBe(0);
    expect(list.stderr).toContain(ledgerPath(stateDir));
    expect(list.stderr).toContain('[E_LEDGER]');
    expect((await readFile(ledgerPath(stateDir))).equals(garbage)).toBe(true);
    expect((await sandbox.state()).counters.createCalls).toBe(0);
  });
});
