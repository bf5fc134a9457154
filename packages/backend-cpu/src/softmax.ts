/**
 * Fused softmax and log-softmax along the last axis. Subtracting each row's maximum first keeps
 * exp() in (0, 1], so large logits neither overflow nor lose the small ones; sums run in
 * float64.
 */
import type { TensorInfo } from '@profundo/core';
import { dataOf } from './storage.js';

function lastAxis(x: TensorInfo): number {
  return x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1]!;
}

function rowMax(src: Float32Array, start: number, end: number): number {
  let m = -Infinity;
  for (let i = start; i < end; i++) {
    const v = src[i]!;
    if (v > m || v !== v) m = v;
  }
  return m;
}

/** `exp(x - max) / sum(exp(x - max))` per row of the last axis. */
export function softmax(x: TensorInfo): Float32Array {
  const src = dataOf(x) as Float32Array;
  const n = lastAxis(x);
  const out = new Float32Array(src.length);
  if (n === 0) return out;
  // Unrounded exponentials, so the normalisation divides the values that were summed.
  const e = new Float64Array(n);
  for (let start = 0; start < src.length; start += n) {
    const m = rowMax(src, start, start + n);
    let s = 0;
    for (let j = 0; j < n; j++) {
      const v = Math.exp(src[start + j]! - m);
      e[j] = v;
      s += v;
    }
    for (let j = 0; j < n; j++) out[start + j] = e[j]! / s;
  }
  return out;
}

/** `x - max - log(sum(exp(x - max)))` per row of the last axis. */
export function logSoftmax(x: TensorInfo): Float32Array {
  const src = dataOf(x) as Float32Array;
  const n = lastAxis(x);
  const out = new Float32Array(src.length);
  if (n === 0) return out;
  for (let start = 0; start < src.length; start += n) {
    const m = rowMax(src, start, start + n);
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(src[start + j]! - m);
    const lse = Math.log(s);
    for (let j = 0; j < n; j++) out[start + j] = src[start + j]! - m - lse;
  }
  return out;
}
