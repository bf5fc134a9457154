/**
 * The CPU backend in headless Chromium on a page without cross-origin isolation, where no
 * worker may share memory with the page: every path runs on one thread.
 *
 * Chromium (156 here) still creates shared WebAssembly memory on such a page (the global
 * `SharedArrayBuffer` is gone and posting the memory to a worker throws a DataCloneError), so
 * the SIMD backends keep their tensors in the WebAssembly heap (`wasmHeap: true`) on one
 * thread. The unshared fallback of src/wasm/engine.ts (tensors in ordinary arrays, gemm
 * copying operands in and out) is what engines that refuse shared memory there get; the page
 * runs it by refusing shared memory while it creates those backends. A product large enough
 * to make that unshared memory grow checks that gemm's views survive the growth.
 */
import type { KernelPath } from '@profundo/backend-cpu';
import { browserSuite, type BrowserConfig } from './browser/suite.js';

const oneThread = (kernels: KernelPath, wasmHeap: boolean) => ({ kernels, threads: 1, wasmHeap });

const simd: BrowserConfig = { options: { kernels: 'simd', threads: 1 }, path: oneThread('simd', true) };
const relaxed: BrowserConfig = { options: { kernels: 'relaxed-simd' }, path: oneThread('relaxed-simd', true) };
const unsharedSimd: BrowserConfig = { ...simd, refuseSharedMemory: true, path: oneThread('simd', false) };
const unsharedRelaxed: BrowserConfig = { ...relaxed, refuseSharedMemory: true, path: oneThread('relaxed-simd', false) };

browserSuite({
  isolated: false,
  env: { crossOriginIsolated: false, sharedArrayBuffer: false, sharedWasmMemory: true },
  configs: [
    simd,
    relaxed,
    { options: { kernels: 'js' }, path: oneThread('js', false) },
    // Asking for threads where workers cannot share the heap gives one thread, not an error.
    { options: { kernels: 'relaxed-simd', threads: 2, parallelMin: 0 }, path: oneThread('relaxed-simd', true) },
    unsharedSimd,
    unsharedRelaxed,
  ],
  matmul: [
    { config: relaxed, M: 70, K: 90, N: 50 },
    { config: unsharedRelaxed, M: 70, K: 90, N: 50 },
    // 3 × 1.9 MB of operands: more than the 4 MiB the heap starts with.
    { config: unsharedRelaxed, M: 700, K: 700, N: 700, grows: true },
  ],
});
