/**
 * The documentation site in headless Chromium: builds it as `pnpm run docs` does (the live demo
 * and typedoc's pages) into a temporary folder, serves it from 127.0.0.1, runs the demo on each
 * backend (a set number of training steps: the loss must fall, in the mode picked; then a drawn
 * digit: ten probabilities summing to 1), checks every link, and opens the index, every guide
 * and every package page with no console errors. typedoc runs while the demo is tested.
 * Screenshots and a report go to test-output/docs/.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { collectErrors, launchChromium } from '@profundo/browser-test';
import { brokenLink, brokenLinks, buildApiSite, buildDemoPage, fileFor, listFiles, ROOT, serveSite } from './site.js';

/** WebGPU through SwiftShader's Vulkan (WebGL2 is there without flags). */
const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader'];
/** Training steps per backend: enough for the loss to fall clearly, few on software GPUs. */
const STEPS = 12;
/** Test digits the accuracy is measured on: a fifth of the set, since software GPUs are slow. */
const TEST_DIGITS = 200;
const BACKENDS = ['cpu', 'webgl2', 'webgpu'] as const;
const SHOTS = join(ROOT, 'test-output/docs');

interface DemoState {
  phase: string;
  offered: Record<string, boolean> | null;
  running: { name: string; choice: string; mode: string; label: string } | null;
  fallback: string | null;
  step: number;
  losses: number[];
  accuracy: { step: number; value: number }[];
  probabilities: number[] | null;
  predictions: number;
  msPerStep: number | null;
  error: string | null;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('documentation site in headless Chromium', () => {
  let dir = '';
  let demoSizes: Record<string, number> = {};
  /** typedoc's run: what it printed, or why it failed. */
  let apiSite: Promise<string | Error> = Promise.resolve(new Error('not started'));
  let server: Server | null = null;
  let base = '';
  let missing: string[] = [];
  let browser: Browser | null = null;
  const results: Record<string, DemoState> = {};
  const report: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'profundo-site-'));
    demoSizes = await buildDemoPage(join(dir, 'demo'));
    const t = performance.now();
    apiSite = buildApiSite(dir).then(
      (out) => {
        report.push(`typedoc built the site in ${((performance.now() - t) / 1000).toFixed(1)} s (alongside the demo runs)`);
        return out;
      },
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    const served = await serveSite(dir);
    server = served.server;
    base = served.url;
    missing = served.missing;
    browser = await launchChromium(WEBGPU_FLAGS);
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);

  /** typedoc's output, once it has finished; throws its error if it failed. */
  async function typedocOutput(): Promise<string> {
    const out = await apiSite;
    if (out instanceof Error) throw out;
    return out;
  }

  afterAll(async () => {
    await apiSite; // never leave typedoc writing into a folder being removed
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (report.length) {
      writeFileSync(join(SHOTS, 'report.txt'), `${report.join('\n')}\n`);
      console.log(report.join('\n'));
    }
  });

  /** Opens `path` of the site in a new page; resolves to the page and the errors it logs. */
  async function open(path: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectErrors(page);
    const requests: string[] = [];
    page.on('request', (r) => r.url().startsWith(base) && requests.push(new URL(r.url()).pathname));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on('response', (r) => r.status() >= 400 && errors.push(`HTTP ${r.status()}: ${r.url()}`));
    await page.goto(base + path, { waitUntil: 'load' });
    return { page, errors, requests };
  }

  it('the demo is small: compact data, gpu.js in a chunk of its own', () => {
    const js = Object.entries(demoSizes).filter(([f]) => f.endsWith('.js'));
    const initial = (demoSizes['main.js'] ?? 0) + js.filter(([f]) => f.startsWith('chunks/chunk-')).reduce((n, [, s]) => n + s, 0);
    report.push(
      `demo build: data ${demoSizes['mnist.bin']} bytes; JS ${js.reduce((n, [, s]) => n + s, 0)} bytes in all, ` +
        `${initial} in main.js and the chunks it shares, the rest loaded with a GPU backend`,
    );
    // A compact data file, not the mnist package's 29 MB of JSON.
    expect(demoSizes['mnist.bin']).toBeLessThan(1_200_000);
    expect(demoSizes['main.js']).toBeLessThan(400_000);
    expect(js.some(([f]) => f.includes('gpu-browser'))).toBe(true);
  });

