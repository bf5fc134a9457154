/**
 * Fused 2-D pooling kernels: direct loops over each window, clipped to the input (padding
 * never enters a max and adds zeros to an average).
 */
import type { Pool2dParams, TensorInfo } from '@profundo/core';
import { activeEngine, allocate, allocateRaw, dataOf } from './storage.js';

interface Geometry {
  planes: number;
  H: number;
  W: number;
  OH: number;
  OW: number;
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  top: number;
  left: number;
}

function geometry(shape: readonly number[], p: Pool2dParams): Geometry {
  const [N, C, H, W] = shape as [number, number, number, number];
  const [kH, kW] = p.kernelSize;
  const [sH, sW] = p.stride;
  const [top, bottom, left, right] = p.padding;
  const OH = Math.floor((H + top + bottom - kH) / sH) + 1;
  const OW = Math.floor((W + left + right - kW) / sW) + 1;
  return { planes: N * C, H, W, OH, OW, kH, kW, sH, sW, top, left };
}

/**
 * Visits every max-pool window of `x` in output order and passes `visit(o, i)`: the output
 * index and the flat input index of the window's first maximum (rows, then columns). The
 * window is clipped to the input, so padding never wins; a NaN wins and stays, as in PyTorch.
 * Forward and backward share this scan, so the gradient goes exactly where the value came from.
 */
function forEachWindowMax(X: Float32Array, g: Geometry, visit: (o: number, i: number) => void): void {
  const { planes, H, W, OH, OW, kH, kW, sH, sW, top, left } = g;
  let o = 0;
  for (let c = 0; c < planes; c++) {
    const base = c * H * W;
    for (let i = 0; i < OH; i++) {
      const h0 = i * sH - top;
      const hs = h0 > 0 ? h0 : 0;
      const he = h0 + kH < H ? h0 + kH : H;
      for (let j = 0; j < OW; j++, o++) {
        const w0 = j * sW - left;
        const ws = w0 > 0 ? w0 : 0;
        const we = w0 + kW < W ? w0 + kW : W;
        let best = base + hs * W + ws;
        let m = X[best]!;
        for (let h = hs; h < he && m === m; h++) {
          const row = base + h * W;
          for (let w = ws; w < we; w++) {
            const v = X[row + w]!;
            if (v > m || v !== v) {
              m = v;
              best = row + w;
              if (v !== v) break;
            }
          }
        }
        visit(o, best);
      }
    }
  }
}

/**
 * The same scan in WebAssembly (assembly/pool.ts) when the active engine's heap holds the
 * tensors: the forward when `dY` is null, else the backward into the zeroed `out`.
 */
function maxPoolInWasm(X: Float32Array, out: Float32Array, dY: Float32Array | null, g: Geometry): boolean {
  const engine = activeEngine();
  if (engine === null || !engine.shared || out.length === 0) return false;
  const { planes, H, W, OH, OW, kH, kW, sH, sW, top, left } = g;
  const dy = dY === null ? 0 : dY.byteOffset;
  engine.kernels.maxPool(X.byteOffset, out.byteOffset, dy, 0, planes, H, W, OH, OW, kH, kW, sH, sW, top, left, dY === null ? 0 : 1);
  return true;
}

/** Max pooling, NCHW: each output is its window's maximum (see {@link forEachWindowMax}). */
export function maxPool2d(x: TensorInfo, p: Pool2dParams): Float32Array {
  const X = dataOf(x) as Float32Array;
  const g = geometry(x.shape, p);
  const out = allocateRaw('float32', g.planes * g.OH * g.OW) as Float32Array;
  if (maxPoolInWasm(X, out, null, g)) return out;
  forEachWindowMax(X, g, (o, i) => (out[o] = X[i]!));
  return out;
}

/** Gradient of {@link maxPool2d}: each `dy` goes to its window's first maximum in `x`. */
export function maxPool2dBackprop(dy: TensorInfo, x: TensorInfo, p: Pool2dParams): Float32Array {
  const X = dataOf(x) as Float32Array;
  const dY = dataOf(dy) as Float32Array;
  const dX = allocate('float32', X.length) as Float32Array;
  const g = geometry(x.shape, p);
  if (maxPoolInWasm(X, dX, dY, g)) return dX;
  forEachWindowMax(X, g, (o, i) => (dX[i] += dY[o]!));
  return dX;
}

/** Average pooling, NCHW. */
export function avgPool2d(x: TensorInfo, p: Pool2dParams, countIncludePad: boolean): Float32Array {
  const g = geometry(x.shape, p);
  const out = new Float32Array(g.planes * g.OH * g.OW);
  avgPool(dataOf(x) as Float32Array, out, g, countIncludePad, false);
  return out;
}

/** Gradient of {@link avgPool2d}: each `dy / divisor` is added to every position of its window. */
export function avgPool2dBackprop(
  dy: TensorInfo,
  inputShape: readonly number[],
  p: Pool2dParams,
  countIncludePad: boolean,
): Float32Array {
  const g = geometry(inputShape, p);
  const dX = new Float32Array(g.planes * g.H * g.W);
  avgPool(dataOf(dy) as Float32Array, dX, g, countIncludePad, true);
  return dX;
}

/**
 * The loops of both average-pooling kernels. Forward (`back` false) writes each window's
 * average of the input `src` to output `dst[o]`; backward adds `src[o] / divisor` (`src` the
 * output gradient) to every position of window `o` in the input gradient `dst`.
 */
function avgPool(src: Float32Array, dst: Float32Array, g: Geometry, countIncludePad: boolean, back: boolean): void {
  let o = 0;
  for (let c = 0; c < g.planes; c++) {
    const base = c * g.H * g.W;
    for (let i = 0; i < g.OH; i++) {
      const h0 = i * g.sH - g.top;
      const hs = Math.max(h0, 0);
      const he = Math.min(h0 + g.kH, g.H);
      for (let j = 0; j < g.OW; j++, o++) {
        const w0 = j * g.sW - g.left;
        const ws = Math.max(w0, 0);
        const we = Math.min(w0 + g.kW, g.W);
        const divisor = countIncludePad ? g.kH * g.kW : (he - hs) * (we - ws);
        if (back) {
          const v = src[o]! / divisor;
          for (let h = hs; h < he; h++) {
            const row = base + h * g.W;
            for (let w = ws; w < we; w++) dst[row + w] += v;
          }
        } else {
          let s = 0;
          for (let h = hs; h < he; h++) {
            const row = base + h * g.W;
            for (let w = ws; w < we; w++) s += src[row + w]!;
          }
          dst[o] = s / divisor;
        }
      }
    }
  }
}
