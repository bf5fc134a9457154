/**
 * The CPU backend object: wires the kernel modules to the {@link Backend} contract, makes its
 * engine the active one on entry to every kernel, and wraps every result in a handle.
 */
import { BackendError, OutOfMemoryError, ValueError } from '@profundo/core';
import type {
  Backend,
  BinaryOp,
  DataArray,
  DataHandle,
  DType,
  FusedKernels,
  ReduceOp,
  TensorInfo,
  UnaryOp,
} from '@profundo/core';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv.js';
import { binary, cast, unary, where } from './elementwise.js';
import { matmul } from './matmul.js';
import { concat, expand, gather, pad, permute, scatterAdd, slice } from './movement.js';
import { avgPool2d, avgPool2dBackprop, maxPool2d, maxPool2dBackprop } from './pool.js';
import { argmax, reduce } from './reduce.js';
import { logSoftmax, softmax } from './softmax.js';
import { abandon, allocateRaw, dataOf, enter, matchesDType, sizeOf, storageOf, wrap } from './storage.js';
import { DEFAULT_PARALLEL_MIN, WasmEngine } from './wasm/engine.js';
import { HeapExhaustedError } from './wasm/heap.js';
import type { KernelPath } from './wasm/kernel-path.js';
import { bestPath } from './wasm/modules.js';
import { availableThreads } from './wasm/pool.js';

/** Options of {@link createCpuBackend}. */
export interface CpuBackendOptions {
  /**
   * Which kernels run: `'relaxed-simd'` (WebAssembly SIMD with fused multiply-add),
   * `'simd'` (WebAssembly SIMD), or `'js'` (plain TypeScript, for engines without
   * WebAssembly SIMD). Default: the fastest this engine supports. Asking for a path the engine
   * lacks throws.
   */
  kernels?: KernelPath;
  /**
   * Threads that large kernels are split across, counting the calling one. Default: every core
   * (`os.availableParallelism()` in Node; `navigator.hardwareConcurrency` in cross-origin-isolated
   * pages; 1 elsewhere, and always 1 on the `'js'` path). Results are bit-identical for any count.
   */
  threads?: number;
  /**
   * Multiply-adds below which a kernel stays on the calling thread, since waking workers costs
   * more than it saves (default 262,144). `0` splits every product, which tests use to run the
   * threaded code on small inputs.
   */
  parallelMin?: number;
}

/**
 * The kernel path and thread count a CPU backend actually runs with.
 *
 * @example
 * ```ts
 * const cpu = createCpuBackend({ threads: 2 });
 * await cpu.ready; // the worker thread has started
 * const path: CpuPath = cpu.path;
 * path.threads; // 2
 * cpu.close();
 * ```
 */
export interface CpuPath {
  /** The kernels that run. */
  readonly kernels: KernelPath;
  /** Threads that large kernels are split across now (1 until the workers have started). */
  readonly threads: number;
  /** Whether tensors live in the WebAssembly heap (false on `'js'` and without shared memory). */
  readonly wasmHeap: boolean;
}

/**
 * The backend contract over typed arrays: WebAssembly SIMD kernels with a pure-TypeScript path.
 * Made by {@link createCpuBackend}.
 *
 * @example
 * ```ts
 * const cpu: CpuBackend = createCpuBackend({ kernels: 'js' }); // the pure-TypeScript kernels
 * cpu.name;      // 'cpu'
 * cpu.path;      // { kernels: 'js', threads: 1, wasmHeap: false }
 * cpu.heapBytes; // { used: 0, capacity: 0 } (no WebAssembly heap on this path)
 * cpu.close();   // stops the worker threads, if any
 * ```
 */
export class CpuBackend implements Backend {
  readonly name = 'cpu';
  private readonly engine: WasmEngine | null;
  private readonly kernels: KernelPath;

  constructor(options: CpuBackendOptions = {}) {
    const kernels = options.kernels ?? bestPath();
    const threads = options.threads ?? availableThreads();
    if (kernels !== 'js' && kernels !== 'simd' && kernels !== 'relaxed-simd') {
      throw new ValueError('createCpuBackend', `kernels must be 'js', 'simd' or 'relaxed-simd' (got ${String(kernels)})`);
    }
    if (!Number.isInteger(threads) || threads < 1) {
      throw new ValueError('createCpuBackend', `threads must be a positive integer (got ${String(threads)})`);
    }
    this.kernels = kernels;
    const parallelMin = options.parallelMin ?? DEFAULT_PARALLEL_MIN;
    if (!(parallelMin >= 0)) {
      throw new ValueError('createCpuBackend', `parallelMin must be a non-negative number (got ${String(parallelMin)})`);
    }
    this.engine = kernels === 'js' ? null : WasmEngine.create({ relaxed: kernels === 'relaxed-simd', threads, parallelMin });
    if (kernels !== 'js' && this.engine === null) {
      throw new BackendError('createCpuBackend', `this JavaScript engine cannot run the '${kernels}' kernels (WebAssembly SIMD${kernels === 'relaxed-simd' ? ' with relaxed SIMD' : ''} is missing)`);
    }
  }

