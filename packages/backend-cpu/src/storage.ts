import type { DataArray, DataHandle, DType, TensorInfo } from '@profundo/core';

/**
 * The CPU backend's storage: one dense, row-major typed array per tensor. Core treats it as an
 * opaque handle; only this package looks inside.
 */
export class CpuStorage {
  #values: DataArray | null;

  constructor(values: DataArray) {
    this.#values = values;
  }

  /** The values; throws once disposed so that a use-after-free fails loudly instead of silently reading stale data. */
  get values(): DataArray {
    const v = this.#values;
    if (v === null) throw new Error('backend-cpu: tensor storage used after dispose()');
    return v;
  }

  /** Drops the array so the GC can reclaim it even if core still holds the handle object. */
  dispose(): void {
    if (this.#values === null) throw new Error('backend-cpu: dispose() called twice on one handle');
    this.#values = null;
  }
}

/** Allocates a zero-filled array of the typed-array class that carries `dtype`. */
export function allocate(dtype: DType, size: number): DataArray {
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