  for (const backend of BACKENDS) {
    it(`demo: ${STEPS} training steps on ${backend} lower the loss in that mode; a drawn digit gets ten probabilities summing to 1`, async () => {
      const started = performance.now();
      const { page, errors, requests } = await open(`demo/index.html?steps=${STEPS}&testDigits=${TEST_DIGITS}`);
      await page.waitForFunction(() => {
        const s = (globalThis as { profundoDemo?: DemoState }).profundoDemo;
        return s?.phase === 'ready' || s?.phase === 'error';
      }, null, { timeout: 30_000 });
      if (backend === 'cpu') {
        // What a visitor downloads before training: the page, its module and the digits, no gpu.js.
        const bytes = (paths: string[]) => paths.reduce((n, p) => n + statSync(fileFor(dir, p)!).size, 0);
        const loaded = [...new Set(requests)];
        const js = loaded.filter((p) => p.endsWith('.js'));
        report.push(`demo page load: ${bytes(loaded)} bytes (${loaded.length} files: JS ${bytes(js)}, data ${bytes(loaded.filter((p) => p.endsWith('.bin')))})`);
        expect(loaded.some((p) => p.includes('gpu-browser'))).toBe(false);
        expect(bytes(loaded)).toBeLessThan(1_500_000);
      }
      const offered = await page.evaluate(() => (globalThis as unknown as { profundoDemo: DemoState }).profundoDemo.offered);
      // Chromium here has WebGL2 (SwiftShader) and, with the flags above, WebGPU: each must be offered.
      expect(offered?.[backend], `${backend} offered`).toBe(true);

      await page.selectOption('#backend', backend);
      await page.click('#train');
      await page.waitForFunction(() => {
        const s = (globalThis as { profundoDemo?: DemoState }).profundoDemo;
        return s?.phase === 'done' || s?.phase === 'error';
      }, null, { timeout: 180_000, polling: 250 });
      const s = await page.evaluate(() => (globalThis as unknown as { profundoDemo: DemoState }).profundoDemo);
      expect(s.error).toBeNull();
      // The mode the backend reports, with no fallback to another.
      expect(s.fallback).toBeNull();
      expect(s.running).toMatchObject({ choice: backend, mode: backend });
      expect(await page.locator('#running').getAttribute('data-mode')).toBe(backend);
      expect(s.losses).toHaveLength(STEPS);
      for (const l of s.losses) expect(Number.isFinite(l)).toBe(true);
      const before = mean(s.losses.slice(0, 3));
      const after = mean(s.losses.slice(-3));
      expect(after).toBeLessThan(before);
      expect(s.accuracy.at(-1)?.step).toBe(STEPS);
      const accuracy = s.accuracy.at(-1)!.value;
      expect(accuracy).toBeGreaterThanOrEqual(0);
      expect(accuracy).toBeLessThanOrEqual(1);

      // Draw a "7": a bar across the top, then a stroke down to the bottom left.
      const pad = page.locator('#pad');
      await pad.scrollIntoViewIfNeeded();
      const box = (await pad.boundingBox())!;
      const at = (x: number, y: number) => [box.x + (x * box.width) / 280, box.y + (y * box.height) / 280] as const;
      await page.mouse.move(...at(70, 60));
      await page.mouse.down();
      await page.mouse.move(...at(210, 60), { steps: 8 });
      await page.mouse.move(...at(120, 230), { steps: 10 });
      await page.mouse.up();
      await page.waitForFunction(() => {
        const st = (globalThis as { profundoDemo?: DemoState }).profundoDemo;
        return st !== undefined && st.predictions > 0 && st.probabilities !== null;
      }, null, { timeout: 60_000 });
      await page.waitForTimeout(300); // the last prediction of the stroke, and the bars' transition
      const p = (await page.evaluate(() => (globalThis as unknown as { profundoDemo: DemoState }).profundoDemo.probabilities))!;
      expect(p).toHaveLength(10);
      for (const v of p) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
      }
      expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
      const shown = await page.locator('#probs .value').allTextContents();
      expect(shown).toHaveLength(10);
      await page.screenshot({ path: join(SHOTS, `demo-${backend}.png`), fullPage: true });
      // gpu.js is fetched only for a GPU backend.
      expect(requests.some((p) => p.includes('gpu-browser'))).toBe(backend !== 'cpu');
      expect(errors).toEqual([]);
      await page.close();
      results[backend] = s;
      report.push(
        `demo on ${backend}: ran '${s.running!.label}'; loss ${s.losses[0]!.toFixed(4)} -> ${s.losses.at(-1)!.toFixed(4)} ` +
          `(mean of first 3 ${before.toFixed(4)}, last 3 ${after.toFixed(4)}); test accuracy ${(accuracy * 100).toFixed(1)}%; ` +
          `${s.msPerStep!.toFixed(0)} ms/step; drawn 7 -> ${p.indexOf(Math.max(...p))} (${(Math.max(...p) * 100).toFixed(1)}%); ` +
          `${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }, 240_000);
  }

  it('the GPU modes follow the CPU loss curve (same seed, same batches)', () => {
    const cpu = results.cpu?.losses;
    expect(cpu, 'the CPU run').toBeDefined();
    for (const mode of ['webgl2', 'webgpu']) {
      const gpu = results[mode]?.losses;
      expect(gpu, `the ${mode} run`).toBeDefined();
      for (let i = 0; i < cpu!.length; i++) expect(Math.abs(gpu![i]! - cpu![i]!) / cpu![i]!).toBeLessThan(1e-3);
    }
  });

  it('typedoc builds the rest of the site with no warnings', async () => {
    expect(await typedocOutput()).not.toMatch(/\[warning\]|\[error\]/);
    const files = listFiles(dir);
    expect(files).toContain('index.html');
    expect(files).toContain('demo/index.html');
  }, 240_000);

  it('the link check catches what it should', async () => {
    await typedocOutput();
    expect(brokenLink(dir, 'index.html', 'no-such-page.html')).toMatch(/names no file/);
    expect(brokenLink(dir, 'index.html', 'index.html#no-such-anchor')).toMatch(/no id/);
    expect(brokenLink(dir, 'demo/index.html', '../index.html')).toBeNull();
    expect(brokenLink(dir, 'index.html', 'site:demo/index.html')).toMatch(/unknown scheme/);
    expect(brokenLink(dir, 'index.html', 'https://example.com/x')).toBeNull();
  });

  it('has no broken internal links', async () => {
    await typedocOutput();
    const { pages, links, broken } = brokenLinks(dir);
    report.push(`links: ${links} links on ${pages} pages checked, ${broken.length} broken`);
    expect(pages).toBeGreaterThan(10);
    expect(broken).toEqual([]);
  });

  it('opens the index, every guide and every package page with no console errors', async () => {
    await typedocOutput();
    const files = listFiles(dir).filter((f) => f.endsWith('.html'));
    const guides = files.filter((f) => f.startsWith('documents/'));
    const packages = files.filter((f) => f.startsWith('modules/'));
    expect(guides.length).toBeGreaterThan(0);
    expect(packages.length).toBeGreaterThanOrEqual(7);
    const pages = ['index.html', ...(files.includes('modules.html') ? ['modules.html'] : []), ...guides, ...packages];
    report.push(`pages opened: ${pages.length} (${guides.length} guides, ${packages.length} package/module pages)`);
    // The screenshot shows a guide itself, not the guides' index page, where there is one.
    const guideShot = guides.find((g) => !g.endsWith('/Guides.html')) ?? guides[0];
    const problems: string[] = [];
    const domLinks = new Map<string, string>();
    for (const path of pages) {
      const { page, errors } = await open(path);
      // typedoc draws the navigation from a script: wait for it, then check the links it drew.
      await page.waitForLoadState('networkidle');
      const hrefs = await page.evaluate(() => Array.from(document.querySelectorAll('a[href]'), (a) => (a as HTMLAnchorElement).href));
      for (const h of hrefs) if (h.startsWith(base)) domLinks.set(h.slice(base.length), path);
      if (path === 'index.html') await page.screenshot({ path: join(SHOTS, 'index.png'), fullPage: false });
      if (path === guideShot) {
        await page.screenshot({ path: join(SHOTS, 'guide.png'), fullPage: false });
        report.push(`guide screenshot: ${path}`);
      }
      for (const e of errors) problems.push(`${path}: ${e}`);
      await page.close();
    }
    for (const [link, from] of domLinks) {
      const why = brokenLink(dir, '', link);
      if (why) problems.push(`${from} (drawn link): ${why}`);
    }
    if (missing.includes('/favicon.ico')) {
      problems.push("the site has no /favicon.ico: Chromium asks for one and logs the 404 as a console error (typedoc's `favicon` option adds one)");
    }
    expect(problems).toEqual([]);
    expect(missing).toEqual([]);
  }, 240_000);
});
