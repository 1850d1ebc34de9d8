import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorEnabled } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { NetworkError, VimeoApiError } from '../../src/errors.js';
import { requireVideoUri, videoUriIn } from '../../src/vimeo/video-uri.js';
import { type FakeScript, fakeEngine } from './helpers/fake-engine.js';
import { CONTROL_CHARS, fakeIo } from './helpers/fake-io.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vimeo-tus-run-'));
  await writeFile(path.join(dir, 'one.mp4'), Buffer.alloc(3000, 1));
  await writeFile(path.join(dir, 'two.mp4'), Buffer.alloc(5000, 2));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const TOKEN = 'tok-SECRET-9876';

async function cli(
  args: string[],
  scriptFor: (f: string) => FakeScript = () => ({}),
  env: Record<string, string> = { VIMEO_TOKEN: TOKEN },
) {
  const engine = fakeEngine(scriptFor);
  const io = fakeIo({
    // The ledger of this test's folder, never the user's.
    env: { VIMEO_TUS_STATE_DIR: path.join(dir, 'state'), ...env },
    cwd: dir,
    start: engine.start,
    files: { [path.join(dir, 'tokenfile')]: 'from-file-token\n' },
  });
  const code = await runCli(args, io, { version: '9.8.7' });
  return { code, out: io.stdout.text(), err: io.stderr.text(), engine };
}

