import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileInclude, type PlannedFile, planFiles } from '../../src/cli/files.js';
import { BatchView } from '../../src/cli/render/batch-view.js';
import { createJsonReporter } from '../../src/cli/render/json-reporter.js';
import { createPlainReporter } from '../../src/cli/render/plain-reporter.js';
import type { BatchReporter } from '../../src/cli/render/reporter.js';
import { renderSummary } from '../../src/cli/render/summary-table.js';
import { renderFrame } from '../../src/cli/render/tty-frame.js';
import { createTtyReporter } from '../../src/cli/render/tty-reporter.js';
import { NetworkError } from '../../src/errors.js';
import { FAKE_TOKEN, type FakeScript, runFakeBatch } from './helpers/fake-engine.js';
import { CONTROL_CHARS, captured } from './helpers/fake-io.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vimeo-tus-cli-'));
  for (const [name, size] of [
    ['a.mp4', 4000],
    ['b.mov', 8000],
    ['c.mkv', 1200],
    ['notes.txt', 10],
  ] as const) {
    await writeFile(path.join(dir, name), Buffer.alloc(size, 7));
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(
  reporter: BatchReporter,
  scriptFor: (file: string) => FakeScript = () => ({}),
  extra: string[] = [],
) {
  const files = await planFiles([dir, ...extra], { cwd: dir, include: compileInclude(undefined) });
  const { summary, engine } = await runFakeBatch(files, reporter, scriptFor);
  return { summary, engine, files };
}

describe('planFiles', () => {
  it('walks a directory for video files only, in name order, and keeps missing inputs', async () => {
    const files = await planFiles([dir, 'missing.mp4'], { cwd: dir, include: compileInclude(undefined) });
    expect(files.map((f) => path.basename(f.display))).toEqual(['a.mp4', 'b.mov', 'c.mkv', 'missing.mp4']);
    expect(files[3]?.sizeBytes).toBeNull();
  });
  it('filters with --include extensions or globs', async () => {
    const byExt = await planFiles([dir], { cwd: dir, include: compileInclude('txt,.mkv') });
    expect(byExt.map((f) => path.basename(f.display))).toEqual(['c.mkv', 'notes.txt']);
    const byGlob = await planFiles([dir], { cwd: dir, include: compileInclude('?.mov') });
    expect(byGlob.map((f) => path.basename(f.display))).toEqual(['b.mov']);
  });
});

describe('runBatch with NDJSON', () => {
  it('emits one parseable event per line with the documented fields, and respects concurrency', async () => {
    const out = captured();
    const { summary, engine } = await run(
      createJsonReporter({ write: (t) => out.write(t), now: () => Date.now(), intervalMs: 0 }),
      (file) => (file.endsWith('b.mov') ? { retry: true } : {}),
    );
    expect(summary.exitCode).toBe(0);
    expect(engine.maxSending).toBe(2);
    const events = out
      .text()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const types = new Set(events.map((e) => e.type));
    expect([...types].sort()).toEqual(['created', 'progress', 'retry', 'start', 'summary', 'verified']);
    expect(events[0]?.type).toBe('start');
    expect(events.at(-1)?.type).toBe('summary');
    for (const e of events) expect(typeof e.time).toBe('string');
    const created = events.filter((e) => e.type === 'created');
    expect(created).toHaveLength(3);
    for (const e of created)
      expect(e).toMatchObject({
        file: expect.any(String),
        video: expect.stringMatching(/^\/videos\//),
        link: expect.any(String),
      });
    for (const e of events.filter((x) => x.type === 'progress')) {
      expect(e).toMatchObject({
        file: expect.any(String),
        phase: expect.any(String),
        bytesSent: expect.any(Number),
        bytesAcked: expect.any(Number),
        bytesTotal: expect.any(Number),
      });
    }
    expect(events.find((e) => e.type === 'retry')).toMatchObject({
      reason: 'connection reset',
      code: 'E_NETWORK',
      delayMs: 10,
    });
    for (const e of events.filter((x) => x.type === 'verified')) {
      expect(e).toMatchObject({ uploadStatus: 'complete', transcodeStatus: expect.any(String) });
      expect(e.uploadOffset).toBe(e.uploadLength);
    }
    expect(events.at(-1)).toMatchObject({ ok: true, exitCode: 0, total: 3, verified: 3, failed: 0 });
    expect(out.text()).not.toContain(FAKE_TOKEN);
  });

  it('a file waiting for Vimeo to agree gives its place to the next one: 2 sending, at most 2 more waiting', async () => {
    const many = await mkdtemp(path.join(tmpdir(), 'vimeo-tus-slots-'));
    try {
      for (let i = 0; i < 5; i += 1) await writeFile(path.join(many, `clip-${i}.mp4`), Buffer.alloc(1000, i));
      const files = await planFiles([many], { cwd: many, include: compileInclude(undefined) });
      // Vimeo agrees with nobody until 4 uploads have started, which only happens if the first two
      // leave their places while they wait. A timer opens it anyway, so that a batch holding its
      // places fails the assertions instead of hanging.
      let openedBy = '';
      let open = (_by: string): void => {};
      const agreement = new Promise<void>((resolve) => {
        open = (by) => {
          openedBy ||= by;
          resolve();
        };
      });
      const timer = setTimeout(() => open('timer'), 2000);
      let started = 0;
      const { summary, engine } = await runFakeBatch(
        files,
        createJsonReporter({ write: () => {}, now: Date.now }),
        () => {
          started += 1;
          if (started === 4) open('starts');
          return { agreement };
        },
      );
      clearTimeout(timer);
      expect(openedBy).toBe('starts');
      expect(engine.maxSending).toBe(2);
      expect(engine.maxInFlight).toBe(4);
      expect(summary).toMatchObject({ exitCode: 0 });
      expect(summary.outcomes.map((o) => o.status)).toEqual(Array(5).fill('verified'));
    } finally {
      await rm(many, { recursive: true, force: true });
    }
  });

  it('an upload that ends while its place is taken still lets the next file start (concurrency 1)', async () => {
    const many = await mkdtemp(path.join(tmpdir(), 'vimeo-tus-slots-'));
    try {
      for (let i = 0; i < 4; i += 1) await writeFile(path.join(many, `clip-${i}.mp4`), Buffer.alloc(1000, i));
      const files = await planFiles([many], { cwd: many, include: compileInclude(undefined) });
      // Each confirmation takes 30 ms: the next file has sent everything (and waits too) before the
      // one before it is confirmed, so each start after the second comes from an upload ending.
      const { summary, engine } = await runFakeBatch(
        files,
        createJsonReporter({ write: () => {}, now: Date.now }),
        () => ({ agreement: new Promise<void>((resolve) => setTimeout(resolve, 30)) }),
        1,
      );
      expect(summary.outcomes.map((o) => o.status)).toEqual(Array(4).fill('verified'));
      expect(engine.maxSending).toBe(1);
      expect(engine.maxInFlight).toBe(2);
    } finally {
      await rm(many, { recursive: true, force: true });
    }
  });

  it('a reporter that throws stops the batch with its error once the started uploads ended', async () => {
    const json = createJsonReporter({ write: () => {}, now: Date.now });
    let began = 0;
    const broken: BatchReporter = {
      ...json,
      began: (file) => {
        began += 1;
        if (began === 2) throw new Error('reporter bug');
        json.began(file);
      },
    };
    const files = await planFiles([dir], { cwd: dir, include: compileInclude(undefined) });
    await expect(runFakeBatch(files, broken)).rejects.toThrow('reporter bug');
  });

  it('a failed and a missing file: error events, partial exit code 5, token redacted', async () => {
    const out = captured();
    const { summary } = await run(
      createJsonReporter({ write: (t) => out.write(t), now: () => Date.now() }),
      (file) =>
        file.endsWith('c.mkv') ? { fail: new NetworkError(`reset while sending ${FAKE_TOKEN}`) } : {},
      ['nope.mp4'],
    );
    expect(summary.exitCode).toBe(5);
    const events = out
      .text()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const errors = events.filter((e) => e.type === 'error');
    expect(errors.map((e) => e.code).sort()).toEqual(['E_FILE_NOT_FOUND', 'E_NETWORK']);
    expect(out.text()).not.toContain(FAKE_TOKEN);
    expect(events.at(-1)).toMatchObject({ ok: false, exitCode: 5, verified: 2, failed: 2 });
  });
});

describe('plain output', () => {
  it('has lines for each phase and no control characters, summary table at the end', async () => {
    const out = captured();
    const { summary } = await run(
      createPlainReporter({ write: (t) => out.write(t), now: () => Date.now() }),
      (file) =>
        file.endsWith('b.mov')
          ? { retry: true }
          : file.endsWith('c.mkv')
            ? { fail: new NetworkError('boom\u001b[2J') }
            : {},
    );
    expect(summary.exitCode).toBe(5);
    const text = out.text();
    expect(text).not.toMatch(CONTROL_CHARS);
    expect(text).toMatch(/a\.mp4\] created video \/videos\/\d+/);
    expect(text).toMatch(/b\.mov\] retrying in 0\.0s/);
    expect(text).not.toMatch(/\] retrying \d+%/);
    expect(text).toMatch(/a\.mp4\] verified: offset 4000 of 4000/);
    expect(text).toMatch(/c\.mkv\] failed: E_NETWORK/);
    expect(text).toMatch(/FILE\s+VIDEO\s+SIZE\s+TIME\s+RESULT/);
    expect(text).toContain('2 of 3 verified');
    expect(text.split('\n')[0]).toBe('Uploading 3 files (12.9 KiB), up to 2 sending at a time.');
  });

  it('says how many send at once only when there is more than one file', () => {
    const out = captured();
    const reporter = createPlainReporter({ write: (t) => out.write(t), now: () => Date.now() });
    const file: PlannedFile = {
      absolutePath: '/tmp/one.mp4',
      display: 'one.mp4',
      sizeBytes: 3 * 1024 * 1024,
    };
    reporter.start([file], { concurrency: 4 });
    expect(out.text()).toBe('Uploading 1 file (3.0 MiB).\n');
  });
});

