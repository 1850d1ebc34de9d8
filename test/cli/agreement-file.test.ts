/**
 * The CLI keeps what its process learned of the API's agreement time in the state folder
 * (src/cli/agreement-file.ts): unit tests of the file, and two runs of the built binary in a row
 * against one sandbox, where the second does not learn the host again (request
 * counts from the sandbox; no timing is asserted).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { agreementFilePath, loadAgreementTimes, saveAgreementTimes } from '../../src/cli/agreement-file.js';
import { AgreementTimes } from '../../src/upload/agreement-times.js';
import { randomFile } from '../e2e/helpers/engine-helpers.js';
import { tokenSandbox, useResumeFixture } from '../resume/helpers.js';
import { buildDist, parseEvents, runBin } from './helpers/spawn-cli.js';

const fx = useResumeFixture();

describe('the agreement file', () => {
  it('round-trips what a process learned, per API URL, merged with the hosts already in the file', async () => {
    const stateDir = join(fx.dir, 'state');
    await mkdir(stateDir);
    const first = new AgreementTimes();
    first.note('https://a.example', { disagreedAtMs: 100, agreedAtMs: 104 });
    await saveAgreementTimes(stateDir, first, () => 1_000);
    const second = new AgreementTimes();
    second.note('https://b.example', { agreedAtMs: 40 });
    await saveAgreementTimes(stateDir, second, () => 2_000);

    const later = new AgreementTimes();
    await loadAgreementTimes(stateDir, later);
    expect(later.knownAgreeingMs('https://a.example')).toBe(104);
    expect(later.knownAgreeingMs('https://b.example')).toBe(40);
    // The first read after a taken-up bracket: at its upper edge plus the margin, no learning.
    expect(later.firstReadMs('https://a.example')).toBe(114);
  });

  it('a missing, malformed or nonsensical file means "learn again", never an error', async () => {
    const stateDir = join(fx.dir, 'state');
    await mkdir(stateDir);
    const memory = new AgreementTimes();
    await loadAgreementTimes(stateDir, memory); // no file yet
    for (const text of [
      '{not json',
      '{"version":2,"hosts":{"https://a.example":{"lowMs":0,"highMs":50,"lowSinceMs":0}}}',
      '{"version":1,"hosts":{"https://a.example":{"lowMs":80,"highMs":50,"lowSinceMs":0}}}',
      '{"version":1,"hosts":{"https://a.example":{"lowMs":0,"highMs":"50","lowSinceMs":0}}}',
      '{"version":1,"hosts":{"https://a.example":null}}',
      'null',
    ]) {
      await writeFile(agreementFilePath(stateDir), text);
      await loadAgreementTimes(stateDir, memory);
      expect(memory.firstReadMs('https://a.example'), text).toBeUndefined();
    }
    // Saving over a malformed file replaces its bad entries rather than failing.
    await writeFile(
      agreementFilePath(stateDir),
      '{"version":1,"hosts":{"https://x.example":null,"https://y.example":7}}',
    );
    const learned = new AgreementTimes();
    learned.note('https://a.example', { agreedAtMs: 30 });
    await saveAgreementTimes(stateDir, learned);
    const saved = JSON.parse(await readFile(agreementFilePath(stateDir), 'utf8')) as {
      hosts: Record<string, unknown>;
    };
    expect(Object.keys(saved.hosts)).toEqual(['https://a.example']);
  });

  it('never replaces what this process learned itself, and keeps at most 16 hosts', async () => {
    const stateDir = join(fx.dir, 'state');
    await mkdir(stateDir);
    const many = new AgreementTimes();
    for (let i = 0; i < 20; i += 1) many.note(`https://h${i}.example`, { agreedAtMs: 10 + i });
    await saveAgreementTimes(stateDir, many);
    const saved = JSON.parse(await readFile(agreementFilePath(stateDir), 'utf8')) as {
      hosts: Record<string, unknown>;
    };
    expect(Object.keys(saved.hosts)).toHaveLength(16);

    const own = new AgreementTimes();
    own.note('https://h19.example', { agreedAtMs: 500 });
    await loadAgreementTimes(stateDir, own);
    expect(own.knownAgreeingMs('https://h19.example')).toBe(500);
  });
});

describe('two commands in a row through the binary', () => {
  beforeAll(async () => {
    await buildDist();
  }, 180_000);

  it('the second upload takes up the time the first learned instead of learning again', async () => {
    // A long delay, so that learning it takes many reads (every 25 ms, then a quarter of the time
    // waited: ~15 for 1 s, ~8 when a loaded machine answers each in ~60 ms) and taking it up a few.
    const box = fx.keep(await tokenSandbox({ uploadCompleteDelayMs: 1_000 }));
    await randomFile(fx.dir, 'a.mp4', 40_000);
    await randomFile(fx.dir, 'b.mp4', 40_000);
    const env = {
      VIMEO_API_URL: box.apiUrl,
      VIMEO_TOKEN: box.token,
      VIMEO_TUS_STATE_DIR: join(fx.dir, 'state'),
    };
    const gets = async (): Promise<number> =>
      (await box.state({ hashes: false })).counters.requests['get-video'] ?? 0;

    const first = await runBin(['upload', 'a.mp4', '--json'], { cwd: fx.dir, env }).done;
    expect(first.code, first.stderr).toBe(0);
    const learning = await gets();
    expect(learning).toBeGreaterThan(5); // a fresh process learns, reading again and again
    expect(await readFile(agreementFilePath(env.VIMEO_TUS_STATE_DIR), 'utf8')).not.toContain(box.token);

    const second = await runBin(['upload', 'b.mp4', '--json'], { cwd: fx.dir, env }).done;
    expect(second.code, second.stderr).toBe(0);
    expect(parseEvents(second.stdout).find((e) => e.type === 'verified')).toMatchObject({
      uploadStatus: 'complete',
    });
    // Not learning again: a probe below the learned time while the bracket is wide, the read at it,
    // and on a loaded machine a read or two after the margin (seen: 5 with a 300 ms delay).
    const reads = (await gets()) - learning;
    expect(reads, `learning ${learning}, then ${reads}`).toBeLessThanOrEqual(5);
    expect(reads, `learning ${learning}, then ${reads}`).toBeLessThan(learning);
  });
});
