/** A test page bundled into a temporary folder, served, and open in headless Chromium. */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { collectErrors, launchChromium } from './chromium.js';
import { PAGE_GLOBAL } from './page.js';
import { serve } from './serve.js';

export interface SessionOptions<T> {
  /** The prefix of the temporary folder the page is written to (`profundo-cpu-`, say). */
  tmpPrefix: string;
  /** Writes the page's files into `dir` (with `bundlePage`, say); what it returns is the session's `prepared`. */
  prepare(dir: string): Promise<T>;
  /** Headers the server sets on every response. */
  headers?: Record<string, string>;
  /** Chromium flags besides the base ones. */
  flags?: readonly string[];
  /** Collect the errors the page's workers log too. */
  workerErrors?: boolean;
  /** How long the page's module may take to load, in milliseconds. */
  loadTimeout: number;
}

/** A running browser session with the test page loaded. */
export interface BrowserSession<T = void> {
  page: Page;
  /** Chromium's version string. */
  version: string;
  /** What `prepare` returned. */
  prepared: T;
  /** Errors the page (and, with `workerErrors`, a worker it started) logged or threw. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Prepares the page in a temporary folder, serves it, and opens it in headless Chromium;
 * resolves once the page's module has exposed its API (see `exposePageApi`).
 */
export async function openSession<T>(options: SessionOptions<T>): Promise<BrowserSession<T>> {
  const dir = mkdtempSync(join(tmpdir(), options.tmpPrefix));
  let browser: Browser | null = null;
  let server: Server | null = null;
  try {
    const prepared = await options.prepare(dir);
    const served = await serve(dir, { headers: options.headers });
    server = served.server;
    browser = await launchChromium(options.flags);
    const page = await browser.newPage();
    const errors = collectErrors(page, { workers: options.workerErrors });
    await page.goto(served.url);
    try {
      await page.waitForFunction((name) => (globalThis as Record<string, unknown>)[name] !== undefined, PAGE_GLOBAL, { timeout: options.loadTimeout });
    } catch (e) {
      throw new Error(`the test page did not load: ${(e as Error).message}\npage errors: ${errors.join('\n') || 'none'}`);
    }
    const b = browser;
    const s = server;
    return {
      page,
      version: b.version(),
      prepared,
      errors,
      close: async () => {
        await b.close();
        await new Promise((r) => s.close(r));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await browser?.close();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
