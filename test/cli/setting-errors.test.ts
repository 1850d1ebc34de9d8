/**
 * Errors a user causes name the setting they set, in one line, before any work: the built binary,
 * over real sockets on 127.0.0.1.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist, runBin } from './helpers/spawn-cli.js';

let dir: string;
const TOKEN = 'tok-NEVER-SHOWN-4242';

beforeAll(async () => {
  await buildDist();
  dir = await mkdtemp(path.join(tmpdir(), 'vimeo-tus-settings-'));
  await writeFile(path.join(dir, 'f3.mp4'), Buffer.alloc(4000, 3));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}) {
  return runBin(args, {
    cwd: dir,
    env: { VIMEO_TUS_STATE_DIR: path.join(dir, 'state'), ...env },
  }).done;
}

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = await listening();
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function listening(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function expectOneLine(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toContain('unexpected error');
}

describe('errors that name the setting', () => {
  it('a bad VIMEO_API_URL is refused before any work, naming the variable (not the option apiUrl)', async () => {
    const result = await run(['upload', 'f3.mp4'], {
      VIMEO_TOKEN: TOKEN,
      VIMEO_API_URL: 'http://example.com',
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('VIMEO_API_URL');
    expect(result.stderr).not.toContain('apiUrl');
    expectOneLine(result.stderr);
  });

  it('a closed port names the URL that was tried, never the token', async () => {
    const port = await closedPort();
    const result = await run(['upload', 'f3.mp4'], {
      VIMEO_TOKEN: TOKEN,
      VIMEO_API_URL: `http://127.0.0.1:${port}`,
    });
    expect(result.code).toBe(6);
    expect(result.stdout).toContain(`GET http://127.0.0.1:${port}/me failed before an answer: ECONNREFUSED`);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
  }, 30_000);

  it('sandbox --port taken or out of range: one line naming the port, exit 2', async () => {
    const server = await listening();
    const { port } = server.address() as { port: number };
    try {
      const taken = await run(['sandbox', '--port', String(port)]);
      expect(taken.code).toBe(2);
      expect(taken.stderr.trim().split('\n')).toHaveLength(1);
      expect(taken.stderr).toContain(`port ${port} (--port) is already in use`);
      expectOneLine(taken.stderr);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const range = await run(['sandbox', '--port', '70000']);
    expect(range.code).toBe(2);
    expect(range.stderr).toContain('"70000" is not a port');
    expectOneLine(range.stderr);
  });

  it('sandbox --throttle takes a size like demo --rate', async () => {
    const sandbox = runBin(
      ['sandbox', '--throttle', '10MiB', '--json', '--port', '0', '--upload-port', '0'],
      {
        cwd: dir,
        env: {},
      },
    );
    const line = await sandbox.waitForLine((l) => l.startsWith('{'));
    expect(JSON.parse(line)).toHaveProperty('apiUrl');
    sandbox.child.kill('SIGINT');
    expect((await sandbox.done).code).toBe(0);
    const bad = await run(['sandbox', '--throttle', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Not a size: "fast"');
  });

  it('--chunk-size 0 and 1 get the same minimum, in the same style', async () => {
    const zero = await run(['upload', '--sandbox', '--chunk-size', '0', 'f3.mp4']);
    const one = await run(['upload', '--sandbox', '--chunk-size', '1', 'f3.mp4']);
    for (const [result, value] of [
      [zero, '0'],
      [one, '1'],
    ] as const) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `option '--chunk-size <size>' argument '${value}' is invalid. Too small: "${value}" (the smallest is 1MiB).`,
      );
    }
  });
});
