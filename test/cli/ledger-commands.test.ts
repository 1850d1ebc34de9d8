/**
 * The ledger commands as plain functions (list, status, forget) against a real ledger and the
 * sandbox: what they print, their exit codes, and that a corrupt ledger is refused untouched.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LedgerCommandIo } from '../../src/cli/command-support.js';
import { forgetCommand } from '../../src/cli/commands/forget.js';
import { listCommand } from '../../src/cli/commands/list.js';
import { statusCommand } from '../../src/cli/commands/status.js';
import { ConfigError, LedgerError } from '../../src/errors.js';
import { ledgerPath, uploadLockName } from '../../src/ledger/index.js';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import type { Ledger } from '../../src/ledger/types.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { MiB, randomFile, scratchDir } from '../e2e/helpers/engine-helpers.js';
import { sampleRecord } from '../ledger/sample-record.js';
import { ledgerIn, start, tokenSandbox } from '../resume/helpers.js';

let sandbox: Sandbox | undefined;
let ledger: Ledger | undefined;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeEach(async () => {
  scratch = await scratchDir();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await ledger?.close();
  ledger = undefined;
  await sandbox?.close();
  sandbox = undefined;
  await scratch.cleanup();
});

function fakeIo(cwd: string, columns?: number): LedgerCommandIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: {
      ...(columns === undefined ? {} : { columns }),
      write: (s: string) => {
        out += s;
        return true;
      },
    },
    stderr: {
      write: (s: string) => {
        err += s;
        return true;
      },
    },
    env: {},
    cwd,
    now: () => Date.now(),
    out: () => out,
    err: () => err,
  };
}

/** One verified upload and one interrupted one, recorded in the scratch ledger. */
async function twoUploads(box: Sandbox, db: Ledger) {
  const done = await randomFile(scratch.dir, 'done.mp4', MiB + 10);
  const partial = await randomFile(scratch.dir, 'partial.mp4', 3 * MiB);
  const verified = await start(box, done.path, db).upload.done;
  box.setFaults({ throttleBytesPerSecond: 4 * MiB });
  const controller = new AbortController();
  const run = start(box, partial.path, db, { signal: controller.signal });
  run.upload.on('progress', (p) => {
    if (p.bytesAcked >= MiB) controller.abort();
  });
  await run.upload.done.catch(() => undefined);
  box.setFaults({});
  return { done, partial, verified };
}

describe('list', () => {
  it('prints every upload with state, progress, video and age; --json one line each, no upload link', async () => {
    sandbox = await tokenSandbox();
    ledger = await ledgerIn(scratch.dir);
    const { done, partial, verified } = await twoUploads(sandbox, ledger);
    const stateDir = join(scratch.dir, 'state');

    const io = fakeIo(scratch.dir);
    expect(await listCommand({ stateDir }, io)).toBe(0);
    const lines = io.out().trimEnd().split('\n');
    // Aligned columns, no tabs: every row's video starts under VIDEO, its file under FILE.
    expect(io.out()).not.toContain('\t');
    expect(lines[0]).toMatch(/^STATE\s+PROGRESS\s+VIDEO\s+AGE\s+FILE$/);
    expect(lines[1]).toMatch(
      /^uploading \(E_ABORTED\)\s+\d+(\.\d)?% of 3\.0 MiB\s+https:\/\/vimeo\.com\/\d+\s+\d+ s\s+/,
    );
    expect(lines[1]?.endsWith(partial.path)).toBe(true);
    expect(lines[2]).toMatch(new RegExp(`^verified\\s+100% of 1\\.0 MiB\\s+${verified.link}`));
    for (const row of lines.slice(1)) {
      expect(row.indexOf('https://')).toBe(lines[0]?.indexOf('VIDEO'));
      expect(row.indexOf(scratch.dir)).toBe(lines[0]?.indexOf('FILE'));
    }

    // Narrower than the table: one block per record, the link whole on its own line.
    const narrow = fakeIo(scratch.dir, 40);
    await listCommand({ stateDir }, narrow);
    const blocks = narrow.out().trimEnd().split('\n');
    expect(blocks).toEqual([
      partial.path,
      expect.stringMatching(/^ {2}uploading \(E_ABORTED\), \d+(\.\d)?% of 3\.0 MiB, \d+ s ago$/),
      expect.stringMatching(/^ {2}https:\/\/vimeo\.com\/\d+$/),
      done.path,
      expect.stringMatching(/^ {2}verified, 100% of 1\.0 MiB, \d+ s ago$/),
      `  ${verified.link}`,
    ]);

    const json = fakeIo(scratch.dir);
    await listCommand({ stateDir, json: true }, json);
    const rows = json
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => [r.type, r.file, r.state])).toEqual([
      ['upload', partial.path, 'uploading'],
      ['upload', done.path, 'verified'],
    ]);
    expect(rows[1]).toMatchObject({ bytesAcked: done.sizeBytes, bytesTotal: done.sizeBytes, percent: 100 });
    const records = await ledger.list();
    for (const record of records) expect(json.out()).not.toContain(record.uploadLink ?? 'never');
    expect(json.out()).not.toContain(sandbox.token);
  });

  it('with no ledger yet says so and creates none', async () => {
    const stateDir = join(scratch.dir, 'empty-state');
    const io = fakeIo(scratch.dir);
    expect(await listCommand({ stateDir }, io)).toBe(0);
    expect(io.out()).toContain('No uploads recorded');
    await expect(readFile(ledgerPath(stateDir))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a corrupt ledger file: a clear LedgerError, and the file is left exactly as it was', async () => {
    const stateDir = join(scratch.dir, 'bad-state');
    await mkdir(stateDir, { recursive: true });
    const garbage = Buffer.concat([Buffer.from('not a ledger at all\n'), randomBytes(8192)]);
    await writeFile(ledgerPath(stateDir), garbage, { mode: 0o600 });
    const error = await listCommand({ stateDir }, fakeIo(scratch.dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as Error).message).toContain(ledgerPath(stateDir));
    expect((await readFile(ledgerPath(stateDir))).equals(garbage)).toBe(true);
    const forget = await forgetCommand({ target: '/videos/1', stateDir }, fakeIo(scratch.dir)).catch(
      (e: unknown) => e,
    );
    expect(forget).toBeInstanceOf(LedgerError);
    expect((await readFile(ledgerPath(stateDir))).equals(garbage)).toBe(true);
  });
});

