/**
 * Debian's Chromium driven by playwright-core, for the browser tests. playwright-core never
 * downloads a browser: it is pointed at /usr/bin/chromium. Where Chromium is missing the tests are
 * skipped, except when VIMEO_TUS_REQUIRE_CHROMIUM=1 (CI), where a missing browser fails them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startWebDemo, type WebDemo, type WebDemoOptions } from '../../src/cli/web-demo/server.js';
import { BROWSER_BUNDLE, buildDist } from '../cli/helpers/spawn-cli.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Whether the browser tests run here; throws when CI requires them and Chromium is missing. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.VIMEO_TUS_REQUIRE_CHROMIUM === '1') {
    throw new Error(`VIMEO_TUS_REQUIRE_CHROMIUM=1 but ${CHROMIUM_PATH} is missing: apt-get install chromium`);
  }
  return false;
}

/** Build dist/ (the browser bundle the page loads) and start Chromium. */
export async function launchChromium(): Promise<Browser> {
  await buildDist();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** A file of random bytes in a fresh temporary folder, and its SHA-256. */
export interface SampleFile {
  readonly path: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  remove(): Promise<void>;
}

export async function sampleFile(sizeBytes: number, name = 'talk.mp4'): Promise<SampleFile> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vimeo-tus-browser-'));
  const bytes = randomBytes(sizeBytes);
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return {
    path: file,
    sizeBytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** What the demo page's `vimeoTus.state` holds, as the tests read it. */
export interface PageState {
  readonly progress: { bytesSent: number; bytesAcked: number; bytesTotal: number } | null;
  readonly result: {
    videoUri: string;
    uploadOffset: number;
    uploadLength: number;
    complete: boolean;
    link: string;
  } | null;
  readonly error: { code?: string; message?: string } | null;
  readonly events: { name: string; payload: Record<string, unknown> }[];
  readonly progressLog: [number, number][];
}

/** The page's state now. */
export function pageState(page: Page): Promise<PageState> {
  return page.evaluate(() => {
    const { state } = (globalThis as unknown as { vimeoTus: { state: Record<string, unknown> } }).vimeoTus;
    return JSON.parse(JSON.stringify({ ...state, file: null, controller: null, upload: null })) as PageState;
  });
}

/** Wait until the page's upload ended: verified by the server, or failed. */
export async function settled(page: Page): Promise<PageState> {
  await page.waitForFunction(
    () => {
      const { state } = (
        globalThis as unknown as { vimeoTus: { state: { result: unknown; error: unknown } } }
      ).vimeoTus;
      return state.result !== null || state.error !== null;
    },
    null,
    { timeout: 90_000, polling: 50 },
  );
  return pageState(page);
}

/** Open the demo page and wait for its module. */
export async function openDemo(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
}

/** What a browser test file gets from {@link useBrowserFixture}. */
export interface BrowserFixture {
  /** A web demo server (sandbox, ticket endpoint, page), closed after the test. */
  demo(options?: Omit<WebDemoOptions, 'browserModulePath'>): Promise<WebDemo>;
  /** A page in a fresh browser context (its own localStorage), closed after the test. */
  page(options?: BrowserContextOptions): Promise<Page>;
  /** A random file, removed after the test. */
  file(sizeBytes: number, name?: string): Promise<SampleFile>;
}

/**
 * One Chromium per test file (started in beforeAll), and per test the demo servers, pages and
 * files it made, closed in afterEach. Call inside the `describe`.
 */
export function useBrowserFixture(): BrowserFixture {
  let browser: Browser | undefined;
  let cleanups: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    const pending = cleanups.reverse();
    cleanups = [];
    for (const cleanup of pending) await cleanup();
  });
  return {
    demo: async (options) => {
      const demo = await startWebDemo({ browserModulePath: BROWSER_BUNDLE, ...options });
      cleanups.push(() => demo.close());
      return demo;
    },
    page: async (options) => {
      if (!browser) throw new Error('Chromium did not start');
      const context = await browser.newContext(options);
      cleanups.push(() => context.close());
      return context.newPage();
    },
    file: async (sizeBytes, name) => {
      const file = await sampleFile(sizeBytes, name);
      cleanups.push(() => file.remove());
      return file;
    },
  };
}