describe('batch view', () => {
  it('sent position = acknowledged offset + bytes written since the last acknowledgement', () => {
    const file: PlannedFile = { display: 'f.mp4', absolutePath: '/f.mp4', sizeBytes: 1000 };
    const view = new BatchView([file], () => 0);
    const p = (bytesSent: number, bytesAcked: number) =>
      view.progress(file, {
        phase: 'uploading',
        bytesSent,
        bytesAcked,
        bytesTotal: 1000,
        bytesPerSecond: 1,
        etaSeconds: 1,
      });
    expect(p(300, 0).sentPosition).toBe(300);
    expect(p(400, 400).sentPosition).toBe(400);
    expect(p(550, 400).sentPosition).toBe(550);
    // A retry writes off what was in flight; resent bytes count from the acknowledged offset.
    view.retry(file, { attempt: 1, delayMs: 1, reason: 'reset', code: 'E_NETWORK' });
    expect(view.get(file).sentPosition).toBe(400);
    expect(p(600, 400).sentPosition).toBe(450);
    expect(view.totals().bytesSent).toBe(450);
  });
});

describe('terminal frame', () => {
  function bigView(count: number): BatchView {
    const files: PlannedFile[] = Array.from({ length: count }, (_, i) => ({
      display: `some/long/folder/name/holiday-footage-part-${String(i).padStart(2, '0')}-final-cut.mp4`,
      absolutePath: `/x/${i}.mp4`,
      sizeBytes: 300 * 1024 ** 2 + i,
    }));
    const view = new BatchView(files, () => 0);
    files.forEach((file, i) => {
      if (i < 20) view.began(file);
      if (i < 12) {
        const common = {
          phase: 'uploading',
          bytesAcked: 128 * 1024 ** 2,
          bytesTotal: file.sizeBytes ?? 0,
          bytesPerSecond: 3_500_000,
          etaSeconds: 61,
        } as const;
        view.progress(file, { ...common, bytesSent: 128 * 1024 ** 2 });
        view.progress(file, { ...common, bytesSent: 200 * 1024 ** 2 });
      }
      if (i === 12)
        view.retry(file, {
          attempt: 2,
          delayMs: 4000,
          reason: 'the upload host answered 503 Service Unavailable',
          code: 'E_SERVER',
        });
      if (i === 13)
        view.progress(file, {
          phase: 'verifying',
          bytesSent: 1,
          bytesAcked: file.sizeBytes ?? 0,
          bytesTotal: file.sizeBytes ?? 0,
          bytesPerSecond: 0,
          etaSeconds: 0,
        });
      if (i >= 20 && i < 24) view.failed(file, { code: 'E_NETWORK', message: 'x' }, 'failed');
    });
    return view;
  }

  it('with 30 files fits 80 columns and the terminal height, counting what is not shown', () => {
    const frame = renderFrame(bigView(30), { width: 80, height: 24, color: false, nowMs: 0 });
    const lines = frame.split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(79);
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(frame).toMatch(/20 in flight \(\d+ not shown\)/);
    expect(frame).toContain('6 queued');
    expect(frame).toContain('4 failed');
    expect(frame).toMatch(/retrying in 4s: the upload host/);
    expect(frame).toContain('█');
    expect(frame).toContain('▒');
    expect(frame).toMatch(/^Total/m);
    // 128 MiB acknowledged (the percentage), 200 MiB sent: the short form that fits 80 columns.
    expect(frame).toMatch(/ 4[23]% 200\.0 MiB sent 3\.3 MiB\/s ETA 1:01$/m);
  });

  it('before the first acknowledgement the amounts say how far the sent bytes reach, at any width', () => {
    const file: PlannedFile = { display: 'talk.mp4', absolutePath: '/x/talk.mp4', sizeBytes: 24 * 1024 ** 2 };
    const view = new BatchView([file], () => 0);
    view.began(file);
    const common = { phase: 'uploading', bytesAcked: 0, bytesTotal: 24 * 1024 ** 2, etaSeconds: 5 } as const;
    view.progress(file, { ...common, bytesSent: 12 * 1024 ** 2, bytesPerSecond: 2.2 * 1024 ** 2 });
    const line = (width: number): string =>
      renderFrame(view, { width, height: 24, color: false, nowMs: 0 }).split('\n')[0] ?? '';
    expect(line(120)).toMatch(/ 0% 0\.0\/24\.0 MiB \(12\.0 sent\) 2\.2 MiB\/s ETA 0:05$/);
    expect(line(80)).toMatch(/ 0% 12\.0 MiB sent 2\.2 MiB\/s ETA 0:05$/);
    // Once acknowledged, only the acknowledged amount.
    view.progress(file, {
      ...common,
      bytesAcked: 12 * 1024 ** 2,
      bytesSent: 12 * 1024 ** 2,
      bytesPerSecond: 0,
    });
    expect(line(120)).toMatch(/ 50% 12\.0\/24\.0 MiB 0 B\/s ETA 0:05$/);
  });

  it('colour codes only when colour is on; visible width unchanged', () => {
    const view = bigView(3);
    const plain = renderFrame(view, { width: 80, height: 24, color: false, nowMs: 0 });
    const colored = renderFrame(view, { width: 80, height: 24, color: true, nowMs: 0 });
    expect(plain).not.toMatch(CONTROL_CHARS);
    expect(colored).toContain('\u001b[32m');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping SGR codes
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });

  it('the TTY reporter ends with a summary table that fits 80 columns', async () => {
    const out = captured({ isTTY: true, columns: 80, rows: 24 });
    const { summary } = await run(createTtyReporter({ output: out, color: false, now: () => Date.now() }));
    expect(summary.exitCode).toBe(0);
    const table = renderSummary(summary, { width: 80, color: false });
    for (const line of table.split('\n')) expect([...line].length).toBeLessThanOrEqual(79);
    expect(out.text()).toContain('3 of 3 verified');
    expect(out.text()).toContain('✔');
  });

  it('a terminal that reports a size of 0 (script, docker -t) is drawn at 80×24, not at nothing', async () => {
    const out = captured({ isTTY: true, columns: 0, rows: 0 });
    const { summary } = await run(createTtyReporter({ output: out, color: false, now: () => Date.now() }));
    expect(summary.exitCode).toBe(0);
    const text = out.text();
    expect(text).toContain('Total');
    // The summary's footer stays on one line, as at 80 columns.
    expect(text).toMatch(/3 of 3 verified \([^\n]*\), in \d+:\d\d\./);
  });
});

