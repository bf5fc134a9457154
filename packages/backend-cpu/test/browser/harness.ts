/**
 * Runs the CPU backend's browser suites: bundles core (with its testing kit), this package and
 * the test page with esbuild, serves them from 127.0.0.1 with or without the headers that make
 * a page cross-origin isolated, and drives Debian's Chromium with playwright-core.
 *
 * (A small cousin of backend-gpujs's harness; packages do not import each other's tests.)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

const PKG = fileURLToPath(new URL('../..', import.meta.url));

/** Where Chromium lives on the development and CI machines (Debian's `chromium` package). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The bare specifiers the page imports, each served as its own module. */
const IMPORTS: Record<string, string> = {
  '@profundo/core': '/core.js',
  '@profundo/core/testing': '/core-testing.js',
  '@profundo/backend-cpu': '/backend-cpu.js',
};

/** The headers that make a page cross-origin isolated (so it may share WebAssembly memory with workers). */
const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** Resolves `virtual:NAME` entry points to modules that re-export a workspace package. */
function reexports(map: Record<string, string>): Plugin {
  return {
    name: 'reexports',
    setup(b) {
      b.onResolve({ filter: /^virtual:/ }, (args) => ({ path: args.path.slice(8), namespace: 'reexport' }));
      b.onLoad({ filter: /.*/, namespace: 'reexport' }, (args) => ({
        contents: `export * from '${map[args.path]}';`,
        resolveDir: PKG,
        loader: 'js',
      }));
    },
  };
}

const common = {
  bundle: true,
  format: 'esm' as const,
  platform: 'browser' as const,
  target: 'es2022',
  conditions: ['source'],
  logLevel: 'warning' as const,
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
export async function bundlePage(dir: string): Promise<string[]> {
  if (!existsSync(join(PKG, 'src/generated/wasm-modules.ts'))) {
    throw new Error('src/generated/wasm-modules.ts is missing: build the package first (pnpm run build)');
  }
  const core = { core: '@profundo/core', 'core-testing': '@profundo/core/testing' };
  // One build with code splitting, so that the kit and core share one registry.
  await build({
    ...common,
    entryPoints: Object.keys(core).map((k) => ({ in: `virtual:${k}`, out: k })),
    outdir: dir,
    splitting: true,
    plugins: [reexports(core)],
  });
  const cpu = { 'backend-cpu': '@profundo/backend-cpu' };
  await build({
    ...common,
    entryPoints: ['virtual:backend-cpu'],
    outfile: join(dir, 'backend-cpu.js'),
    external: ['@profundo/core'],
    plugins: [reexports(cpu)],
  });
  await build({
    ...common,
    entryPoints: [join(PKG, 'test/browser/page.ts')],
    outfile: join(dir, 'page.js'),
    external: Object.keys(IMPORTS),
  });
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>Profundo CPU backend tests</title><link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({ imports: IMPORTS })}</script>
<script type="module" src="/page.js"></script></head><body></body></html>`,
  );
  // The worker's program is a template literal that names node:worker_threads as text only:
  // drop template literals before looking for imports.
  const code = readFileSync(join(dir, 'backend-cpu.js'), 'utf8').replace(/`(?:\\[\s\S]|\$\{[^}]*\}|[^`\\])*`/g, '``');
  return importsOf(code);
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

/** Serves `dir` on 127.0.0.1 at a free port, with the isolation headers on every response when `isolated`. */
export async function serve(dir: string, isolated: boolean): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = join(dir, path === '/' ? 'index.html' : path.replace(/^\/+/, ''));
    if (!file.startsWith(dir)) {
      res.statusCode = 403;
      res.end();
      return;
    }
    if (isolated) for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
    try {
      const body = readFileSync(file);
      res.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}/` };
}

/** A running browser session with the test page loaded. */
export interface Session {
  page: Page;
  /** Chromium's version string. */
  version: string;
  /** The specifiers the backend's bundle imports. */
  bundleImports: string[];
  /** Errors the page (or a worker it started) logged or threw. */
  errors: string[];
  close(): Promise<void>;
}

/** Bundles, serves and opens the test page in headless Chromium; resolves once its module has loaded. */
export async function openPage(options: { isolated: boolean }): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'profundo-cpu-'));
  let browser: Browser | null = null;
  let server: Server | null = null;
  try {
    const bundleImports = await bundlePage(dir);
    const served = await serve(dir, options.isolated);
    server = served.server;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, ignoreDefaultArgs: ['--headless'] });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && errors.push(`worker: ${m.text()}`)));
    await page.goto(served.url);
    try {
      await page.waitForFunction(() => (globalThis as { profundo?: unknown }).profundo !== undefined, null, { timeout: 30_000 });
    } catch (e) {
      throw new Error(`the test page did not load: ${(e as Error).message}\npage errors: ${errors.join('\n') || 'none'}`);
    }
    const b = browser;
    const s = server;
    return {
      page,
      version: b.version(),
      bundleImports,
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
