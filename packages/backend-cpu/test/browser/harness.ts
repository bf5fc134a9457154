/**
 * Runs the CPU backend's browser suites: bundles core (with its testing kit), this package and
 * the test page, serves them from 127.0.0.1 with or without the headers that make a page
 * cross-origin isolated, and drives Debian's Chromium, all through @profundo/browser-test; and
 * checks what this package's bundle imports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePage, openSession, type BrowserSession } from '@profundo/browser-test';

const PKG = fileURLToPath(new URL('../..', import.meta.url));

/** The headers that make a page cross-origin isolated (so it may share WebAssembly memory with workers). */
const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** The module specifiers a bundle's static and dynamic imports name. */
export function importsOf(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/(?:^|[;\s])(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g)) found.add(m[1]!);
  for (const m of code.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g)) found.add(m[1]!);
  for (const m of code.matchAll(/\brequire\s*\(\s*["']([^"']+)["']\s*\)/g)) found.add(m[1]!);
  return [...found].sort();
}

/**
 * Bundles every module the page needs into `dir`; returns the specifiers the backend's bundle
 * imports (only `@profundo/core` is acceptable: a Node builtin would break the page).
 */
async function preparePage(dir: string): Promise<string[]> {
  if (!existsSync(join(PKG, 'src/generated/wasm-modules.ts'))) {
    throw new Error('src/generated/wasm-modules.ts is missing: build the package first (pnpm run build)');
  }
  await bundlePage(dir, {
    root: PKG,
    entry: join(PKG, 'test/browser/page.ts'),
    title: 'Profundo CPU backend tests',
    backends: [{ specifier: '@profundo/backend-cpu', file: 'backend-cpu.js' }],
  });
  // The worker's program is a template literal that names node:worker_threads as text only:
  // drop template literals before looking for imports.
  const code = readFileSync(join(dir, 'backend-cpu.js'), 'utf8').replace(/`(?:\\[\s\S]|\$\{[^}]*\}|[^`\\])*`/g, '``');
  return importsOf(code);
}

/** A running browser session with the test page loaded. */
export interface Session extends BrowserSession<string[]> {
  /** The specifiers the backend's bundle imports. */
  bundleImports: string[];
}

/**
 * Bundles, serves (with the isolation headers on every response when `isolated`) and opens the
 * test page in headless Chromium; resolves once its module has loaded. Errors the page's
 * workers log count as the page's.
 */
export async function openPage(options: { isolated: boolean }): Promise<Session> {
  const session = await openSession({
    tmpPrefix: 'profundo-cpu-',
    prepare: preparePage,
    headers: options.isolated ? ISOLATION_HEADERS : {},
    workerErrors: true,
    loadTimeout: 30_000,
  });
  return { ...session, bundleImports: session.prepared };
}
