/**
 * The ledger's notices and the honest qualifiers of a verified upload reach every reporter: an
 * NDJSON `notice` event on stdout, a plain line, a persisted line above the live frame; a verified
 * upload confirmed by Vimeo's status (link gone) or on an adopted video says so.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileInclude, planFiles } from '../../src/cli/files.js';
import { createJsonReporter } from '../../src/cli/render/json-reporter.js';
import { createPlainReporter } from '../../src/cli/render/plain-reporter.js';
import type { BatchReporter } from '../../src/cli/render/reporter.js';
import { createTtyReporter } from '../../src/cli/render/tty-reporter.js';
import type { NoticeEvent } from '../../src/upload/types.js';
import { type FakeScript, runFakeBatch } from './helpers/fake-engine.js';
import { CONTROL_CHARS, captured } from './helpers/fake-io.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vimeo-tus-notices-'));
  await writeFile(path.join(dir, 'talk.mp4'), Buffer.alloc(5000, 1));
  await writeFile(path.join(dir, 'other.mp4'), Buffer.alloc(3000, 2));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const RESUMED: NoticeEvent = {
  kind: 'resumed',
  message: 'Continuing the earlier upload of talk.mp4 on /videos/1 (2000 of 5000 bytes were acknowledged).',
};
const ADOPTED: NoticeEvent = {
  kind: 'adopted',
  message: 'An earlier run stopped inside its create call after Vimeo had made /videos/2: continuing on it.',
};

async function run(reporter: BatchReporter, scriptFor: (file: string) => FakeScript) {
  const files = await planFiles(['talk.mp4', 'other.mp4'], { cwd: dir, include: compileInclude(undefined) });
  return (await runFakeBatch(files, reporter, scriptFor)).summary;
}

const script = (file: string): FakeScript =>
  file.endsWith('talk.mp4') ? { notices: [RESUMED], headUnavailable: true } : { notices: [ADOPTED] };

describe('notices', () => {
  it('NDJSON: a notice event per notice on stdout; verified carries headUnavailable and adopted', async () => {
    const out = captured();
    const summary = await run(
      createJsonReporter({ write: (t) => out.write(t), now: () => Date.now() }),
      script,
    );
    expect(summary.exitCode).toBe(0);
    const events = out
      .text()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const notices = events.filter((e) => e.type === 'notice');
    expect(notices).toHaveLength(2);
    expect(notices).toContainEqual(
      expect.objectContaining({ file: 'other.mp4', kind: 'adopted', message: ADOPTED.message }),
    );
    expect(notices).toContainEqual(
      expect.objectContaining({ file: 'talk.mp4', kind: 'resumed', message: RESUMED.message }),
    );
    for (const notice of notices) expect(String(notice.video)).toMatch(/^\/videos\/\d+$/);
    // Each notice comes before its file's created event.
    const order = events.map((e) => `${String(e.type)}:${String(e.file)}`);
    expect(order.indexOf('notice:talk.mp4')).toBeLessThan(order.indexOf('created:talk.mp4'));
    const verified = new Map(events.filter((e) => e.type === 'verified').map((e) => [e.file, e]));
    expect(verified.get('talk.mp4')).toMatchObject({ headUnavailable: true });
    expect(verified.get('talk.mp4')).not.toHaveProperty('adopted');
    expect(verified.get('other.mp4')).toMatchObject({ adopted: true });
    expect(verified.get('other.mp4')).not.toHaveProperty('headUnavailable');
    const last = events.at(-1) as { type: string; files: Record<string, unknown>[] };
    expect(last.type).toBe('summary');
    expect(last.files.find((f) => f.file === 'talk.mp4')).toMatchObject({
      notices: ['resumed'],
      headUnavailable: true,
    });
    expect(last.files.find((f) => f.file === 'other.mp4')).toMatchObject({ notices: ['adopted'] });
  });

  it('plain: a line per notice, the verify line and the summary say how it was confirmed', async () => {
    const out = captured();
    await run(createPlainReporter({ write: (t) => out.write(t), now: () => Date.now() }), script);
    const text = out.text();
    expect(text).not.toMatch(CONTROL_CHARS);
    expect(text).toContain(`[talk.mp4] resumed: ${RESUMED.message}\n`);
    expect(text).toContain(`[other.mp4] adopted: ${ADOPTED.message}\n`);
    expect(text).toMatch(/\[talk\.mp4\] verified: .*upload link was gone at verify time/);
    expect(text).toMatch(/^talk\.mp4 .*verified, link gone, Vimeo's upload\.status says complete$/m);
    expect(text).toMatch(/^other\.mp4 .*verified, adopted video$/m);
  });

  it('terminal: the notice is persisted above the live frame, before the file is finished', async () => {
    const out = captured({ isTTY: true, columns: 80, rows: 24 });
    await run(createTtyReporter({ output: out, color: false, now: () => Date.now() }), script);
    // log-update wraps a persisted line at the terminal width (at spaces).
    const text = out.text().replace(/\s*\n\s*/g, ' ');
    const notice = text.indexOf(`ℹ talk.mp4: ${RESUMED.message}`);
    expect(notice).toBeGreaterThanOrEqual(0);
    expect(notice).toBeLessThan(text.indexOf('✔ talk.mp4'));
    expect(text).toContain(`ℹ other.mp4: ${ADOPTED.message}`);
  });

  it('a create adopted by the engine (created.adopted, no ledger notice) is shown by every reporter', async () => {
    const adoptedOnly = (file: string): FakeScript => (file.endsWith('other.mp4') ? { adopted: true } : {});
    const json = captured();
    await run(createJsonReporter({ write: (t) => json.write(t), now: () => Date.now() }), adoptedOnly);
    const events = json
      .text()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const of = (type: string, file: string) => events.find((e) => e.type === type && e.file === file);
    expect(of('created', 'other.mp4')).toMatchObject({ adopted: true });
    expect(of('verified', 'other.mp4')).toMatchObject({ adopted: true });
    expect(of('created', 'talk.mp4')).not.toHaveProperty('adopted');

    const plain = captured();
    await run(createPlainReporter({ write: (t) => plain.write(t), now: () => Date.now() }), adoptedOnly);
    expect(plain.text()).toMatch(/^\[other\.mp4\] adopted \/videos\//m);
    expect(plain.text()).toMatch(/^other\.mp4 .*verified, adopted video$/m);
    expect(plain.text()).not.toMatch(/^talk\.mp4 .*adopted/m);

    const tty = captured({ isTTY: true, columns: 80, rows: 24 });
    await run(createTtyReporter({ output: tty, color: false, now: () => Date.now() }), adoptedOnly);
    const text = tty.text().replace(/\s*\n\s*/g, ' ');
    expect(text).toMatch(
      /ℹ other\.mp4: the create call's answer was lost; the video it made, \/videos\/\d+, was found and adopted/,
    );
    expect(text).toMatch(/other\.mp4 .*verified, adopted video/);
    expect(text).not.toContain('ℹ talk.mp4');
  });
});
