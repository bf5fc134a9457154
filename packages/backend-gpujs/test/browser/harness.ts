/**
 * Runs the browser suites: bundles Profundo's modules for the page (core with its testing kit,
 * the CPU backend for comparisons, and this package's browser bundle, the very file
 * `scripts/bundle.mjs` ships), serves them from 127.0.0.1, and drives Debian's Chromium, all
 * through @profundo/browser-test.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePage, openSession, type BrowserSession } from '@profundo/browser-test';
// @ts-expect-error -- a plain ES module script without type declarations
import { bundleBrowser } from '../../scripts/bundle.mjs';

const PKG = fileURLToPath(new URL('../..', import.meta.url));

/** WebGPU through SwiftShader's Vulkan. */
const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader'];

/** Bundles every module the page needs into `dir`. */
function preparePage(dir: string): Promise<void> {
  return bundlePage(dir, {
    root: PKG,
    entry: join(PKG, 'test/browser/page.ts'),
    title: 'Profundo gpu.js tests',
    backends: [
      { specifier: '@profundo/backend-cpu', file: 'backend-cpu.js' },
      { specifier: '@profundo/backend-gpujs', file: 'backend-gpujs.js', build: bundleBrowser },
    ],
  });
}

/** A running browser session with the test page loaded. */
export type Session = BrowserSession;

/**
 * Bundles, serves and opens the test page in headless Chromium, with the WebGPU flags when
 * `webgpu` is set; resolves once the page's module has loaded.
 */
export function openPage(options: { webgpu: boolean }): Promise<Session> {
  return openSession({
    tmpPrefix: 'profundo-gpujs-',
    prepare: preparePage,
    flags: options.webgpu ? WEBGPU_FLAGS : [],
    loadTimeout: 60_000,
  });
}
