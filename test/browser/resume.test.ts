/**
 * Resume in the browser, in a real Chromium against the sandbox: a page reload continues the stored
 * upload link with no second ticket; pause (AbortSignal) then resume continues it too; a dead link
 * asks the ticket endpoint again with the old video, which gets a new version, not a second video.
 * Each ends with the sandbox's bytes compared to the file's.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, openDemo, pageState, settled, useBrowserFixture } from './chromium.js';

const MiB = 1024 * 1024;

/** Wait until the page's upload has at least `bytes` acknowledged. */
async function ackedAtLeast(page: Page, bytes: number): Promise<void> {
  await page.waitForFunction(
    (min) => {
      const { state } = (
        globalThis as unknown as { vimeoTus: { state: { progress: { bytesAcked: number } | null } } }
      ).vimeoTus;
      return (state.progress?.bytesAcked ?? 0) >= min;
    },
    bytes,
    { timeout: 60_000, polling: 20 },
  );
}

/** The keys the page's origin keeps in localStorage for unfinished uploads. */
function storedUploads(page: Page): Promise<string[]> {
  return page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('vimeo-tus:')));
}

describe.runIf(chromiumAvailable())('browser resume in Chromium', () => {
  const fx = useBrowserFixture();

  it('a reload at about 40 % continues the same upload link, with no second ticket', async () => {
    const file = await fx.file(24 * MiB);
    const demo = await fx.demo({
      chunkSizeBytes: 2 * MiB,
      sandbox: { faults: { throttleBytesPerSecond: 8 * MiB } },
    });
    const page = await fx.page();
    await openDemo(page, demo.url);
    await page.setInputFiles('#picker', file.path);
    await ackedAtLeast(page, Math.round(0.4 * file.sizeBytes));
    const before = await pageState(page);
    expect(await storedUploads(page)).toHaveLength(1);

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    // The same file picked again after the reload (same name, size, lastModified, type).
    await page.setInputFiles('#picker', file.path);
    const after = await settled(page);

    expect(after.error).toBeNull();
    expect(after.result).toMatchObject({
      complete: true,
      videoUri: before.result?.videoUri ?? after.result?.videoUri,
    });
    expect(after.events.map((event) => event.name)).toContain('resumed');
    expect(after.events.map((event) => event.name)).not.toContain('ticket');
    expect(demo.tickets).toHaveLength(1);
    expect(after.result?.videoUri).toBe(demo.tickets[0]?.videoUri);
    // It went on from the host's offset: the first acknowledged figure after the reload is at least
    // what was acknowledged before it.
    expect(after.progressLog[0]?.[1]).toBeGreaterThanOrEqual(before.progress?.bytesAcked ?? 0);
    expect(after.progress?.bytesSent).toBeLessThan(file.sizeBytes);
    // Verified: the stored link is forgotten.
    expect(await storedUploads(page)).toEqual([]);

    const sandbox = await demo.sandbox.state();
    expect(sandbox.videos).toHaveLength(1);
    expect(sandbox.videos[0]?.versions).toHaveLength(0);
    expect(sandbox.videos[0]?.sha256).toBe(file.sha256);
  }, 120_000);

  it('pause (abort) then resume continues the same link, byte for byte', async () => {
    const file = await fx.file(24 * MiB);
    const demo = await fx.demo({
      chunkSizeBytes: 2 * MiB,
      sandbox: { faults: { throttleBytesPerSecond: 8 * MiB } },
    });
    const page = await fx.page();
    await openDemo(page, demo.url);
    await page.setInputFiles('#picker', file.path);
    await ackedAtLeast(page, 4 * MiB);
    await page.click('#pause');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { vimeoTus: { state: { error: { code?: string } | null } } }).vimeoTus.state
          .error?.code === 'E_ABORTED',
      null,
      { timeout: 30_000 },
    );
    const paused = await pageState(page);
    expect(paused.result).toBeNull();
    expect(await storedUploads(page)).toHaveLength(1);

    await page.click('#resume');
    const done = await settled(page);
    expect(done.error).toBeNull();
    expect(done.result?.complete).toBe(true);
    expect(done.events.map((event) => event.name)).toContain('resumed');
    expect(demo.tickets).toHaveLength(1);
    const sandbox = await demo.sandbox.state();
    expect(sandbox.videos).toHaveLength(1);
    expect(sandbox.videos[0]?.sha256).toBe(file.sha256);
  }, 120_000);

  it('a dead link asks for a new ticket naming the old video: a new version of it, not a second video', async () => {
    const file = await fx.file(4 * MiB);
    const demo = await fx.demo({
      chunkSizeBytes: 1 * MiB,
      sandbox: { faults: { throttleBytesPerSecond: 1 * MiB } },
    });
    const page = await fx.page();
    await openDemo(page, demo.url);
    await page.setInputFiles('#picker', file.path);
    await ackedAtLeast(page, 1 * MiB);
    await page.click('#pause');
    await page.waitForSelector('#resume:not([disabled])');
    // The first link dies: it is older than the TTL now in force; a link issued now lives 4 s,
    // ample for the 4 MiB unthrottled.
    const ttlMs = 4000;
    const issuedAtMs = demo.tickets[0]?.issuedAtMs ?? 0;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, issuedAtMs + ttlMs + 200 - Date.now())));
    demo.sandbox.setFaults({ linkTtlMs: ttlMs });

    await page.click('#resume');
    const done = await settled(page);
    expect(done.error).toBeNull();
    expect(done.result?.complete).toBe(true);
    const names = done.events.map((event) => event.name);
    expect(names).toContain('new-version');
    expect(demo.tickets).toHaveLength(2);
    const [first, second] = demo.tickets;
    expect(second?.body.replace).toBe(first?.videoUri);
    expect(second?.videoUri).toBe(first?.videoUri);
    expect(done.result?.videoUri).toBe(first?.videoUri);

    const sandbox = await demo.sandbox.state();
    expect(sandbox.videos).toHaveLength(1);
    expect(sandbox.videos[0]?.versions).toHaveLength(1);
    // The video's current upload is the version's: every byte of the file.
    expect(sandbox.videos[0]?.sha256).toBe(file.sha256);
    expect(await storedUploads(page)).toEqual([]);
  }, 120_000);
});
