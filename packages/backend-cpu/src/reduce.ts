/**
 * Reductions: `sum` / `max` over any set of axes, and `argmax` along one.
 *
 * The input is walked once in memory order. Collapsing the index space with two stride sets
 * (the input's, and the output's with 0 on reduced axes) leaves alternating kept / reduced
 * runs; the innermost run is either reduced (fold a contiguous row into one accumulator) or
 * kept (add a contiguous row into a row of accumulators). Accumulators are float64 so float32
 * sums lose no precision to rounding and int32 sums are exact before the final wrap.
 */
import type { DataArray, ReduceOp, TensorInfo } from '@profundo/core';
import { activeEngine, allocate, allocateRaw, dataOf, sizeOf, stridesOf } from './storage.js';
import { collapse, rowOffsets } from './strided.js';
import type { KernelExports } from './wasm/engine.js';
import type { WasmHeap } from './wasm/heap.js';

/**
 * The walk a reduction takes through its input in memory order: rows of `n` elements, each
 * either folded into one accumulator (`innerKept` false) or added into a row of them, the
 * accumulator (row) of input row `r` starting at `outRows[r]`.
 */
function walk(shape: readonly number[], reduced: readonly boolean[]): { n: number; innerKept: boolean; outRows: Int32Array } {
  // Output strides indexed by input axis, 0 where the axis is reduced.
  const outStrides = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1, s = 1; d >= 0; d--) {
    if (!reduced[d]) {
      outStrides[d] = s;
      s *= shape[d]!;
    }
  }
  const { shape: cs, strides } = collapse(shape, [stridesOf(shape), outStrides]);
  const last = cs.length - 1;
  return { n: cs[last]!, innerKept: strides[1]![last] !== 0, outRows: rowOffsets(cs, strides[1]!) };
}

/** Folds `x` over the sorted, unique `axes`; the result drops those axes and keeps `x`'s dtype. */
export function reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): DataArray {
  const shape = x.shape;
  const reduced = new Array<boolean>(shape.length).fill(false);
  for (const ax of axes) reduced[ax] = true;
  const outShape = shape.filter((_, d) => !reduced[d]);
  const outSize = sizeOf(outShape);
  const src = dataOf(x);
  if (outSize === 0) return allocate(x.dtype, 0);

  const isMax = op === 'max';
  const engine = activeEngine();
  if (!isMax && engine !== null && engine.shared && x.dtype === 'float32' && src.length > 0) {
    return sumInWasm(engine.heap, engine.kernels, src as Float32Array, shape, reduced, outSize);
  }
  const acc = new Float64Array(outSize);
  if (isMax) acc.fill(-Infinity);
  if (src.length > 0) {
    const { n, innerKept, outRows } = walk(shape, reduced);
    for (let r = 0, i = 0; r < outRows.length; r++) {
      const o = outRows[r]!;
      const end = i + n;
      if (innerKept) {
        if (isMax) {
          for (let j = o; i < end; i++, j++) {
            const v = src[i]!;
            // `v !== v` lets NaN win, and nothing beats NaN afterwards: max propagates NaN.
            if (v > acc[j]! || v !== v) acc[j] = v;
          }
        } else {
          for (let j = o; i < end; i++, j++) acc[j] += src[i]!;
        }
      } else if (isMax) {
        let m = acc[o]!;
        for (; i < end; i++) {
          const v = src[i]!;
          if (v > m || v !== v) m = v;
        }
        acc[o] = m;
      } else {
        let s = 0;
        for (; i < end; i++) s += src[i]!;
        acc[o] += s;
      }
    }
  }
  switch (x.dtype) {
    case 'float32':
      return new Float32Array(acc);
    case 'int32':
      // The constructor wraps modulo 2^32, matching int32 overflow semantics.
      return new Int32Array(acc);
    case 'bool':
      return new Uint8Array(acc);
  }
}

/**
 * A float32 sum with the same walk as {@link reduce}, its runs folded (or added into rows of
 * float64 accumulators) in WebAssembly; the accumulators live in the heap for the call.
 */
function sumInWasm(
  heap: WasmHeap,
  k: KernelExports,
  src: Float32Array,
  shape: readonly number[],
  reduced: readonly boolean[],
  outSize: number,
): Float32Array {
  const accPtr = heap.alloc(outSize * 8);
  try {
    const acc = new Float64Array(heap.buffer, accPtr, outSize);
    acc.fill(0);
    const { n, innerKept, outRows } = walk(shape, reduced);
    const base = src.byteOffset;
    for (let r = 0; r < outRows.length; r++) {
      const o = outRows[r]!;
      if (innerKept) k.addRun(accPtr + o * 8, base + r * n * 4, n);
      else acc[o] += k.sumRun(base + r * n * 4, n);
    }
    const out = allocateRaw('float32', outSize) as Float32Array;
    out.set(acc);
    return out;
  } finally {
    heap.free(accPtr, outSize * 8);
  }
}

/** Int32 index of the first maximum along `axis` (NaN counts as the maximum, like PyTorch). */
export function argmax(x: TensorInfo, axis: number): Int32Array {
  const shape = x.shape;
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d]!;
  const n = shape[axis]!;
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  const out = new Int32Array(outer * inner);
  if (out.length === 0 || n === 0) return out;
  const src = dataOf(x);
  if (inner === 1) {
    for (let p = 0; p < outer; p++) {
      const base = p * n;
      let best = src[base]!;
      let bi = 0;
      if (best === best) {
        for (let k = 1; k < n; k++) {
          const v = src[base + k]!;
          if (v > best || v !== v) {
            best = v;
            bi = k;
            if (v !== v) break;
          }
        }
      }
      out[p] = bi;
    }
    return out;
  }
  // Along a non-last axis, sweep whole inner rows so reads stay sequential.
  const best = new Float64Array(inner);
  for (let p = 0; p < outer; p++) {
    const base = p * n * inner;
    const o = p * inner;
    for (let j = 0; j < inner; j++) best[j] = src[base + j]!;
    for (let k = 1; k < n; k++) {
      const row = base + k * inner;
      for (let j = 0; j < inner; j++) {
        const v = src[row + j]!;
        const b = best[j]!;
        if (v > b || (v !== v && b === b)) {
          best[j] = v;
          out[o + j] = k;
        }
      }
    }
  }
  return out;
}
