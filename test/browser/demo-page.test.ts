/**
 * The web demo's page in a real Chromium: pick a file, watch both bars fill, see the result the
 * server confirmed (with the video's link); a dropped file uploads too. Each run keeps its
 * screenshot in .tmp/ (ignored by git); VIMEO_TUS_UPDATE_SCREENSHOT=1 writes docs/browser-demo.png
 * instead, so that a test run never changes a tracked file by itself.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/helpers/spawn-cli.js';
import { chromiumAvailable, openDemo, settled, useBrowserFixture } from './chromium.js';

const MiB = 1024 * 1024;
const SCREENSHOT = process.env.VIMEO_TUS_UPDATE_SCREENSHOT
  ? path.join(ROOT, 'docs/browser-demo.png')
  : path.join(ROOT, '.tmp/browser-demo.png');

describe.runIf(chromiumAvailable())('the web demo page in Chromium', () => {
  const fx = useBrowserFixture();

  it('a picked file: both bars full, the server-confirmed result with its link, and a screenshot', async () => {
    const file = await fx.file(12 * MiB, 'keynote.mp4');
    const demo = await fx.demo({
      chunkSizeBytes: 4 * MiB,
      sandbox: { faults: { throttleBytesPerSecond: 24 * MiB } },
    });
    const page = await fx.page({ viewport: { width: 760, height: 420 } });
    await openDemo(page, demo.url);
    await page.setInputFiles('#picker', file.path);
    const state = await settled(page);
    expect(state.error).toBeNull();
    expect(state.result).toMatchObject({ complete: true, uploadOffset: file.sizeBytes });

    const resultText = await page.textContent('#result');
    expect(resultText).toContain(`Verified by the server: ${file.sizeBytes} of ${file.sizeBytes} bytes`);
    const link = await page.getAttribute('#result a', 'href');
    expect(link).toBe(state.result?.link);
    expect(link).toMatch(/^https:\/\/vimeo\.com\/\d+$/);
    expect(await page.textContent('#acked-num')).toBe('12.0 MiB / 12.0 MiB');
    const widths = await page.evaluate(() =>
      ['sent', 'acked'].map((id) => (document.getElementById(id) as HTMLElement).style.width),
    );
    expect(widths).toEqual(['100%', '100%']);
    expect(await page.isDisabled('#pause')).toBe(true);
    await page.screenshot({ path: SCREENSHOT });

    const sandbox = await demo.sandbox.state();
    expect(sandbox.videos[0]?.sha256).toBe(file.sha256);
  }, 120_000);

  it('a dropped file uploads as well', async () => {
    const demo = await fx.demo({ chunkSizeBytes: 1 * MiB });
    const page = await fx.page({ viewport: { width: 760, height: 420 } });
    await openDemo(page, demo.url);
    // A drop event carrying a File, as a drag from the desktop delivers it.
    const sha256 = await page.evaluate(async () => {
      const bytes = new Uint8Array(3 * 1024 * 1024);
      for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'dropped.mp4', { type: 'video/mp4' }));
      const drop = document.getElementById('drop') as HTMLElement;
      drop.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      const digest = await crypto.subtle.digest('SHA-256', bytes);
      return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    });
    const state = await settled(page);
    expect(state.error).toBeNull();
    expect(state.result?.complete).toBe(true);
    const sandbox = await demo.sandbox.state();
    expect(sandbox.videos).toHaveLength(1);
    expect(sandbox.videos[0]?.name).toBe('dropped.mp4');
    expect(sandbox.videos[0]?.sha256).toBe(sha256);
  }, 120_000);
});
