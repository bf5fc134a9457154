/**
 * Storage: how the plain backend keeps a tensor's values.
 *
 * Every tensor lives in one plain typed array, chosen by dtype:
 *
 * | dtype     | storage        | bytes per element |
 * | --------- | -------------- | ----------------- |
 * | `float32` | `Float64Array` | 8                 |
 * | `int32`   | `Int32Array`   | 4                 |
 * | `bool`    | `Uint8Array`   | 1                 |
 *
 * Floats are kept (and computed) in float64 and rounded to float32 only when read back, which
 * the contract allows. Int32 storage wraps on assignment (`Int32Array` applies ToInt32), which
 * is exactly the two's-complement overflow the contract asks for.
 *
 * @module
 */
import type { DataHandle, DType, TensorInfo } from '@profundo/core';

/** The typed array the plain backend stores a tensor of each dtype in. */
export type Storage = Float64Array | Int32Array | Uint8Array;

/**
 * The handle core receives for each tensor. Core treats it as opaque (`DataHandle` is just
 * `object`); only this backend looks inside.
 */
export class PlainData {
  /** Set by `dispose`: a use after that is a bug in the caller, reported instead of reading stale values. */
  disposed = false;

  constructor(public values: Storage) {}
}

/** A new zero-filled storage array for `n` elements of `dtype`. */
export function allocate(dtype: DType, n: number): Storage {
  switch (dtype) {
    case 'float32':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'bool':
      return new Uint8Array(n);
  }
}

/** Wraps a freshly computed storage array as a handle to return from a kernel. */
export function handleOf(values: Storage): DataHandle {
  return new PlainData(values);
}

/** The storage behind a kernel input. Kernels read it and never write to it. */
export function valuesOf(info: TensorInfo): Storage {
  const data = info.handle as PlainData;
  if (!(data instanceof PlainData)) throw new Error('plain backend: got a handle made by another backend');
  if (data.disposed) throw new Error('plain backend: got a handle that was already disposed');
  return data.values;
}