describe('status', () => {
  it('says complete for a verified file, and how many bytes are missing for a partial one', async () => {
    sandbox = await tokenSandbox();
    ledger = await ledgerIn(scratch.dir);
    const { done, partial, verified } = await twoUploads(sandbox, ledger);
    const stateDir = join(scratch.dir, 'state');
    const base = { token: sandbox.token, apiUrl: sandbox.apiUrl, stateDir };

    const ok = fakeIo(scratch.dir);
    expect(await statusCommand({ ...base, target: 'done.mp4' }, ok)).toBe(0);
    expect(ok.out()).toContain(`${done.path} → ${verified.link} (${verified.videoUri})`);
    expect(ok.out()).toContain(`complete — all ${done.sizeBytes} bytes`);

    // Records are keyed by the real path: a symlink to the file names the same records.
    await symlink(done.path, join(scratch.dir, 'link-to-done.mp4'));
    const viaLink = fakeIo(scratch.dir);
    expect(await statusCommand({ ...base, target: 'link-to-done.mp4' }, viaLink)).toBe(0);
    expect(viaLink.out()).toContain(`complete — all ${done.sizeBytes} bytes`);

    const stored = (await sandbox.state()).videos.find((v) => v.name === 'partial.mp4')?.storedBytes ?? -1;
    const missing = fakeIo(scratch.dir);
    expect(await statusCommand({ ...base, target: partial.path }, missing)).toBe(6);
    expect(missing.out()).toContain(
      `INCOMPLETE — ${stored} of ${partial.sizeBytes} bytes are on the server; ${partial.sizeBytes - stored} bytes`,
    );
    expect(missing.out()).toContain('vimeo-tus resume');

    const json = fakeIo(scratch.dir);
    const partialUri = (await ledger.findByFile(partial.path))[0]?.videoUri ?? '';
    expect(await statusCommand({ ...base, target: partialUri, json: true }, json)).toBe(6);
    expect(JSON.parse(json.out())).toMatchObject({
      type: 'status',
      file: partial.path,
      videoUri: partialUri,
      complete: false,
      uploadOffset: stored,
      uploadLength: partial.sizeBytes,
      bytesMissing: partial.sizeBytes - stored,
      uploadStatus: 'in_progress',
      ledgerState: 'uploading',
    });
    expect(json.out()).not.toContain(sandbox.token);
  });

  it('a file the ledger does not know is a usage error', async () => {
    sandbox = await tokenSandbox();
    const file = await randomFile(scratch.dir, 'unknown.mp4', 100);
    const error = await statusCommand(
      {
        target: file.path,
        token: sandbox.token,
        apiUrl: sandbox.apiUrl,
        stateDir: join(scratch.dir, 'state'),
      },
      fakeIo(scratch.dir),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
  });
});

describe('forget', () => {
  it('removes the records of a file (the video stays on the server)', async () => {
    sandbox = await tokenSandbox();
    ledger = await ledgerIn(scratch.dir);
    const { done, verified } = await twoUploads(sandbox, ledger);
    const stateDir = join(scratch.dir, 'state');
    const io = fakeIo(scratch.dir);
    expect(await forgetCommand({ target: done.path, stateDir }, io)).toBe(0);
    expect(io.out()).toContain(
      `Removed the ledger's record of ${done.path}, uploaded and verified as ${verified.videoUri}: the video stays on Vimeo.`,
    );
    expect(await ledger.findByFile(done.path)).toEqual([]);
    expect(await ledger.list()).toHaveLength(1);
    expect((await sandbox.state()).videos.map((v) => v.uri)).toContain(verified.videoUri);
    const again = await forgetCommand({ target: done.path, stateDir }, fakeIo(scratch.dir)).catch(
      (e: unknown) => e,
    );
    expect(again).toBeInstanceOf(ConfigError);
  });

  it('by video URI, and refuses while that upload holds its lock', async () => {
    sandbox = await tokenSandbox();
    ledger = await ledgerIn(scratch.dir);
    const { partial } = await twoUploads(sandbox, ledger);
    const stateDir = join(scratch.dir, 'state');
    const [record] = await ledger.findByFile(partial.path);
    if (!record?.videoUri) throw new Error('no record');
    const { uploadLockName } = await import('../../src/ledger/index.js');
    const owner = { pid: process.pid, hostname: (await import('node:os')).hostname(), instanceId: 'other' };
    expect(await ledger.tryLock(uploadLockName(record), owner)).toBe(true);
    const locked = await forgetCommand({ target: record.videoUri, stateDir }, fakeIo(scratch.dir)).catch(
      (e: unknown) => e,
    );
    expect(locked).toMatchObject({ code: 'E_UPLOAD_LOCKED' });
    await ledger.unlock(uploadLockName(record), owner);
    const json = fakeIo(scratch.dir);
    expect(await forgetCommand({ target: record.videoUri, stateDir, json: true }, json)).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject({
      type: 'forgotten',
      id: record.id,
      videoUri: record.videoUri,
    });
    expect(await ledger.get(record.id)).toBeUndefined();
  });

  it('removes a record only while holding its upload lock (no upload can take it meanwhile)', async () => {
    sandbox = await tokenSandbox();
    ledger = await ledgerIn(scratch.dir);
    const { partial } = await twoUploads(sandbox, ledger);
    const [record] = await ledger.findByFile(partial.path);
    if (!record) throw new Error('no record');
    const db = ledger;
    const someoneElse = { pid: process.pid, hostname: hostname(), instanceId: 'an upload starting now' };
    const lockFreeDuringRemove: boolean[] = [];
    const remove = SqliteLedger.prototype.remove;
    vi.spyOn(SqliteLedger.prototype, 'remove').mockImplementation(async function (this: SqliteLedger, id) {
      // What an upload starting at this very moment would try (through another connection).
      const took = await db.tryLock(uploadLockName(record), someoneElse);
      if (took) await db.unlock(uploadLockName(record), someoneElse);
      lockFreeDuringRemove.push(took);
      return remove.call(this, id);
    });
    const io = fakeIo(scratch.dir);
    expect(await forgetCommand({ target: partial.path, stateDir: join(scratch.dir, 'state') }, io)).toBe(0);
    expect(lockFreeDuringRemove).toEqual([false]);
    expect(await ledger.findByFile(partial.path)).toEqual([]);
    // Released afterwards: the next upload of the file can start.
    expect(await ledger.tryLock(uploadLockName(record), someoneElse)).toBe(true);
  });

  it('refuses a record still "creating" (a video may exist), saying what to do; --force forgets it', async () => {
    ledger = await ledgerIn(scratch.dir);
    const file = await randomFile(scratch.dir, 'lost-answer.mp4', 1000);
    const requestedAt = Date.UTC(2025, 0, 2, 3, 4, 5);
    const record = await ledger.insert(
      sampleRecord({
        filePath: file.path,
        fileSize: file.sizeBytes,
        videoName: 'lost-answer',
        createRequestedAt: requestedAt,
      }),
    );
    const stateDir = join(scratch.dir, 'state');
    const refused = await forgetCommand({ target: file.path, stateDir }, fakeIo(scratch.dir)).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ConfigError);
    const message = (refused as Error).message;
    expect(message).toContain('still "creating"');
    expect(message).toContain('2025-01-02T03:04:05.000Z');
    expect(message).toContain('named "lost-answer"');
    expect(message).toContain('vimeo-tus resume');
    expect(message).toContain('--force');
    expect(await ledger.get(record.id)).toBeDefined();

    // Known URI: named in the refusal.
    await ledger.update(record.id, { videoUri: '/videos/777' });
    const named = await forgetCommand({ target: file.path, stateDir }, fakeIo(scratch.dir)).catch(
      (e: unknown) => e,
    );
    expect((named as Error).message).toContain('/videos/777');

    const io = fakeIo(scratch.dir);
    expect(await forgetCommand({ target: file.path, stateDir, force: true }, io)).toBe(0);
    expect(io.out()).toContain("Removed the ledger's record of");
    expect(await ledger.get(record.id)).toBeUndefined();
  });
});
