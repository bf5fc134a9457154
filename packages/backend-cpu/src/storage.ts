import type { DataArray, DataHandle, DType, TensorInfo } from '@profundo/core';
import type { WasmEngine } from './wasm/engine.js';
import type { WasmHeap } from './wasm/heap.js';

/**
 * The engine of the backend whose kernel is running, or null on the pure-TypeScript path.
 * JavaScript runs one kernel at a time per thread, so a backend sets it on entry to each kernel
 * instead of passing it down every call.
 */
let active: WasmEngine | null = null;
/** `active`'s heap when tensors live in it (shared memory), else null. */
let activeHeap: WasmHeap | null = null;
/** Heap blocks the running kernel allocated and no handle owns yet. */
const pending: DataArray[] = [];

/** Makes `engine` (or the pure-TypeScript path, for null) the one kernels use from now on. */
export function enter(engine: WasmEngine | null): void {
  active = engine;
  activeHeap = engine !== null && engine.shared ? engine.heap : null;
}

/** The engine of the running kernel's backend, or null on the pure-TypeScript path. */
export function activeEngine(): WasmEngine | null {
  return active;
}

interface Block {
  heap: WasmHeap;
  ptr: number;
  bytes: number;
}

/**
 * Blocks of at least this many bytes return to the heap when their handle is garbage-collected
 * without `dispose()`. Registering costs ~0.3 µs a tensor, a fifth of a small op's whole cost,
 * so small blocks are left to `dispose()` / `tidy` alone.
 */
const FINALIZE_MIN = 4096;

/** Frees the heap block of a handle that was garbage-collected without `dispose()`. */
const leaked = new FinalizationRegistry<Block>((b) => b.heap.free(b.ptr, b.bytes));

/**
 * The CPU backend's storage: one dense, row-major typed array per tensor, in the WebAssembly
 * heap on the SIMD paths (the block goes back to the heap on dispose) or an ordinary array on
 * the pure-TypeScript path. Core treats it as an opaque handle; only this package looks inside.
 */
export class CpuStorage {
  #values: DataArray | null;
  readonly #block: Block | null;

  /** Wraps `values`, which must be a block that {@link allocate} just made, or a plain array. */
  constructor(values: DataArray, heap: WasmHeap | null) {
    this.#values = values;
    if (heap !== null && values.byteLength > 0) {
      this.#block = { heap, ptr: values.byteOffset, bytes: values.byteLength };
      if (values.byteLength >= FINALIZE_MIN) leaked.register(this, this.#block, this);
    } else {
      this.#block = null;
    }
  }

  /** The values; throws once disposed so that a use-after-free fails loudly instead of silently reading stale data. */
  get values(): DataArray {
    const v = this.#values;
    if (v === null) throw new Error('backend-cpu: tensor storage used after dispose()');
    return v;
  }

  /** Returns the block to the heap (or drops the array for the GC). */
  dispose(): void {
    if (this.#values === null) throw new Error('backend-cpu: dispose() called twice on one handle');
    this.#values = null;
    const b = this.#block;
    if (b !== null) {
      if (b.bytes >= FINALIZE_MIN) leaked.unregister(this);
      b.heap.free(b.ptr, b.bytes);
    }
  }
}

/**
 * Wraps a kernel's result in a handle. A result outside the active heap (a kernel that built a
 * plain array) is copied in, so every tensor of a SIMD backend lives in its heap.
 */
export function wrap(values: DataArray): CpuStorage {
  const heap = activeHeap;
  if (heap === null) return new CpuStorage(values, null);
  let result = values;
  if (!heap.owns(values)) {
    result = allocateRaw(dtypeOfArray(values), values.length);
    result.set(values);
  }
  // Blocks the kernel allocated but does not return were scratch: back to the heap.
  for (const p of pending) if (p !== result) heap.free(p.byteOffset, p.byteLength);
  pending.length = 0;
  return new CpuStorage(result, heap);
}

/** After a kernel failed: returns every block it had allocated to the heap. */
export function abandon(): void {
  const heap = activeHeap;
  if (heap !== null) for (const p of pending) heap.free(p.byteOffset, p.byteLength);
  pending.length = 0;
}

function dtypeOfArray(values: DataArray): DType {
  return values instanceof Float32Array ? 'float32' : values instanceof Int32Array ? 'int32' : 'bool';
}

const BYTES: Record<DType, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * Allocates an array of the typed-array class that carries `dtype`, in the active heap when
 * there is one, without clearing it: for kernels that write every element.
 */
export function allocateRaw(dtype: DType, size: number): DataArray {
  const heap = activeHeap;
  if (heap === null || size === 0) return plain(dtype, size);
  const ptr = heap.alloc(size * BYTES[dtype]);
  const buffer = heap.buffer;
  const out =
    dtype === 'float32'
      ? new Float32Array(buffer, ptr, size)
      : dtype === 'int32'
        ? new Int32Array(buffer, ptr, size)
        : new Uint8Array(buffer, ptr, size);
  pending.push(out);
  return out;
}

/** Allocates a zero-filled array of the typed-array class that carries `dtype`. */
export function allocate(dtype: DType, size: number): DataArray {
  if (activeHeap === null) return plain(dtype, size);
  const out = allocateRaw(dtype, size);
  out.fill(0);
  return out;
}

/** {@link allocate} for float32. */
export function allocateF32(size: number): Float32Array {
  return allocate('float32', size) as Float32Array;
}

function plain(dtype: DType, size: number): DataArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** Whether `values` is already the array class `dtype` travels in. */
export function matchesDType(values: DataArray, dtype: DType): boolean {
  switch (dtype) {
    case 'float32':
      return values instanceof Float32Array;
    case 'int32':
      return values instanceof Int32Array;
    case 'bool':
      return values instanceof Uint8Array;
  }
}

/** Narrows a handle to this backend's storage, rejecting handles another backend created. */
export function storageOf(handle: DataHandle): CpuStorage {
  if (!(handle instanceof CpuStorage)) {
    throw new TypeError('backend-cpu: received a handle that this backend did not create');
  }
  return handle;
}

/** Shorthand for the array behind a kernel input. */
export function dataOf(info: TensorInfo): DataArray {
  return storageOf(info.handle).values;
}

/** Number of elements of `shape` (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}
