/**
 * `vimeo-tus demo --web` as a user runs it: the built binary prints the page's URL; the page, the
 * browser module and the ticket endpoint answer there (and the ticket endpoint makes a sandbox
 * video without the page ever seeing a token); Ctrl-C stops everything.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, buildDist } from './helpers/spawn-cli.js';

beforeAll(async () => {
  await buildDist();
}, 120_000);

describe('vimeo-tus demo --web', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints the URL of a page that uploads from the browser, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, 'demo', '--web'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = /^(http:\/\/127\.0\.0\.1:\d+\/)\n/m.exec(stdout);
        if (line?.[1]) resolve(line[1]);
      });
      child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>vimeo-tus: upload from the browser</title>');
    const module = await fetch(new URL('/vimeo-tus-browser.js', url));
    expect(module.headers.get('content-type')).toMatch(/javascript/);
    expect(await module.text()).toMatch(/export\s*\{[^}]*uploadFile/);
    const ticket = await fetch(new URL('/upload-ticket', url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ size: 1024, name: 'a.mp4' }),
    });
    expect(ticket.status).toBe(200);
    const body = (await ticket.json()) as Record<string, string>;
    expect(body.videoUri).toMatch(/^\/videos\/\d+$/);
    expect(JSON.stringify(body)).not.toContain('sandbox-token');

    expect(stderr).toContain(`Open ${url}`);
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    // Nothing listens any more.
    await expect(fetch(url)).rejects.toThrow();
  }, 60_000);
});
