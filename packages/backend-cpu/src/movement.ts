/**
 * Movement kernels. Permute, expand, slice, pad and concat are each one {@link copyStrided}
 * call with the right strides and offsets; gather and scatter-add walk the index tensor with
 * the same collapsed layouts, adding the indexed axis's offset per element.
 */
import type { DataArray, TensorInfo } from '@profundo/core';
import { allocate, dataOf, sizeOf, stridesOf } from './storage.js';
import { broadcastStrides, collapse, copyStrided, rowOffsets } from './strided.js';

/** Output axis `i` is input axis `perm[i]`. */
export function permute(x: TensorInfo, perm: readonly number[]): DataArray {
  const inStrides = stridesOf(x.shape);
  const outShape = perm.map((p) => x.shape[p]!);
  const out = allocate(x.dtype, sizeOf(outShape));
  copyStrided(dataOf(x), 0, perm.map((p) => inStrides[p]!), out, 0, stridesOf(outShape), outShape);
  return out;
}

/** Repeats size-1 axes of `x` up to `shape` (same rank). */
export function expand(x: TensorInfo, shape: readonly number[]): DataArray {
  const out = allocate(x.dtype, sizeOf(shape));
  copyStrided(dataOf(x), 0, broadcastStrides(x.shape, shape), out, 0, stridesOf(shape), shape);
  return out;
}

/** The box starting at `begin` with extent `size`. */
export function slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): DataArray {
  const inStrides = stridesOf(x.shape);
  let offset = 0;
  for (let d = 0; d < begin.length; d++) offset += begin[d]! * inStrides[d]!;
  const out = allocate(x.dtype, sizeOf(size));
  copyStrided(dataOf(x), offset, inStrides, out, 0, stridesOf(size), size);
  return out;
}

/** Surrounds `x` with `pads[d] = [before, after]` elements equal to `value` on each axis. */
export function pad(
  x: TensorInfo,
  pads: readonly (readonly [number, number])[],
  value: number,
): DataArray {
  const outShape = x.shape.map((n, d) => n + pads[d]![0] + pads[d]![1]);
  const outStrides = stridesOf(outShape);
  const out = allocate(x.dtype, sizeOf(outShape));
  if (value !== 0) out.fill(value);
  let offset = 0;
  for (let d = 0; d < outShape.length; d++) offset += pads[d]![0] * outStrides[d]!;
  copyStrided(dataOf(x), 0, stridesOf(x.shape), out, offset, outStrides, x.shape);
  return out;
}

/** Joins `xs` along `axis`; each piece is copied into its window of the output. */
export function concat(xs: readonly TensorInfo[], axis: number): DataArray {
  const first = xs[0]!;
  const outShape = first.shape.slice();
  let total = 0;
  for (const x of xs) total += x.shape[axis]!;
  outShape[axis] = total;
  const outStrides = stridesOf(outShape);
  const out = allocate(first.dtype, sizeOf(outShape));
  let at = 0;
  for (const x of xs) {
    copyStrided(dataOf(x), 0, stridesOf(x.shape), out, at * outStrides[axis]!, outStrides, x.shape);
    at += x.shape[axis]!;
  }
  return out;
}

/**
 * Row layout for walking the index tensor (of `shape`) in row-major order: `rows[r] + j * step`
 * is the offset of the same coordinates in the array with `strides`, with the indexed axis's
 * stride zeroed so that each element adds `index * strides[axis]` itself.
 */
function indexedRows(
  shape: readonly number[],
  strides: readonly number[],
  axis: number,
): { rows: Int32Array; n: number; step: number } {
  const masked = strides.slice();
  masked[axis] = 0;
  const { shape: cs, strides: ss } = collapse(shape, [masked]);
  const last = cs.length - 1;
  return { rows: rowOffsets(cs, ss[0]!), n: cs[last]!, step: ss[0]![last]! };
}

/** `out[..., i, ...] = x[..., index[..., i, ...], ...]` along `axis`; the result has `index`'s shape. */
export function gather(x: TensorInfo, index: TensorInfo, axis: number): DataArray {
  const size = sizeOf(index.shape);
  const out = allocate(x.dtype, size);
  if (size === 0) return out;
  const src = dataOf(x);
  const idx = dataOf(index);
  const xStrides = stridesOf(x.shape);
  const axisStride = xStrides[axis]!;
  const { rows, n, step } = indexedRows(index.shape, xStrides, axis);
  for (let r = 0, o = 0; r < rows.length; r++) {
    let s = rows[r]!;
    const end = o + n;
    for (; o < end; o++, s += step) out[o] = src[s + idx[o]! * axisStride]!;
  }
  return out;
}

/** A float32 zero tensor of `outShape` with each `src` element added where `index` points along `axis`. */
export function scatterAdd(
  index: TensorInfo,
  src: TensorInfo,
  axis: number,
  outShape: readonly number[],
): Float32Array {
  const outSize = sizeOf(outShape);
  const size = sizeOf(index.shape);
  if (size === 0 || outSize === 0) return new Float32Array(outSize);
  // Float64 accumulation: colliding indices (e.g. embedding gradients) add without rounding.
  const acc = new Float64Array(outSize);
  const vals = dataOf(src);
  const idx = dataOf(index);
  const outStrides = stridesOf(outShape);
  const axisStride = outStrides[axis]!;
  const { rows, n, step } = indexedRows(index.shape, outStrides, axis);
  for (let r = 0, o = 0; r < rows.length; r++) {
    let t = rows[r]!;
    const end = o + n;
    for (; o < end; o++, t += step) acc[t + idx[o]! * axisStride] += vals[o]!;
  }
  return new Float32Array(acc);
}
