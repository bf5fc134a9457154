/**
 * Movement kernels: `permute`, `expand`, `slice`, `pad`, `concat`, `gather`, `scatterAdd`.
 *
 * They work on every dtype (the output has `x`'s), except `scatterAdd`, which adds float32
 * values. Each is one pass of {@link stridedOffsets}: walk one shape in row-major order and
 * read (or write) the other array through strides.
 *
 * @module
 */
import type { DataHandle, TensorInfo } from '@profundo/core';
import { allocate, handleOf, valuesOf } from './storage.js';
import { broadcastStrides, sizeOf, stridedOffsets, stridesOf } from './strides.js';

/** Copies `values[from[i]]` into a new array of `x`'s dtype, for every i. */
function pick(x: TensorInfo, from: Int32Array): DataHandle {
  const xs = valuesOf(x);
  const out = allocate(x.dtype, from.length);
  for (let i = 0; i < from.length; i++) out[i] = xs[from[i]!]!;
  return handleOf(out);
}

/** Output axis `i` is input axis `perm[i]`: read x with its strides reordered. */
export function permute(x: TensorInfo, perm: readonly number[]): DataHandle {
  const strides = stridesOf(x.shape);
  const outShape = perm.map((p) => x.shape[p]!);
  return pick(x, stridedOffsets(outShape, perm.map((p) => strides[p]!)));
}

/** Repeats dims of size 1 (x has `shape`'s rank): stride 0 along them. */
export function expand(x: TensorInfo, shape: readonly number[]): DataHandle {
  return pick(x, stridedOffsets(shape, broadcastStrides(x.shape, shape)));
}

/** The box starting at `begin` of extent `size`: x's own strides, starting at begin's offset. */
export function slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): DataHandle {
  const strides = stridesOf(x.shape);
  const start = begin.reduce((sum, b, d) => sum + b * strides[d]!, 0);
  return pick(x, stridedOffsets(size, strides, start));
}

/** Fills the padded shape with `value`, then writes x into its interior. */
export function pad(x: TensorInfo, pads: readonly (readonly [number, number])[], value: number): DataHandle {
  const outShape = x.shape.map((d, i) => pads[i]![0] + d + pads[i]![1]);
  const outStrides = stridesOf(outShape);
  const start = pads.reduce((sum, [before], d) => sum + before * outStrides[d]!, 0);
  const to = stridedOffsets(x.shape, outStrides, start);

  const xs = valuesOf(x);
  const out = allocate(x.dtype, sizeOf(outShape));
  out.fill(value);
  for (let i = 0; i < xs.length; i++) out[to[i]!] = xs[i]!;
  return handleOf(out);
}

/** Writes each input into its stretch of the output along `axis`. */
export function concat(xs: readonly TensorInfo[], axis: number): DataHandle {
  const first = xs[0]!;
  const outShape = first.shape.slice();
  outShape[axis] = xs.reduce((sum, x) => sum + x.shape[axis]!, 0);
  const outStrides = stridesOf(outShape);

  const out = allocate(first.dtype, sizeOf(outShape));
  let along = 0; // where along `axis` the next input starts
  for (const x of xs) {
    const values = valuesOf(x);
    const to = stridedOffsets(x.shape, outStrides, along * outStrides[axis]!);
    for (let i = 0; i < values.length; i++) out[to[i]!] = values[i]!;
    along += x.shape[axis]!;
  }
  return handleOf(out);
}

/**
 * PyTorch's gather: `out[i][j] = x[index[i][j]][j]` for axis 0 (likewise for other axes).
 * Every output position reads x at its own coordinates, except along `axis`, where the index
 * value says where. Core has checked the index values are in range.
 */
export function gather(x: TensorInfo, index: TensorInfo, axis: number): DataHandle {
  const strides = stridesOf(x.shape);
  const step = strides[axis]!;
  const base = stridedOffsets(index.shape, strides.map((s, d) => (d === axis ? 0 : s)));
  const idx = valuesOf(index);
  const from = new Int32Array(base.length);
  for (let i = 0; i < base.length; i++) from[i] = base[i]! + idx[i]! * step;
  return pick(x, from);
}

/**
 * The adjoint of gather: a float32 zero tensor of `outShape` into which every `src` element is
 * added at its own coordinates, except along `axis`, where the index value says where.
 * Repeated indices accumulate.
 */
export function scatterAdd(index: TensorInfo, src: TensorInfo, axis: number, outShape: readonly number[]): DataHandle {
  const strides = stridesOf(outShape);
  const step = strides[axis]!;
  const base = stridedOffsets(index.shape, strides.map((s, d) => (d === axis ? 0 : s)));
  const idx = valuesOf(index);
  const values = valuesOf(src);
  const out = allocate('float32', sizeOf(outShape));
  for (let i = 0; i < base.length; i++) {
    const at = base[i]! + idx[i]! * step;
    out[at] = out[at]! + values[i]!;
  }
  return handleOf(out);
}
