/**
 * Reductions: `reduce` (sum, max) over a set of axes and `argmax` along one axis.
 *
 * - `sum` over an empty axis is 0; float sums follow IEEE 754 (Infinity - Infinity is NaN),
 *   int32 sums wrap modulo 2^32.
 * - `max` is NaN as soon as one reduced element is NaN. Core never asks for `max` or `argmax`
 *   over an empty axis.
 * - `argmax` returns the index of the FIRST maximum; a NaN counts as larger than every number,
 *   so with NaNs present it is the index of the first NaN.
 *
 * @module
 */
import type { DataHandle, ReduceOp, TensorInfo } from '@profundo/core';
import { allocate, handleOf, valuesOf } from './storage.js';
import { sizeOf, stridedOffsets, stridesOf } from './strides.js';

export function reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): DataHandle {
  const outShape = x.shape.filter((_, d) => !axes.includes(d));
  // Walk x in order; each element lands in the output slot of its kept coordinates, so the
  // reduced axes get stride 0 in the output.
  const outStrides = stridesOf(outShape);
  const kept: number[] = [];
  let k = 0;
  for (let d = 0; d < x.shape.length; d++) kept.push(axes.includes(d) ? 0 : outStrides[k++]!);
  const slot = stridedOffsets(x.shape, kept);

  const xs = valuesOf(x);
  const acc = new Float64Array(sizeOf(outShape)).fill(op === 'sum' ? 0 : -Infinity);
  const wrap = x.dtype === 'int32';
  for (let i = 0; i < xs.length; i++) {
    const o = slot[i]!;
    const v = xs[i]!;
    if (op === 'sum') acc[o] = wrap ? (acc[o]! + v) | 0 : acc[o]! + v;
    else if (v > acc[o]! || Number.isNaN(v)) acc[o] = v; // once NaN, nothing is "greater"
  }

  const out = allocate(x.dtype, acc.length);
  out.set(acc);
  return handleOf(out);
}

export function argmax(x: TensorInfo, axis: number): DataHandle {
  const strides = stridesOf(x.shape);
  const n = x.shape[axis]!;
  const step = strides[axis]!;
  // The first element of every line along `axis`: x's shape and strides without that axis.
  const outShape = x.shape.filter((_, d) => d !== axis);
  const starts = stridedOffsets(outShape, strides.filter((_, d) => d !== axis));

  const xs = valuesOf(x);
  const out = allocate('int32', starts.length);
  for (let o = 0; o < starts.length; o++) {
    let best = 0;
    let bestValue = xs[starts[o]!]!;
    for (let j = 1; j < n && !Number.isNaN(bestValue); j++) {
      const v = xs[starts[o]! + j * step]!;
      if (v > bestValue || Number.isNaN(v)) {
        best = j;
        bestValue = v;
      }
    }
    out[o] = best;
  }
  return handleOf(out);
}