  /** The path this backend runs on. */
  get path(): CpuPath {
    const e = this.engine;
    return { kernels: this.kernels, threads: e?.threads ?? 1, wasmHeap: e?.shared ?? false };
  }

  /** Resolves once the worker threads have started (at once on one thread). */
  get ready(): Promise<void> {
    return this.engine?.ready ?? Promise.resolve();
  }

  /** Bytes in live blocks and in all of the WebAssembly heap (0 and 0 on the `'js'` path). */
  get heapBytes(): { used: number; capacity: number } {
    const e = this.engine;
    return e === null ? { used: 0, capacity: 0 } : { used: e.heap.usedBytes, capacity: e.heap.capacityBytes };
  }

  /** Stops the worker threads (the backend keeps working on one thread). */
  close(): void {
    this.engine?.close();
  }

  /**
   * The entry of every kernel: makes this backend's engine the active one, runs `fn`, and wraps
   * its result. If `fn` throws, blocks it had allocated go back to the heap, and running out of
   * heap becomes an {@link OutOfMemoryError} naming `op`. (Plain private members, not `#` ones,
   * so that an object made with `Object.create(backend)` still works.)
   */
  private k<A extends unknown[]>(op: string, fn: (...args: A) => DataArray): (...args: A) => DataHandle {
    return (...args: A): DataHandle => {
      enter(this.engine);
      try {
        return wrap(fn(...args));
      } catch (e) {
        abandon();
        if (e instanceof HeapExhaustedError) throw new OutOfMemoryError(op, e.bytes, `backend-cpu: ${e.message}`);
        throw e;
      }
    };
  }

  readonly fused: FusedKernels = {
    softmax: this.k('softmax', softmax),
    logSoftmax: this.k('logSoftmax', logSoftmax),
    conv2d: this.k('conv2d', conv2d),
    conv2dBackpropInput: this.k('conv2dBackpropInput', conv2dBackpropInput),
    conv2dBackpropFilter: this.k('conv2dBackpropFilter', conv2dBackpropFilter),
    maxPool2d: this.k('maxPool2d', maxPool2d),
    maxPool2dBackprop: this.k('maxPool2dBackprop', maxPool2dBackprop),
    avgPool2d: this.k('avgPool2d', avgPool2d),
    avgPool2dBackprop: this.k('avgPool2dBackprop', avgPool2dBackprop),
  };

  readonly write = this.k('write', (values: DataArray, shape: readonly number[], dtype: DType): DataArray => {
    const size = sizeOf(shape);
    if (values.length !== size) {
      throw new RangeError(`backend-cpu write: got ${values.length} values for shape [${shape.join(', ')}] (needs ${size})`);
    }
    if (this.engine === null && matchesDType(values, dtype)) return values; // core never mutates it
    const out = allocateRaw(dtype, size);
    if (dtype === 'bool') for (let i = 0; i < size; i++) out[i] = values[i] !== 0 ? 1 : 0;
    else out.set(values); // the typed-array store converts float → int32 by truncation
    return out;
  });

  read(info: TensorInfo): Promise<DataArray> {
    try {
      return Promise.resolve(this.readSync(info));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  readSync(info: TensorInfo): DataArray {
    // A copy: the caller owns it, and a heap block is reused once its tensor is disposed.
    return dataOf(info).slice();
  }

  dispose(handle: DataHandle): void {
    storageOf(handle).dispose();
  }

  readonly unary = this.k('unary', (op: UnaryOp, x: TensorInfo) => unary(op, x));
  readonly binary = this.k('binary', (op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]) =>
    binary(op, a, b, outShape),
  );
  readonly where = this.k('where', where);
  readonly cast = this.k('cast', cast);
  readonly reduce = this.k('reduce', (op: ReduceOp, x: TensorInfo, axes: readonly number[]) => reduce(op, x, axes));
  readonly argmax = this.k('argmax', argmax);
  readonly matmul = this.k('matmul', matmul);
  readonly permute = this.k('permute', permute);
  readonly expand = this.k('expand', expand);
  readonly slice = this.k('slice', slice);
  readonly pad = this.k('pad', pad);
  readonly concat = this.k('concat', concat);
  readonly gather = this.k('gather', gather);
  readonly scatterAdd = this.k('scatterAdd', scatterAdd);
}
