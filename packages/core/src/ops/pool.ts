/**
 * 2-D pooling over NCHW tensors: max, average and adaptive average. Max and average pooling run
 * the backend's fused kernels when present, else a composite: the windows gathered into a
 * trailing axis (see `patches` in conv.ts), then reduced. Adaptive average pooling is two
 * small matmuls with averaging matrices (or plain average pooling when the sizes divide).
 *
 * @module
 */
import type { Pool2dParams } from '../backend/backend.js';
import { isGradEnabled } from '../autograd/graph.js';
import { ShapeError, ValueError } from '../errors.js';
import { fromArray, type Tensor } from '../tensor.js';
import { div } from './elementwise.js';
import { matmul } from './matmul.js';
import { reshape, squeeze, unsqueeze } from './movement.js';
import { argmax, mean, sum } from './reduce.js';
import { checkImage, gatherTrusted, outSize, pair, patches } from './conv.js';
import { runKernel } from './run.js';

/** Options of {@link maxPool2d}; as PyTorch's `MaxPool2d` (no dilation or ceil mode). */
export interface MaxPool2dOptions {
  /** Window size, `k` or `[kH, kW]`. */
  kernelSize: number | readonly [number, number];
  /** Step between windows (default: `kernelSize`). */
  stride?: number | readonly [number, number];
  /** Implicit padding on every side, `p` or `[pH, pW]`, at most half the window (default 0). */
  padding?: number | readonly [number, number];
}

/** Options of {@link avgPool2d}. */
export interface AvgPool2dOptions extends MaxPool2dOptions {
  /** Whether padded zeros count in the divisor (default true, as in PyTorch). */
  countIncludePad?: boolean;
}

function poolParams(op: string, x: Tensor, arg: MaxPool2dOptions | number | readonly [number, number]): { params: Pool2dParams; outShape: number[] } {
  const o: MaxPool2dOptions = typeof arg === 'number' || Array.isArray(arg) ? { kernelSize: arg as number } : (arg as MaxPool2dOptions);
  const k = pair(op, 'kernelSize', o.kernelSize, 1);
  const s = pair(op, 'stride', o.stride ?? k, 1);
  const [ph, pw] = pair(op, 'padding', o.padding ?? 0, 0);
  if (2 * ph > k[0] || 2 * pw > k[1]) {
    throw new ValueError(op, `padding [${ph}, ${pw}] must be at most half the kernel size [${k}]`);
  }
  // An unbatched [C, H, W] input is pooled as [1, C, H, W]; messages show the shape as given.
  const [N, C, H, W] = (x.rank === 3 ? [1, ...x.shape] : x.shape) as [number, number, number, number];
  if (k[0] > H + 2 * ph || k[1] > W + 2 * pw) {
    throw new ShapeError(op, `kernel [${k}] is larger than the padded input ${H + 2 * ph}×${W + 2 * pw} (input [${x.shape}])`);
  }
  const outShape = [N, C, outSize(H, ph, ph, k[0], s[0]), outSize(W, pw, pw, k[1], s[1])];
  return { params: { kernelSize: k, stride: s, padding: [ph, ph, pw, pw] }, outShape };
}

/** The pool's windows as `[N, C, OH, OW, kH·kW]`, padding filled with `value`. */
function windows(op: string, x: Tensor, p: Pool2dParams, outShape: readonly number[], value: number): Tensor {
  const [N, C, OH, OW] = outShape as [number, number, number, number];
  const cols = patches(op, x, p.padding, value, p.kernelSize, p.stride, [1, 1], [OH, OW], false);
  return reshape(cols, [N, C, OH, OW, p.kernelSize[0] * p.kernelSize[1]]);
}

function batched(x: Tensor, fn: (x4: Tensor) => Tensor): Tensor {
  return x.rank === 3 ? squeeze(fn(unsqueeze(x, 0)), 0) : fn(x);
}

/**
 * 2-D max pooling of `x: [N, C, H, W]` (or `[C, H, W]`): the maximum of each
 * `kH×kW` window, windows `stride` apart; padding never wins (it counts as -Infinity). A
 * number or a pair as the second argument is the kernel size. The gradient goes to the first
 * maximum of each window, as in PyTorch.
 *
 * @example
 * ```ts
 * maxPool2d(randn([8, 16, 28, 28]), 2).shape;                                  // [8, 16, 14, 14]
 * maxPool2d(randn([8, 16, 28, 28]), { kernelSize: 3, stride: 2, padding: 1 }).shape; // [8, 16, 14, 14]
 * ```
 */
export function maxPool2d(x: Tensor, options: MaxPool2dOptions | number | readonly [number, number]): Tensor {
  checkImage('maxPool2d', x);
  const { params, outShape } = poolParams('maxPool2d', x, options);
  return batched(x, (x4) => {
    const f = x4.backend('maxPool2d').fused;
    if (f?.maxPool2d && (!(isGradEnabled() && x4.requiresGrad) || f.maxPool2dBackprop)) {
      return runKernel('maxPool2d', [x4], outShape, 'float32', (be, [xi]) => be.fused!.maxPool2d!(xi!, params), (g) => [
        runKernel('maxPool2d', [g, x4], x4.shape, 'float32', (be, [gi, xi]) => be.fused!.maxPool2dBackprop!(gi!, xi!, params)),
      ]);
    }
    const win = windows('maxPool2d', x4, params, outShape, -Infinity);
    const first = argmax(win, 4, true);
    return reshape(gatherTrusted(win, 4, first), outShape);
  });
}

