/**
 * The CPU backend in headless Chromium on a cross-origin-isolated page (COOP `same-origin`,
 * COEP `require-corp`): shared WebAssembly memory, tensors in the heap, and a Web Worker from a
 * Blob URL taking half of every product and convolution (`parallelMin: 0`), on both SIMD paths.
 */
import type { CpuBackendOptions, CpuPath, KernelPath } from '@profundo/backend-cpu';
import { browserSuite, type BrowserConfig } from './browser/suite.js';

const twoThreads = (kernels: Exclude<KernelPath, 'js'>): BrowserConfig => ({
  options: { kernels, threads: 2, parallelMin: 0 } satisfies CpuBackendOptions,
  path: { kernels, threads: 2, wasmHeap: true } satisfies CpuPath,
});

browserSuite({
  isolated: true,
  env: { crossOriginIsolated: true, sharedArrayBuffer: true, sharedWasmMemory: true },
  configs: [twoThreads('relaxed-simd'), twoThreads('simd')],
  matmul: [{ config: twoThreads('relaxed-simd'), M: 70, K: 90, N: 50 }],
});
