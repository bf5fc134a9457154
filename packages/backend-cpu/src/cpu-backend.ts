/**
 * The CPU backend object: wires the kernel modules to the {@link Backend} contract and wraps
 * every result array in a {@link CpuStorage} handle.
 */
import type {
  Backend,
  BinaryOp,
  Conv2dParams,
  DataArray,
  DataHandle,
  DType,
  FusedKernels,
  Pool2dParams,
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
import { CpuStorage, dataOf, matchesDType, sizeOf, storageOf } from './storage.js';

function wrap(values: DataArray): CpuStorage {
  return new CpuStorage(values);
}

function convert(values: DataArray, dtype: DType): DataArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(values);
    case 'int32':
      return new Int32Array(values);
    case 'bool':
      return Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0));
  }
}

/** Pure TypeScript implementation of the backend contract over typed arrays. */
export class CpuBackend implements Backend {
  readonly name = 'cpu';

  readonly fused: FusedKernels = {
    softmax: (x: TensorInfo): DataHandle => wrap(softmax(x)),
    logSoftmax: (x: TensorInfo): DataHandle => wrap(logSoftmax(x)),
    conv2d: (x: TensorInfo, w: TensorInfo, p: Conv2dParams): DataHandle => wrap(conv2d(x, w, p)),
    conv2dBackpropInput: (dy: TensorInfo, w: TensorInfo, shape: readonly number[], p: Conv2dParams): DataHandle =>
      wrap(conv2dBackpropInput(dy, w, shape, p)),
    conv2dBackpropFilter: (x: TensorInfo, dy: TensorInfo, shape: readonly number[], p: Conv2dParams): DataHandle =>
      wrap(conv2dBackpropFilter(x, dy, shape, p)),
    maxPool2d: (x: TensorInfo, p: Pool2dParams): DataHandle => wrap(maxPool2d(x, p)),
    maxPool2dBackprop: (dy: TensorInfo, x: TensorInfo, p: Pool2dParams): DataHandle => wrap(maxPool2dBackprop(dy, x, p)),
    avgPool2d: (x: TensorInfo, p: Pool2dParams, include: boolean): DataHandle => wrap(avgPool2d(x, p, include)),
    avgPool2dBackprop: (dy: TensorInfo, shape: readonly number[], p: Pool2dParams, include: boolean): DataHandle =>
      wrap(avgPool2dBackprop(dy, shape, p, include)),
  };

  write(values: DataArray, shape: readonly number[], dtype: DType): DataHandle {
    const size = sizeOf(shape);
    if (values.length !== size) {
      throw new RangeError(
        `backend-cpu write: got ${values.length} values for shape [${shape.join(', ')}] (needs ${size})`,
      );
    }
    // Kept without copying (core never mutates a written array) unless it is the wrong class.
    return wrap(matchesDType(values, dtype) ? values : convert(values, dtype));
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
    return wrap(unary(op, x));
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle {
    return wrap(binary(op, a, b, outShape));
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle {
    return wrap(where(cond, a, b, outShape));
  }

  cast(x: TensorInfo, dtype: DType): DataHandle {
    return wrap(cast(x, dtype));
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): DataHandle {
    return wrap(reduce(op, x, axes));
  }

  argmax(x: TensorInfo, axis: number): DataHandle {
    return wrap(argmax(x, axis));
  }

  matmul(a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean): DataHandle {
    return wrap(matmul(a, b, transA, transB));
  }

  permute(x: TensorInfo, perm: readonly number[]): DataHandle {
    return wrap(permute(x, perm));
  }

  expand(x: TensorInfo, shape: readonly number[]): DataHandle {
    return wrap(expand(x, shape));
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): DataHandle {
    return wrap(slice(x, begin, size));
  }

  pad(x: TensorInfo, pads: readonly (readonly [number, number])[], value: number): DataHandle {
    return wrap(pad(x, pads, value));
  }

  concat(xs: readonly TensorInfo[], axis: number): DataHandle {
    return wrap(concat(xs, axis));
  }

  gather(x: TensorInfo, index: TensorInfo, axis: number): DataHandle {
    return wrap(gather(x, index, axis));
  }

  scatterAdd(
    index: TensorInfo,
    src: TensorInfo,
    axis: number,
    outShape: readonly number[],
  ): DataHandle {
    return wrap(scatterAdd(index, src, axis, outShape));
  }
}