/**
 * 2-D average pooling of `x: [N, C, H, W]` (or `[C, H, W]`): the mean of each `kH×kW` window,
 * padding counting as zeros. With `countIncludePad: false` the divisor is the number of
 * window positions inside the input instead of `kH·kW`.
 *
 * @example
 * ```ts
 * const x = randn([8, 16, 28, 28]);
 * avgPool2d(x, 2).shape; // [8, 16, 14, 14]
 * avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1, countIncludePad: false }).shape; // [8, 16, 28, 28]
 * ```
 */
export function avgPool2d(x: Tensor, options: AvgPool2dOptions | number | readonly [number, number]): Tensor {
  checkImage('avgPool2d', x);
  const include = (typeof options === 'object' && !Array.isArray(options) ? (options as AvgPool2dOptions).countIncludePad : undefined) ?? true;
  const { params, outShape } = poolParams('avgPool2d', x, options);
  return batched(x, (x4) => {
    const f = x4.backend('avgPool2d').fused;
    if (f?.avgPool2d && (!(isGradEnabled() && x4.requiresGrad) || f.avgPool2dBackprop)) {
      return runKernel('avgPool2d', [x4], outShape, 'float32', (be, [xi]) => be.fused!.avgPool2d!(xi!, params, include), (g) => [
        runKernel('avgPool2d', [g], x4.shape, 'float32', (be, [gi]) => be.fused!.avgPool2dBackprop!(gi!, x4.shape, params, include)),
      ]);
    }
    const win = windows('avgPool2d', x4, params, outShape, 0);
    const noPad = params.padding.every((p) => p === 0);
    if (include || noPad) return mean(win, 4);
    return div(sum(win, 4), fromArray(windowCounts(x4.shape, params, outShape), outShape.slice(2), 'float32', x4.backend('avgPool2d')));
  });
}

/** How many positions of each window lie inside the input, `[OH, OW]` row-major. */
function windowCounts(shape: readonly number[], p: Pool2dParams, outShape: readonly number[]): Float32Array {
  const [, , H, W] = shape as [number, number, number, number];
  const [, , OH, OW] = outShape as [number, number, number, number];
  const inside = (i: number, s: number, pad: number, k: number, n: number): number =>
    Math.min(i * s - pad + k, n) - Math.max(i * s - pad, 0);
  const out = new Float32Array(OH * OW);
  for (let i = 0; i < OH; i++) {
    const rows = inside(i, p.stride[0], p.padding[0], p.kernelSize[0], H);
    for (let j = 0; j < OW; j++) out[i * OW + j] = rows * inside(j, p.stride[1], p.padding[2], p.kernelSize[1], W);
  }
  return out;
}

/**
 * Adaptive average pooling to a fixed output size `[OH, OW]` (a number means square), as
 * PyTorch's `adaptive_avg_pool2d`: output `i` averages input rows
 * `floor(i·H/OH) .. ceil((i+1)·H/OH) - 1`, likewise for columns.
 *
 * @example
 * ```ts
 * adaptiveAvgPool2d(randn([8, 512, 7, 7]), 1).shape;  // [8, 512, 1, 1] (global average)
 * adaptiveAvgPool2d(randn([2, 3, 10, 9]), [4, 3]).shape; // [2, 3, 4, 3]
 * ```
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number, number]): Tensor {
  const op = 'adaptiveAvgPool2d';
  checkImage(op, x);
  const [OH, OW] = pair(op, 'outputSize', outputSize, 1);
  const [H, W] = x.shape.slice(-2) as [number, number];
  if (H === 0 || W === 0) throw new ShapeError(op, `input [${x.shape}] has an empty spatial dim`);
  return batched(x, (x4) => {
    if (H % OH === 0 && W % OW === 0) return avgPool2d(x4, { kernelSize: [H / OH, W / OW] });
    const be = x4.backend(op);
    const rows = fromArray(averaging(H, OH), [OH, H], 'float32', be);
    const colsT = fromArray(transposed(averaging(W, OW), OW, W), [W, OW], 'float32', be);
    // Separable: averaging a rectangle = averaging its rows, then its columns.
    return matmul(rows, matmul(x4, colsT));
  });
}

/** `[out, n]` matrix whose row `i` averages PyTorch's adaptive window `i`. */
function averaging(n: number, out: number): Float32Array {
  const m = new Float32Array(out * n);
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * n) / out);
    const end = Math.ceil(((i + 1) * n) / out);
    for (let j = start; j < end; j++) m[i * n + j] = 1 / (end - start);
  }
  return m;
}

function transposed(m: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(m.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j]!;
  return t;
}
