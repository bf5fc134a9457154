/**
 * `@profundo/backend-cpu`: Profundo's CPU backend. Its kernels are WebAssembly SIMD (with
 * relaxed-SIMD fused multiply-add where the engine has it) split across worker threads, with
 * tensors living in one WebAssembly heap; a pure-TypeScript path runs where WebAssembly SIMD
 * does not.
 *
 * It registers nothing by itself: pass {@link createCpuBackend} to core's registry, or import
 * `@profundo/backend-cpu/register` to register it as `'cpu'`.
 *
 * @packageDocumentation
 */
import { CpuBackend, type CpuBackendOptions } from './cpu-backend.js';

export type { CpuBackend, CpuBackendOptions, CpuPath } from './cpu-backend.js';
export type { KernelPath } from './wasm/kernel-path.js';

/**
 * Creates the CPU backend: every kernel of the contract, plus fused `softmax`, `logSoftmax`,
 * `conv2d` (with both backprops), `maxPool2d` and `avgPool2d` (with their backprops). It runs
 * anywhere JavaScript runs and supports synchronous reads.
 *
 * On the SIMD paths tensors live in a WebAssembly heap: `dispose()` / `tidy` return their
 * blocks for reuse, and a tensor that is garbage-collected undisposed returns its block then.
 * Large matrix products and convolutions are split across `threads` worker threads, which start
 * in the background: `await backend.ready` waits for them (`setBackend` does not), and until
 * then everything runs on the calling thread. `backend.path` reports what actually runs.
 *
 * In Node 20, relaxed SIMD sits behind V8's `--experimental-wasm-relaxed-simd`; this package
 * sets that flag itself (through `v8.setFlagsFromString`) before compiling its kernels. Pass
 * `kernels: 'simd'` to leave V8's flags alone.
 *
 * @param options - Kernel path and thread count; by default the fastest path on every core.
 * @returns A fresh backend named `'cpu'`.
 *
 * @example
 * ```ts
 * import { registerBackend, setBackend, tensor } from '@profundo/core';
 * import { createCpuBackend } from '@profundo/backend-cpu';
 *
 * const cpu = createCpuBackend({ threads: 2 });
 * await cpu.ready;
 * console.log(cpu.path); // e.g. { kernels: 'relaxed-simd', threads: 2, wasmHeap: true }
 * registerBackend('cpu', () => cpu);
 * await setBackend('cpu');
 * tensor([[1, 2], [3, 4]]).matmul(tensor([[5], [6]])); // [[17], [39]]
 * ```
 */
export function createCpuBackend(options: CpuBackendOptions = {}): CpuBackend {
  return new CpuBackend(options);
}