describe('runCli (fake engine)', () => {
  it('--version and --help exit 0', async () => {
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.out.trim()).toBe('9.8.7');
    const help = await cli(['upload', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Examples:');
    expect(help.out).toContain('--chunk-size');
  });

  it('uploads two files and passes the flags to the engine', async () => {
    const r = await cli([
      'upload',
      'one.mp4',
      'two.mp4',
      '--chunk-size',
      '5MiB',
      '--privacy',
      'unlisted',
      '--wait',
      '--description',
      'd',
    ]);
    expect(r.code).toBe(0);
    expect(r.engine.calls).toHaveLength(2);
    expect(r.engine.calls[0]?.options).toMatchObject({
      token: TOKEN,
      apiUrl: 'https://api.vimeo.com',
      chunkSizeBytes: 5 * 1024 ** 2,
      waitForProcessing: true,
      video: { name: 'one', description: 'd', privacy: { view: 'unlisted' } },
      newUpload: false,
    });
    // One ledger (the state folder's) records the whole batch; --new and --no-ledger are passed on.
    const ledger = r.engine.calls[0]?.options.ledger;
    expect(typeof ledger).toBe('object');
    expect(r.engine.calls[1]?.options.ledger).toBe(ledger);
    expect((await cli(['upload', 'one.mp4', '--new'])).engine.calls[0]?.options.newUpload).toBe(true);
    const unrecorded = (await cli(['upload', 'one.mp4', '--no-ledger'])).engine.calls[0]?.options;
    expect(unrecorded?.ledger).toBeUndefined();
    expect(r.out).toContain('2 of 2 verified');
    expect(r.out).not.toMatch(CONTROL_CHARS);
    expect(r.out + r.err).not.toContain(TOKEN);
  });

  it('reads --token-file in preference to VIMEO_TOKEN', async () => {
    const r = await cli(['upload', 'one.mp4', '--token-file', path.join(dir, 'tokenfile')]);
    expect(r.code).toBe(0);
    expect(r.engine.calls[0]?.options.token).toBe('from-file-token');
  });

  it('bad input exits 2: bad size, bad privacy, --name with several files, unknown option', async () => {
    for (const args of [
      ['upload', 'one.mp4', '--chunk-size', 'lots'],
      ['upload', 'one.mp4', '--chunk-size', '100KiB'],
      ['upload', 'one.mp4', '--privacy', 'everyone'],
      ['upload', 'one.mp4', 'two.mp4', '--name', 'x'],
      ['upload', 'one.mp4', '--token', 'x'],
      ['upload', 'one.mp4', '--concurrency', '0'],
      ['replace', 'not-a-video', 'one.mp4'],
      ['frobnicate'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.length, args.join(' ')).toBeGreaterThan(0);
      expect(r.engine.calls).toHaveLength(0);
    }
  });

  it('a token typed as a flag is never echoed; the error says where the token goes', async () => {
    const typed = await cli(['upload', 'one.mp4', `--token=${TOKEN}`]);
    expect(typed.code).toBe(2);
    expect(typed.out + typed.err).not.toContain(TOKEN);
    expect(typed.err).toContain("unknown option '--token=…'");
    expect(typed.err).toMatch(/VIMEO_TOKEN=\.\.\. or pass --token-file FILE/);
    const spaced = await cli(['upload', 'one.mp4', '--token', TOKEN]);
    expect(spaced.out + spaced.err).not.toContain(TOKEN);
    expect(spaced.err).toContain('--token-file FILE');
    // Any mistyped option's value is hidden, not only the token's.
    const typo = await cli(['upload', 'one.mp4', '--pasword=hunter22']);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("unknown option '--pasword=…'");
    expect(typo.err).not.toContain('hunter22');
    expect(typo.err).not.toContain('--token-file');
    expect(typo.engine.calls).toHaveLength(0);
  });

  it('a missing file alone exits 2; with a good one it is a partial failure (5)', async () => {
    expect((await cli(['upload', 'nope.mp4'])).code).toBe(2);
    const r = await cli(['upload', 'nope.mp4', 'one.mp4']);
    expect(r.code).toBe(5);
    expect(r.out).toMatch(/E_FILE_NOT_FOUND/);
  });

  it('no token exits 3 with how to create one; a rejected token exits 3 too', async () => {
    const missing = await cli(['upload', 'one.mp4'], () => ({}), {});
    expect(missing.code).toBe(3);
    expect(missing.err).toContain('developer.vimeo.com/apps');
    expect(missing.err).toContain('upload');
    const rejected = await cli(['upload', 'one.mp4', 'two.mp4'], () => ({
      fail: new VimeoApiError('The token was rejected (401)', { code: 'E_AUTH' }),
    }));
    expect(rejected.code).toBe(3);
    expect(rejected.out + rejected.err).not.toContain(TOKEN);
  });

  it('after a failure, the hint to continue never repeats --new (it would make one more video per file)', async () => {
    const fail = (f: string) => (f.endsWith('two.mp4') ? { fail: new NetworkError('reset') } : {});
    const renewed = await cli(['upload', 'one.mp4', 'two.mp4', '--new'], fail);
    expect(renewed.code).toBe(5);
    expect(renewed.out + renewed.err).toContain('run the same command again without --new');
    const plain = await cli(['upload', 'one.mp4', 'two.mp4'], fail);
    expect(plain.code).toBe(5);
    expect(plain.out + plain.err).toContain(
      'To continue: run the same command again, or `vimeo-tus resume`.',
    );
  });

  it('stdout to a file while stderr is a terminal: the last line and the next step go to stderr too', async () => {
    const fail = (f: string) => (f.endsWith('two.mp4') ? { fail: new NetworkError('reset') } : {});
    for (const json of [false, true]) {
      const engine = fakeEngine(fail);
      const io = fakeIo({
        env: { VIMEO_TUS_STATE_DIR: path.join(dir, 'state'), VIMEO_TOKEN: TOKEN },
        cwd: dir,
        start: engine.start,
        stderrIsTTY: true,
      });
      const args = ['upload', 'one.mp4', 'two.mp4', ...(json ? ['--json'] : [])];
      expect(await runCli(args, io, { version: '1' })).toBe(5);
      expect(io.stderr.text()).toMatch(
        /^vimeo-tus: 1 of 2 verified \(.*\), 1 failed, in \d+:\d\d\. Exit code 5\.\n/,
      );
      expect(io.stderr.text()).toContain('To continue: run the same command again');
      expect(io.stderr.text()).not.toContain(TOKEN);
      if (json) for (const line of io.stdout.text().trim().split('\n')) JSON.parse(line);
    }
    // Nobody watches stderr (a CI log, a pipe): nothing is added to it.
    const unwatched = await cli(['upload', 'one.mp4', 'two.mp4'], fail);
    expect(unwatched.err).toBe('');
  });

  it('quota exits 4, network failure of the only file exits 6', async () => {
    expect(
      (await cli(['upload', 'one.mp4'], () => ({ fail: new VimeoApiError('quota', { code: 'E_QUOTA' }) })))
        .code,
    ).toBe(4);
    expect((await cli(['upload', 'one.mp4'], () => ({ fail: new NetworkError('reset') }))).code).toBe(6);
  });

  it('--json: only NDJSON on stdout, even for a fatal error', async () => {
    const ok = await cli(['upload', 'one.mp4', '--json']);
    for (const line of ok.out.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    const fatal = await cli(['upload', 'one.mp4', '--json'], () => ({}), {});
    expect(fatal.code).toBe(3);
    const lines = fatal.out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ type: 'error', file: null, code: 'E_AUTH' });
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ type: 'summary', exitCode: 3 });
  });

  it('an abort (Ctrl-C) mid-upload ends with 130 and a hint to resume', async () => {
    const controller = new AbortController();
    const engine = fakeEngine(() => ({ hang: true }));
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const io = fakeIo({
      env: { VIMEO_TOKEN: TOKEN, VIMEO_TUS_STATE_DIR: path.join(dir, 'state') },
      cwd: dir,
      signal: controller.signal,
      start: (f, o) => {
        const handle = engine.start(f, o);
        handle.on('progress', (p) => {
          if (p.phase === 'uploading') started();
        });
        return handle;
      },
    });
    const pending = runCli(['upload', 'one.mp4', 'two.mp4', '--concurrency', '1'], io, { version: '0' });
    await running;
    controller.abort();
    expect(await pending).toBe(130);
    expect(io.stdout.text()).toContain('Interrupted');
    expect(io.stdout.text()).toContain('run the same command again');
    expect(io.stdout.text()).toMatch(/one\.mp4\s+\S+\s+2\.9 KiB\s+\S+\s+stopped at \d+%/);
    expect(io.stdout.text()).toMatch(/two\.mp4\s+-\s+4\.9 KiB\s+-\s+not started/);
    expect(engine.calls).toHaveLength(1);
  });
});