describe('summary table', () => {
  it('at 80 columns keeps whole video links, cuts paths to names, prints cut errors whole below', () => {
    const outcomes = [1, 2, 3].map((i) => ({
      file: { display: `videos/interview-day${i}.mp4`, absolutePath: `/x${i}`, sizeBytes: 3_300_000 },
      status: i === 3 ? ('failed' as const) : ('verified' as const),
      videoUri: `/videos/10000000${i}`,
      link: `https://vimeo.com/10000000${i}`,
      bytesTotal: 3_300_000,
      bytesAcked: 0,
      durationMs: 5000,
      result: null,
      error:
        i === 3
          ? { code: 'E_RETRIES_EXHAUSTED', message: 'gave up after 8 tries: the upload host answered 503' }
          : null,
      notices: [],
      adopted: false,
    }));
    const text = renderSummary(
      { outcomes, interrupted: false, durationMs: 17_000, exitCode: 5, resumeHint: 'run it again' },
      { width: 80, color: false },
    );
    for (const line of text.split('\n')) {
      if (!line.startsWith('videos/')) expect([...line].length).toBeLessThanOrEqual(79);
    }
    expect(text).toMatch(/^interview-day1\.mp4\s+https:\/\/vimeo\.com\/100000001\s/m);
    expect(text).toContain(
      'videos/interview-day3.mp4: E_RETRIES_EXHAUSTED: gave up after 8 tries: the upload host answered 503',
    );
    expect(text).toContain('2 of 3 verified');
    expect(text).toContain('run it again');
  });
});

