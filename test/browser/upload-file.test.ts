/**
 * `vimeo-tus/browser` in a real Chromium against the sandbox, through the web demo's server (ticket
 * endpoint, page, built module): the bytes go from the page straight to the sandbox's upload host
 * (another origin: CORS), and the sandbox's introspection checks them byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, openDemo, settled, useBrowserFixture } from './chromium.js';

const MiB = 1024 * 1024;

describe.runIf(chromiumAvailable())('uploadFile in Chromium', () => {
  const fx = useBrowserFixture();

  it('uploads 24 MiB through a connection reset, acknowledged bytes never going back, byte for byte', async () => {
    const file = await fx.file(24 * MiB);
    // The second PATCH is cut after 3 MiB of its body.
    const demo = await fx.demo({
      chunkSizeBytes: 8 * MiB,
      sandbox: { faults: { resets: [{ nth: 2, afterBytes: 3 * MiB }] } },
    });
    const page = await fx.page();
    await openDemo(page, demo.url);
    await page.setInputFiles('#picker', file.path);
    const state = await settled(page);

    expect(state.error).toBeNull();
    expect(state.result).toMatchObject({
      complete: true,
      uploadOffset: file.sizeBytes,
      uploadLength: file.sizeBytes,
    });
    // The reset was met and retried after a HEAD resync. Chromium itself sends a request cut on a
    // kept-alive connection once more: then the host's 409 (it kept the 3 MiB) is what the retry sees.
    const retries = state.events.filter((event) => event.name === 'retry');
    expect(retries.length).toBeGreaterThan(0);
    expect(['E_NETWORK', 'E_OFFSET_MISMATCH']).toContain(retries[0]?.payload.code);
    // Acknowledged never goes back; what was sent covers at least the whole file.
    const acked = state.progressLog.map(([, ack]) => ack);
    for (let i = 1; i < acked.length; i++) expect(acked[i]).toBeGreaterThanOrEqual(acked[i - 1] ?? 0);
    expect(state.progress?.bytesAcked).toBe(file.sizeBytes);
    expect(state.progress?.bytesSent).toBeGreaterThanOrEqual(file.sizeBytes);

    const sandbox = await demo.sandbox.state();
    expect(sandbox.counters.faultsInjected.patch).toBe(1);
    expect(sandbox.videos).toHaveLength(1);
    const [video] = sandbox.videos;
    expect(video?.uri).toBe(state.result?.videoUri);
    expect(video?.storedBytes).toBe(file.sizeBytes);
    expect(video?.sha256).toBe(file.sha256);
    // The page never held the token: nothing it sent to the upload host carried one, and it sent
    // no tus header to the API host (it never talks to it).
    expect(video?.uploadHostSawToken).toBe(false);
    expect(sandbox.counters.apiRequestsWithTusHeaders).toBe(0);
    expect(demo.tickets).toHaveLength(1);
  }, 120_000);
});
