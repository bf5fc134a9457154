/**
 * `@profundo/backend-cpu`: Profundo's pure TypeScript CPU backend.
 *
 * It registers nothing by itself: pass {@link createCpuBackend} to core's registry, or import
 * `@profundo/backend-cpu/register` to register it as `'cpu'`.
 *
 * @packageDocumentation
 */
import type { Backend } from '@profundo/core';
import { CpuBackend } from './cpu-backend.js';

/**
 * Creates the CPU backend: every kernel of the contract over `Float32Array` / `Int32Array` /
 * `Uint8Array` storage, plus fused `softmax`, `logSoftmax`, `conv2d` (with both backprops),
 * `maxPool2d` and `avgPool2d` (with their backprops). Runs anywhere JavaScript runs,
 * supports synchronous reads, and its arrays are freed by the garbage collector.
 *
 * Each call returns an independent instance; matmul and conv scratch buffers are shared between them,
 * which is safe because JavaScript runs one kernel at a time per thread.
 *
 * @returns A fresh backend named `'cpu'`.
 */
export function createCpuBackend(): Backend {
  return new CpuBackend();
}