describe('progress thinning', () => {
  it('plain: a line per phase change, otherwise at most one per interval; NDJSON likewise', () => {
    let nowMs = 0;
    const file: PlannedFile = { display: 'f.mp4', absolutePath: '/f.mp4', sizeBytes: 1000 };
    const plainOut = captured();
    const jsonOut = captured();
    const plain = createPlainReporter({
      write: (t) => plainOut.write(t),
      now: () => nowMs,
      intervalMs: 5000,
    });
    const json = createJsonReporter({ write: (t) => jsonOut.write(t), now: () => nowMs, intervalMs: 1000 });
    for (const reporter of [plain, json]) {
      reporter.start([file], { concurrency: 1 });
      reporter.began(file);
    }
    const feed = (phase: 'uploading' | 'verifying', acked: number): void => {
      const progress = {
        phase,
        bytesSent: acked,
        bytesAcked: acked,
        bytesTotal: 1000,
        bytesPerSecond: 10,
        etaSeconds: 1,
      };
      plain.progress(file, progress);
      json.progress(file, progress);
    };
    for (let second = 0; second <= 12; second += 1) {
      nowMs = second * 1000;
      feed('uploading', second * 10);
    }
    nowMs = 12_500;
    feed('verifying', 1000);
    const plainLines = plainOut
      .text()
      .split('\n')
      .filter((l) => l.startsWith('[f.mp4] uploading'));
    // t=0 (phase change from creating), 5 s, 10 s.
    expect(plainLines).toHaveLength(3);
    expect(plainOut.text()).toContain('[f.mp4] verifying 100%');
    const jsonProgress = jsonOut
      .text()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; phase?: string })
      .filter((e) => e.type === 'progress');
    // creating, then one per second for 13 s, then verifying.
    expect(jsonProgress.filter((e) => e.phase === 'uploading')).toHaveLength(13);
    expect(jsonProgress.at(-1)?.phase).toBe('verifying');
  });
});
