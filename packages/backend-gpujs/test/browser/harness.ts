/**
 * Runs the browser suites: bundles Profundo's modules for the page (core with its testing kit,
 * the CPU backend for comparisons, and this package's browser bundle, the
 * very file `scripts/bundle.mjs` ships), serves them from 127.0.0.1, and drives Debian's
 * Chromium with playwright-core.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-expect-error -- a plain ES module script without type declarations
import { bundleBrowser } from '../../scripts/bundle.mjs';

const PKG = fileURLToPath(new URL('../..', import.meta.url));

/** Where Chromium lives on the development and CI machines (Debian's `chromium` package). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags every headless run uses. */
const BASE_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** WebGPU through SwiftShader's Vulkan. */
const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader'];

/** The bare specifiers the page imports, each served as its own module. */
const IMPORTS: Record<string, string> = {
  '@profundo/core': '/core.js',
  '@profundo/core/testing': '/core-testing.js',
  '@profundo/backend-cpu': '/backend-cpu.js',
  '@profundo/backend-gpujs': '/backend-gpujs.js',
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

/** Bundles every module the page needs into `dir`. */
export async function bundlePage(dir: string): Promise<void> {
  const core = { core: '@profundo/core', 'core-testing': '@profundo/core/testing' };
  // One build with code splitting, so that the kit and core share one registry and memory state.
  await build({
    ...common,
    entryPoints: Object.keys(core).map((k) => ({ in: `virtual:${k}`, out: k })),
    outdir: dir,
    splitting: true,
    plugins: [reexports(core)],
  });
  const others = { 'backend-cpu': '@profundo/backend-cpu' };
  for (const [name, spec] of Object.entries(others)) {
    await build({
      ...common,
      entryPoints: [`virtual:${name}`],
      outfile: join(dir, `${name}.js`),
      external: ['@profundo/core'],
      plugins: [reexports(others)],
    });
  }
  await bundleBrowser(join(dir, 'backend-gpujs.js'));
  await build({
    ...common,
    entryPoints: [join(PKG, 'test/browser/page.ts')],
    outfile: join(dir, 'page.js'),
    external: Object.keys(IMPORTS),
  });
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>Profundo gpu.js tests</title><link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({ imports: IMPORTS })}</script>
<script type="module" src="/page.js"></script></head><body></body></html>`,
  );
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

/** Serves `dir` on 127.0.0.1 at a free port. */
export async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = join(dir, path === '/' ? 'index.html' : path.replace(/^\/+/, ''));
    if (!file.startsWith(dir)) {
      res.statusCode = 403;
      res.end();
      return;
    }
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
  /** Console errors the page logged. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Bundles, serves and opens the test page in headless Chromium, with the WebGPU flags when
 * `webgpu` is set; resolves once the page's module has loaded.
 */
export async function openPage(options: { webgpu: boolean }): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'profundo-gpujs-'));
  let browser: Browser | null = null;
  let server: Server | null = null;
  try {
    await bundlePage(dir);
    const served = await serve(dir);
    server = served.server;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...BASE_FLAGS, ...(options.webgpu ? WEBGPU_FLAGS : [])],
      ignoreDefaultArgs: ['--headless'],
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(served.url);
    try {
      await page.waitForFunction(() => (globalThis as { profundo?: unknown }).profundo !== undefined, null, { timeout: 60_000 });
    } catch (e) {
      throw new Error(`the test page did not load: ${(e as Error).message}\npage errors: ${errors.join('\n') || 'none'}`);
    }
    const b = browser;
    const s = server;
    return {
      page,
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
