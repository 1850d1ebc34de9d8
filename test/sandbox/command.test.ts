import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sandboxCommand } from '../../src/sandbox/command.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { api, createVideo, head, patch, randomFile } from './helpers.js';

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** Run the command in-process until `use` is done with the sandbox. */
async function runCommand(args: string[], use: (sandbox: Sandbox) => Promise<void>): Promise<string> {
  const out = collector();
  const stop = new AbortController();
  let started: (s: Sandbox) => void = () => undefined;
  const ready = new Promise<Sandbox>((resolve) => {
    started = resolve;
  });
  const command = sandboxCommand({
    stdout: out.stream,
    signal: stop.signal,
    onStarted: (s) => started(s),
  }).exitOverride();
  const running = command.parseAsync(args, { from: 'user' });
  const sandbox = await Promise.race([
    ready,
    running.then(() => Promise.reject(new Error('command ended early'))),
  ]);
  try {
    await use(sandbox);
  } finally {
    stop.abort();
    await running;
  }
  return out.text();
}

describe('vimeo-tus sandbox command', () => {
  it('--json prints exactly one JSON line with apiUrl, uploadUrl and token, and serves them', async () => {
    let urls = { apiUrl: '', uploadUrl: '' };
    const output = await runCommand(['--json', '--token', 'cli-token'], async (sandbox) => {
      urls = { apiUrl: sandbox.apiUrl, uploadUrl: sandbox.uploadUrl };
      const res = await fetch(`${sandbox.apiUrl}/me`, { headers: { Authorization: 'Bearer cli-token' } });
      expect(res.status).toBe(200);
    });
    const lines = output.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({ ...urls, token: 'cli-token' });
    // Closed after the stop signal.
    await expect(fetch(`${urls.apiUrl}/me`)).rejects.toThrow();
  });

  it('prints the API URL and token for humans by default', async () => {
    let apiUrl = '';
    const output = await runCommand([], async (sandbox) => {
      apiUrl = sandbox.apiUrl;
      expect(sandbox.token).toBe('sandbox-token');
    });
    expect(output).toContain(apiUrl);
    expect(output).toContain('sandbox-token');
  });

  it('maps fault flags onto the running sandbox', async () => {
    await runCommand(
      ['--fail', 'head:2:503', '--reset-patch', '1:1000', '--drop-partial', '--throttle', '100000000'],
      async (sandbox) => {
        const video = await createVideo(sandbox, 5000);
        expect((await head(video.uploadLink)).status).toBe(200);
        expect((await head(video.uploadLink)).status).toBe(503);
        await expect(patch(video.uploadLink, 0, randomFile(5000))).rejects.toThrow();
        expect((await head(video.uploadLink)).headers['upload-offset']).toBe('0');
      },
    );
  });

  it('maps option flags (port, quota, delays, create status)', async () => {
    await runCommand(
      [
        '--port',
        '0',
        '--upload-port',
        '0',
        '--quota-videos',
        '1',
        '--create-status',
        '201',
        '--processing-delay-ms',
        '0',
      ],
      async (sandbox) => {
        const auth = { Authorization: `Bearer ${sandbox.token}`, 'Content-Type': 'application/json' };
        const body = JSON.stringify({ upload: { approach: 'tus', size: 3 } });
        const first = await fetch(`${sandbox.apiUrl}/me/videos`, { method: 'POST', headers: auth, body });
        expect(first.status).toBe(201);
        const second = await fetch(`${sandbox.apiUrl}/me/videos`, { method: 'POST', headers: auth, body });
        expect(second.status).toBe(403);
      },
    );
  });

  it('--scopes sets the token scopes: a create without "upload" is refused with 403', async () => {
    await runCommand(['--scopes', 'public,private,edit'], async (sandbox) => {
      const res = await fetch(`${sandbox.apiUrl}/me/videos`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${sandbox.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ upload: { approach: 'tus', size: 3 } }),
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: 'Your access token does not have the "upload" scope' });
    });
  });

  it('maps --video-outcome and --upload-complete-delay-ms never', async () => {
    const flags = ['--video-outcome', 'quota_exceeded', '--upload-complete-delay-ms', 'never'];
    await runCommand(flags, async (sandbox) => {
      const video = await createVideo(sandbox, 10);
      expect((await patch(video.uploadLink, 0, randomFile(10))).status).toBe(204);
      sandbox.setOptions({ transcodeDelayMs: 0 });
      const never = await api(sandbox, 'GET', `${video.uri}?fields=status,upload.status`);
      expect(never.body).toEqual({ status: 'uploading', upload: { status: 'in_progress' } });
      sandbox.setOptions({ uploadCompleteDelayMs: 0 });
      const ended = await api(sandbox, 'GET', `${video.uri}?fields=status,upload.status`);
      expect(ended.body).toEqual({ status: 'quota_exceeded', upload: { status: 'complete' } });
    });
  });

  it('maps --foreign-link, --lying-head and --quote-upload-id', async () => {
    const flags = ['--foreign-link', 'create:1', '--lying-head', '*:5', '--quote-upload-id'];
    await runCommand(flags, async (sandbox) => {
      const foreign = await createVideo(sandbox, 10);
      expect(foreign.uploadLink.startsWith(`${sandbox.uploadUrl}/`)).toBe(false);
      const video = await createVideo(sandbox, 10);
      expect(video.uploadLink.startsWith(`${sandbox.uploadUrl}/`)).toBe(true);
      expect((await head(video.uploadLink)).headers['upload-offset']).toBe('0');
      await patch(video.uploadLink, 0, randomFile(5));
      expect((await head(video.uploadLink)).headers['upload-offset']).toBe('10');
      const conflict = await patch(video.uploadLink, 0, randomFile(5));
      expect(conflict.body).toContain(video.uploadLink.split('/').at(-1));
    });
  });

  it('rejects malformed fault flags without starting', async () => {
    for (const args of [
      ['--fail', 'bogus:1:500'],
      ['--reset-patch', 'x'],
      ['--port', '-1'],
      ['--fail', 'patch:0:500'],
      ['--scopes', 'upload,fly'],
      ['--video-outcome', 'exploded'],
      ['--upload-complete-delay-ms', 'soon'],
      ['--foreign-link', 'get-video:1'],
      ['--lying-head', '1:x'],
    ]) {
      const command = sandboxCommand({ stdout: collector().stream })
        .exitOverride()
        .configureOutput({ writeErr: () => undefined });
      await expect(command.parseAsync(args, { from: 'user' })).rejects.toThrow();
    }
  });

  it('runs as a process until SIGTERM, then exits cleanly with only the JSON line on stdout', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/sandbox-cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      child.stdout.setEncoding('utf8');
      const firstLine = new Promise<string>((resolve) => {
        child.stdout.on('data', (chunk: string) => {
          stdout += chunk;
          if (stdout.includes('\n')) resolve(stdout.split('\n')[0] ?? '');
        });
      });
      const info = JSON.parse(await firstLine) as { apiUrl: string; token: string };
      const res = await fetch(`${info.apiUrl}/me`, { headers: { Authorization: `Bearer ${info.token}` } });
      expect(res.status).toBe(200);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      expect(stdout.split('\n').filter((l) => l !== '')).toHaveLength(1);
      await expect(fetch(`${info.apiUrl}/me`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
