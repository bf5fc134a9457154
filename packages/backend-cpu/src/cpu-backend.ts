/**
 * The CPU backend object: wires the kernel modules to the {@link Backend} contract, makes its
 * engine the active one on entry to every kernel, and wraps every result in a handle.
 */
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
import { allocateRaw, dataOf, enter, matchesDType, sizeOf, storageOf, wrap } from './storage.js';
import { WasmEngine } from './wasm/engine.js';
import { bestPath, type KernelPath } from './wasm/modules.js';
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
}

/** The kernel path and thread count a CPU backend actually runs with. */
export interface CpuPath {
  /** The kernels that run. */
  readonly kernels: KernelPath;
  /** Threads that large kernels are split across now (1 until the workers have started). */
  readonly threads: number;
  /** Whether tensors live in the WebAssembly heap (false on `'js'` and without shared memory). */
  readonly wasmHeap: boolean;
}

/** The backend contract over typed arrays: WebAssembly SIMD kernels with a pure-TypeScript path. */
export class CpuBackend implements Backend {
  readonly name = 'cpu';
  private readonly engine: WasmEngine | null;
  private readonly kernels: KernelPath;

  constructor(options: CpuBackendOptions = {}) {
    const kernels = options.kernels ?? bestPath();
    const threads = options.threads ?? availableThreads();
    if (kernels !== 'js' && kernels !== 'simd' && kernels !== 'relaxed-simd') {
      throw new RangeError(`createCpuBackend: kernels must be 'js', 'simd' or 'relaxed-simd' (got ${String(kernels)})`);
    }
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`createCpuBackend: threads must be a positive integer (got ${String(threads)})`);
    }
    this.kernels = kernels;
    this.engine = kernels === 'js' ? null : WasmEngine.create({ relaxed: kernels === 'relaxed-simd', threads });
    if (kernels !== 'js' && this.engine === null) {
      throw new RangeError(`createCpuBackend: this JavaScript engine cannot run the '${kernels}' kernels`);
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

  /** Runs a kernel with this backend's engine active and wraps its result. (Plain private members, not `#` ones, so that an object made with `Object.create(backend)` still works.) */
  private k<A extends unknown[]>(fn: (...args: A) => DataArray): (...args: A) => DataHandle {
    return (...args: A): DataHandle => {
      enter(this.engine);
      return wrap(fn(...args));
    };
  }

  readonly fused: FusedKernels = {
    softmax: this.k(softmax),
    logSoftmax: this.k(logSoftmax),
    conv2d: this.k(conv2d),
    conv2dBackpropInput: this.k(conv2dBackpropInput),
    conv2dBackpropFilter: this.k(conv2dBackpropFilter),
    maxPool2d: this.k(maxPool2d),
    maxPool2dBackprop: this.k(maxPool2dBackprop),
    avgPool2d: this.k(avgPool2d),
    avgPool2dBackprop: this.k(avgPool2dBackprop),
  };

  write(values: DataArray, shape: readonly number[], dtype: DType): DataHandle {
    const size = sizeOf(shape);
    if (values.length !== size) {
      throw new RangeError(
        `backend-cpu write: got ${values.length} values for shape [${shape.join(', ')}] (needs ${size})`,
      );
    }
    enter(this.engine);
    if (this.engine === null && matchesDType(values, dtype)) return wrap(values); // core never mutates it
    const out = allocateRaw(dtype, size);
    if (dtype === 'bool') for (let i = 0; i < size; i++) out[i] = values[i] !== 0 ? 1 : 0;
    else out.set(values); // the typed-array store converts float → int32 by truncation
    return wrap(out);
  }

  read(info: TensorInfo): Promise<DataArray> {
    try {
      return Promise.resolve(this.readSync(info));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  readSync(info: TensorInfo): DataArray {
    // A copy: the caller owns it, and our array may be shared (e.g. by a same-dtype cast).
    return dataOf(info).slice();
  }

  dispose(handle: DataHandle): void {
    storageOf(handle).dispose();
  }

  unary(op: UnaryOp, x: TensorInfo): DataHandle {
    enter(this.engine);
    return wrap(unary(op, x));
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle {
    enter(this.engine);
    return wrap(binary(op, a, b, outShape));
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle {
    enter(this.engine);
    return wrap(where(cond, a, b, outShape));
  }

  cast(x: TensorInfo, dtype: DType): DataHandle {
    enter(this.engine);
    return wrap(cast(x, dtype));
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): DataHandle {
    enter(this.engine);
    return wrap(reduce(op, x, axes));
  }

  argmax(x: TensorInfo, axis: number): DataHandle {
    enter(this.engine);
    return wrap(argmax(x, axis));
  }

  matmul(a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean): DataHandle {
    enter(this.engine);
    return wrap(matmul(a, b, transA, transB));
  }

  permute(x: TensorInfo, perm: readonly number[]): DataHandle {
    enter(this.engine);
    return wrap(permute(x, perm));
  }

  expand(x: TensorInfo, shape: readonly number[]): DataHandle {
    enter(this.engine);
    return wrap(expand(x, shape));
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): DataHandle {
    enter(this.engine);
    return wrap(slice(x, begin, size));
  }

  pad(x: TensorInfo, pads: readonly (readonly [number, number])[], value: number): DataHandle {
    enter(this.engine);
    return wrap(pad(x, pads, value));
  }

  concat(xs: readonly TensorInfo[], axis: number): DataHandle {
    enter(this.engine);
    return wrap(concat(xs, axis));
  }

  gather(x: TensorInfo, index: TensorInfo, axis: number): DataHandle {
    enter(this.engine);
    return wrap(gather(x, index, axis));
  }

  scatterAdd(
    index: TensorInfo,
    src: TensorInfo,
    axis: number,
    outShape: readonly number[],
  ): DataHandle {
    enter(this.engine);
    return wrap(scatterAdd(index, src, axis, outShape));
  }
}
