/**
 * The plain backend: every primitive kernel of Profundo's backend contract over plain typed
 * arrays, no fused kernels, and asynchronous reads only.
 *
 * @module
 */
import type { Backend, DataArray, DataHandle, DType, TensorInfo, TypedArrayFor } from '@profundo/core';
import { PlainData, valuesOf } from './storage.js';
import { binary, cast, unary, where } from './elementwise.js';
import { argmax, reduce } from './reductions.js';
import { matmul } from './matmul.js';
import { concat, expand, gather, pad, permute, scatterAdd, slice } from './movement.js';

/**
 * Makes a plain backend: a small, readable reference for backend authors. It stores floats as
 * float64 (reporting 8 bytes per element to `memory()`), int32 and bool in their own typed arrays,
 * implements every required kernel and no fused ones, and has no `readSync`: read tensors with
 * `await t.data()`.
 *
 * @example
 * ```ts
 * import { registerBackend, setBackend, tensor } from '@profundo/core';
 * import { createPlainBackend } from '@profundo/example-backend-plugin';
 *
 * registerBackend('plain', createPlainBackend);
 * await setBackend('plain');
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * x.square().sum().backward();
 * await x.grad!.data(); // Float32Array [2, 4, 6]
 * ```
 */
export function createPlainBackend(): Backend {
  return {
    name: 'plain',

    // ----- memory ---------------------------------------------------------------------------

    write<D extends DType>(values: TypedArrayFor<D>, _shape: readonly number[], dtype: D): DataHandle {
      // Core never changes an array after writing it, so int32 and bool arrays can be kept as
      // they are; floats are widened into a new Float64Array.
      return new PlainData(dtype === 'float32' ? Float64Array.from(values) : (values as Int32Array | Uint8Array));
    },

    async read(info: TensorInfo): Promise<DataArray> {
      // The caller owns what read returns: always a fresh array, never our storage.
      const values = valuesOf(info);
      if (info.dtype === 'float32') return Float32Array.from(values); // rounds to float32 here
      if (info.dtype === 'int32') return Int32Array.from(values);
      return Uint8Array.from(values);
    },

    // No readSync: this backend is async-only, like a WebGPU one. Core then reads with
    // `await data()` and validates index values from the copies it keeps of int32 tensors.

    dispose(handle: DataHandle): void {
      const data = handle as PlainData;
      data.disposed = true;
      data.values = new Float64Array(0); // let the garbage collector have the storage
    },

    byteSize(handle: DataHandle): number {
      return (handle as PlainData).values.byteLength; // 8 per float, 4 per int32, 1 per bool
    },

    // ----- kernels --------------------------------------------------------------------------

    unary,
    binary,
    where,
    cast,
    reduce,
    argmax,
    matmul,
    permute,
    expand,
    slice,
    pad,
    concat,
    gather,
    scatterAdd,

    // No `fused` kernels: core composes conv2d, pooling and softmax from the kernels above.
  };
}
