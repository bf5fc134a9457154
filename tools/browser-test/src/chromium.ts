/** Headless Chromium through playwright-core, and the errors a page logs in it. */
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where Chromium lives on the development and CI machines (Debian's `chromium` package). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags every headless run uses. */
export const BASE_FLAGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts Chromium with the base flags and `extraFlags` (WebGPU's, say). */
export function launchChromium(extraFlags: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...BASE_FLAGS, ...extraFlags], ignoreDefaultArgs: ['--headless'] });
}

/**
 * Collects what `page` throws or logs as an error from now on, and with `workers` what the
 * workers it starts log as errors (prefixed `worker: `); the array fills as they come.
 */
export function collectErrors(page: Page, options: { workers?: boolean } = {}): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  if (options.workers) {
    page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && errors.push(`worker: ${m.text()}`)));
  }
  return errors;
}
