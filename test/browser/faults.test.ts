/**
 * `uploadFile`'s own rules in a real Chromium, called as an app calls it: retries with backoff and
 * a HEAD resync after a 503, a 429 with Retry-After and a stall (the stall timeout cuts it); typed
 * errors with stable codes for an empty file and a failing ticket function; messages that never
 * name the upload link.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, openDemo, useBrowserFixture } from './chromium.js';

const MiB = 1024 * 1024;

interface Outcome {
  readonly result?: { videoUri: string; uploadOffset: number; uploadLength: number } | undefined;
  readonly error?: { name: string; code: string; message: string; event?: string | undefined } | undefined;
  readonly retries: { code: string; reason: string; delayMs: number }[];
}

describe.runIf(chromiumAvailable())('uploadFile rules in Chromium', () => {
  const fx = useBrowserFixture();

  /** Runs uploadFile in the page on the picked file (or an empty Blob), with a ticket that may fail. */
  function runInPage(page: Page, mode: 'picked' | 'empty' | 'failing-ticket'): Promise<Outcome> {
    return page.evaluate(async (how) => {
      const api = (
        globalThis as unknown as {
          vimeoTus: {
            uploadFile: (
              file: Blob,
              options: Record<string, unknown>,
            ) => {
              done: Promise<Outcome['result']>;
              on: (event: string, listener: (payload: never) => void) => void;
            };
            ticket: (request: unknown) => Promise<unknown>;
          };
        }
      ).vimeoTus;
      const picked = (document.getElementById('picker') as HTMLInputElement).files?.[0];
      const file = how === 'empty' ? new Blob([]) : (picked as File);
      const ticket =
        how === 'failing-ticket'
          ? () => Promise.reject(new Error('the app refused'))
          : (request: unknown) => api.ticket(request);
      const retries: Outcome['retries'] = [];
      const upload = api.uploadFile(file, {
        ticket,
        chunkSizeBytes: 2 * 1024 * 1024,
        stallTimeoutMs: 1000,
        retry: { initialDelayMs: 50, maxDelayMs: 200 },
        storage: null,
      });
      upload.on('retry', (event: Outcome['retries'][number]) => retries.push(event));
      try {
        return { result: await upload.done, retries };
      } catch (caught) {
        const error = caught as { name: string; code: string; message: string; event?: string };
        return {
          error: { name: error.name, code: error.code, message: error.message, event: error.event },
          retries,
        };
      }
    }, mode);
  }

  it('retries after a 503, a 429 and a stall (cut by the stall timeout), then a HEAD shows every byte', async () => {
    const file = await fx.file(8 * MiB);
    const demo = await fx.demo({
      sandbox: {
        faults: {
          status: [
            { kind: 'patch', nth: 1, status: 503 },
            { kind: 'patch', nth: 3, status: 429, retryAfterSeconds: 1 },
          ],
          // The fifth PATCH stops being read after 256 KiB, for longer than the stall timeout.
          stalls: [{ nth: 5, afterBytes: 256 * 1024, durationMs: 4000 }],
        },
      },
    });
    const page = await fx.page();
    await openDemo(page, demo.url);
    // Picked, without starting the page's own upload: the change listener is removed first.
    await page.evaluate(() => {
      const picker = document.getElementById('picker') as HTMLInputElement;
      picker.replaceWith(picker.cloneNode(true));
    });
    await page.setInputFiles('#picker', file.path);
    const outcome = await runInPage(page, 'picked');

    expect(outcome.error).toBeUndefined();
    expect(outcome.result).toMatchObject({ uploadOffset: file.sizeBytes, uploadLength: file.sizeBytes });
    const codes = outcome.retries.map((retry) => retry.code);
    expect(codes).toEqual(expect.arrayContaining(['E_SERVER', 'E_RATE_LIMITED', 'E_STALLED']));
    // A page reads only the headers the host exposes (CORS): Upload-Offset and Upload-Length, not
    // Retry-After. So the 429 is retried after the backoff; where a host exposes Retry-After, the
    // shared rule waits at least that long.
    expect(outcome.retries.find((retry) => retry.code === 'E_RATE_LIMITED')?.delayMs).toBeGreaterThan(0);
    // No message names the upload link or its id.
    const uploadId = demo.tickets[0] ? (await demo.sandbox.state()).videos[0]?.uploadId : undefined;
    expect(uploadId).toMatch(/^[0-9a-f]{32}$/);
    for (const retry of outcome.retries) expect(retry.reason).not.toContain(uploadId);

    const sandbox = await demo.sandbox.state();
    expect(sandbox.videos).toHaveLength(1);
    expect(sandbox.videos[0]?.sha256).toBe(file.sha256);
  }, 120_000);

  it('typed errors: an empty file (E_FILE_EMPTY, no ticket asked), a failing ticket function (E_LISTENER)', async () => {
    const file = await fx.file(1 * MiB);
    const demo = await fx.demo();
    const page = await fx.page();
    await openDemo(page, demo.url);
    const empty = await runInPage(page, 'empty');
    expect(empty.error).toMatchObject({ name: 'FileError', code: 'E_FILE_EMPTY' });
    await page.evaluate(() => {
      const picker = document.getElementById('picker') as HTMLInputElement;
      picker.replaceWith(picker.cloneNode(true));
    });
    await page.setInputFiles('#picker', file.path);
    const refused = await runInPage(page, 'failing-ticket');
    expect(refused.error).toMatchObject({ name: 'ListenerError', code: 'E_LISTENER', event: 'ticket' });
    expect(refused.error?.message).toContain('the app refused');
    expect(demo.tickets).toHaveLength(0);
    expect((await demo.sandbox.state()).counters.createCalls).toBe(0);
  }, 120_000);
});