describe('videoUriIn', () => {
  it('reads the usual forms of a video, and nothing else', () => {
    expect(videoUriIn('/videos/123')).toBe('/videos/123');
    expect(videoUriIn(' 123 ')).toBe('/videos/123');
    expect(videoUriIn('https://vimeo.com/123')).toBe('/videos/123');
    expect(videoUriIn('https://vimeo.com/123/abcdef0123')).toBe('/videos/123');
    expect(videoUriIn('/videos/123/versions/9')).toBe('/videos/123');
    for (const text of ['talk.mp4', 'https://files.tus.vimeo.com/files/123', '/users/1', '', 12]) {
      expect(videoUriIn(text)).toBeUndefined();
    }
    expect(() => requireVideoUri('https://files.tus.vimeo.com/files/secret')).toThrow(
      /^Not a video: expected/,
    );
  });
});

describe('colour', () => {
  it('a terminal gets colour unless NO_COLOR is set; never outside a terminal', async () => {
    expect(colorEnabled({ isTTY: true, env: {} })).toBe(true);
    expect(colorEnabled({ isTTY: true, env: { NO_COLOR: '1' } })).toBe(false);
    expect(colorEnabled({ isTTY: false, env: {} })).toBe(false);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: SGR colour codes are what is checked
    const sgr = /\u001b\[(3\d|2|1|22|39)m/;
    for (const [env, colored] of [
      [{ VIMEO_TOKEN: TOKEN }, true],
      [{ VIMEO_TOKEN: TOKEN, NO_COLOR: '1' }, false],
    ] as const) {
      const engine = fakeEngine();
      const stateEnv = { VIMEO_TUS_STATE_DIR: path.join(dir, 'state') };
      const io = fakeIo({ env: { ...env, ...stateEnv }, cwd: dir, isTTY: true, start: engine.start });
      expect(await runCli(['upload', 'one.mp4'], io, { version: '0' })).toBe(0);
      expect(sgr.test(io.stdout.text())).toBe(colored);
      expect(io.stdout.text()).toContain('1 of 1 verified');
    }
  });
});

describe('--help', () => {
  it('fits 80 columns everywhere (the sandbox too) and gives defaults in human units', async () => {
    const commands = ['', 'upload', 'replace', 'demo', 'sandbox', 'list', 'status', 'resume', 'forget'];
    for (const sub of ['', 'add', 'work', 'status', 'retry', 'forget']) commands.push(`queue ${sub}`.trim());
    for (const command of commands) {
      const io = fakeIo({ cwd: dir });
      const args = [...command.split(' ').filter((word) => word !== ''), '--help'];
      expect(await runCli(args, io, { version: '1.0.0' })).toBe(0);
      const out = io.stdout.text();
      for (const line of out.split('\n'))
        expect([...line].length, `${command}: ${line}`).toBeLessThanOrEqual(80);
      // No byte counts where a person reads a size: 256MiB, not 268435456.
      expect(out, command).not.toMatch(/default:? \d{6,}/);
    }
    const demo = fakeIo({ cwd: dir });
    await runCli(['demo', '--help'], demo, { version: '1.0.0' });
    expect(demo.stdout.text()).toMatch(/--size <size>\s+size of the sample file \(default: 24MiB\)/);
    expect(demo.stdout.text()).toMatch(/\(default:\s+2\.4MiB\)/);
    const upload = fakeIo({ cwd: dir });
    await runCli(['upload', '--help'], upload, { version: '1.0.0' });
    expect(upload.stdout.text()).toMatch(/\(default:\s+512MB;\s+128MiB\s+after/);
  });

  it('every command (upload, replace, demo, sandbox, list, status, resume, forget) shows examples of itself', async () => {
    const help = async (args: string[]) => {
      const io = fakeIo({ cwd: dir });
      const code = await runCli(args, io, { version: '1.0.0' });
      return { code, out: io.stdout.text() };
    };
    const commands = ['upload', 'replace', 'demo', 'sandbox', 'list', 'status', 'resume', 'forget'];
    for (const command of commands) {
      const { code, out } = await help([command, '--help']);
      expect(code, command).toBe(0);
      const examples = out.slice(out.indexOf('Examples:'));
      expect(out, command).toContain('Examples:');
      expect(examples, command).toMatch(new RegExp(`^  \\$ .*vimeo-tus ${command}\\b`, 'm'));
    }
    // The README's upload flags appear in the upload examples.
    const upload = (await help(['upload', '--help'])).out;
    for (const flag of ['--wait', '--new', '--json', '--sandbox'])
      expect(upload).toMatch(new RegExp(`\\$ .*${flag}`));
    const top = (await help(['--help'])).out;
    for (const command of ['upload', 'replace', 'resume', 'list', 'status']) {
      expect(top).toMatch(new RegExp(`\\$ .*vimeo-tus ${command}\\b`));
    }
    expect(top).toMatch(/7 already being uploaded by another\s+process/);
  });
});

describe('--json: the summary is the last stdout line, whatever ends the command', () => {
  async function jsonRun(
    args: string[],
    env: Record<string, string>,
  ): Promise<{ code: number; events: Record<string, unknown>[]; err: string }> {
    const stateEnv = { VIMEO_TUS_STATE_DIR: path.join(dir, 'state') };
    const io = fakeIo({ env: { ...stateEnv, ...env }, cwd: dir, start: fakeEngine(() => ({})).start });
    const code = await runCli(args, io, { version: '1.0.0' });
    const lines = io.stdout
      .text()
      .split('\n')
      .filter((line) => line !== '');
    return {
      code,
      events: lines.map((line) => JSON.parse(line) as Record<string, unknown>),
      err: io.stderr.text(),
    };
  }

  it('a fatal error before the batch (no token, bad flags, unusable ledger): error event, then the summary with the exit code', async () => {
    const noToken = await jsonRun(['upload', 'one.mp4', '--json'], {});
    expect(noToken.code).toBe(3);
    expect(noToken.events.at(-2)).toMatchObject({ type: 'error', file: null, code: 'E_AUTH' });
    expect(noToken.events.at(-1)).toMatchObject({
      type: 'summary',
      ok: false,
      exitCode: 3,
      total: 0,
      files: [],
    });

    const badFlags = await jsonRun(['upload', 'one.mp4', 'two.mp4', '--name', 'x', '--json'], {
      VIMEO_TOKEN: TOKEN,
    });
    expect(badFlags.code).toBe(2);
    expect(badFlags.events.at(-1)).toMatchObject({ type: 'summary', ok: false, exitCode: 2 });

    // A ledger file that is not a ledger: refused (untouched) before anything is sent.
    const badState = path.join(dir, 'bad-state');
    await mkdir(badState, { recursive: true });
    await writeFile(path.join(badState, 'ledger.db'), 'not a ledger file at all');
    const ledger = await jsonRun(['upload', 'one.mp4', '--json', '--state-dir', badState], {
      VIMEO_TOKEN: TOKEN,
    });
    expect(ledger.code).toBe(6);
    expect(ledger.events.at(-2)).toMatchObject({ type: 'error', code: 'E_LEDGER' });
    expect(ledger.events.at(-1)).toMatchObject({ type: 'summary', ok: false, exitCode: 6 });
    expect(ledger.err).toContain('ledger.db');
    expect(await readFile(path.join(badState, 'ledger.db'), 'utf8')).toBe('not a ledger file at all');
    // Flags commander itself refuses: the same two lines, the value of a mistyped option hidden.
    for (const args of [
      ['upload', 'one.mp4', '--json', '--chunk-size', 'abc'],
      ['upload', 'one.mp4', '--json', `--token=${TOKEN}`],
      ['resume', '--json', '--concurrency'],
      ['demo', '--json', '--bogus'],
    ]) {
      const refused = await jsonRun(args, { VIMEO_TOKEN: TOKEN });
      expect(refused.code, args.join(' ')).toBe(2);
      expect(
        refused.events.map((e) => e.type),
        args.join(' '),
      ).toEqual(['error', 'summary']);
      expect(refused.events[0]).toMatchObject({ file: null, code: 'E_CONFIG' });
      expect(refused.events[1]).toMatchObject({ ok: false, exitCode: 2, total: 0, files: [] });
      expect(JSON.stringify(refused)).not.toContain(TOKEN);
    }
    // Without --json, stdout stays empty (the error is on stderr).
    const plain = await jsonRun(['upload', 'one.mp4', '--chunk-size', 'abc'], { VIMEO_TOKEN: TOKEN });
    expect(plain.events).toEqual([]);
    expect(plain.err).toContain('--chunk-size');
    const badVideo = await jsonRun(['replace', 'not-a-video', 'one.mp4', '--json'], { VIMEO_TOKEN: TOKEN });
    expect(badVideo.code).toBe(2);
    expect(badVideo.events.map((e) => e.type)).toEqual(['error', 'summary']);
    expect(badVideo.events.at(-1)).toMatchObject({ exitCode: 2 });
    expect(JSON.stringify([noToken, badFlags, ledger])).not.toContain(TOKEN);
  });

  it('resume with nothing to do still ends with a summary (exit 0); resume without a token ends with one too', async () => {
    const stateDir = path.join(dir, 'no-ledger-here');
    const nothing = await jsonRun(['resume', '--json', '--state-dir', stateDir], { VIMEO_TOKEN: TOKEN });
    expect(nothing.code).toBe(0);
    expect(nothing.events.map((e) => e.type)).toEqual(['start', 'summary']);
    expect(nothing.events.at(-1)).toMatchObject({ ok: true, exitCode: 0, total: 0, verified: 0 });

    const noToken = await jsonRun(['resume', '--json', '--state-dir', stateDir], {});
    expect(noToken.code).toBe(3);
    expect(noToken.events.at(-1)).toMatchObject({ type: 'summary', ok: false, exitCode: 3 });
  });
});
