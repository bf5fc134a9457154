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
import { add, div, mul, sub } from './elementwise.js';
import { matmul } from './matmul.js';
import { reshape, squeeze, unsqueeze } from './movement.js';
import { argmax, mean, sum } from './reduce.js';
import { checkImage, gatherTrusted, outSize, pair, patches } from './conv.js';
import { runKernel } from './run.js';

/** Window options shared by {@link maxPool2d} and {@link avgPool2d}. */
export interface Pool2dOptions {
  /** Window size, `k` or `[kH, kW]`. */
  kernelSize: number | readonly [number, number];
  /** Step between windows (default: `kernelSize`). */
  stride?: number | readonly [number, number];
  /** Implicit padding on every side, `p` or `[pH, pW]`, at most half the window (default 0). */
  padding?: number | readonly [number, number];
  /**
   * Round the output size up instead of down (default false), as PyTorch's `ceil_mode`: a
   * last, partial window is kept when it starts inside the input or the left padding.
   */
  ceilMode?: boolean;
}

/** Options of {@link maxPool2d}; as PyTorch's `MaxPool2d`. */
export interface MaxPool2dOptions extends Pool2dOptions {
  /** Step between window taps, `d` or `[dH, dW]` (default 1). */
  dilation?: number | readonly [number, number];
}

/** Options of {@link avgPool2d}; as PyTorch's `AvgPool2d`. */
export interface AvgPool2dOptions extends Pool2dOptions {
  /** Whether padded zeros count in the divisor (default true, as in PyTorch). */
  countIncludePad?: boolean;
  /** A fixed divisor (a positive integer) instead of the window's size (default none). */
  divisorOverride?: number;
}

/** A pool's geometry: the fused kernels' params, the output shape, the dilation and the extra bottom / right padding of ceil mode. */
interface PoolGeometry {
  params: Pool2dParams;
  outShape: number[];
  dilation: [number, number];
  extra: [number, number];
}

/** PyTorch's pooling_output_shape: the output size along one dim. */
function pooledSize(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let out = Math.floor((n + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= n + p) out--;
  return out;
}

function poolParams(op: string, x: Tensor, arg: MaxPool2dOptions | number | readonly [number, number]): PoolGeometry {
  const o: MaxPool2dOptions = typeof arg === 'number' || Array.isArray(arg) ? { kernelSize: arg as number } : (arg as MaxPool2dOptions);
  const k = pair(op, 'kernelSize', o.kernelSize, 1);
  const s = pair(op, 'stride', o.stride ?? k, 1);
  const [ph, pw] = pair(op, 'padding', o.padding ?? 0, 0);
  const d = pair(op, 'dilation', o.dilation ?? 1, 1);
  const ceil = o.ceilMode ?? false;
  if (typeof ceil !== 'boolean') throw new ValueError(op, `ceilMode must be a boolean, got ${String(ceil)}`);
  const span: [number, number] = [d[0] * (k[0] - 1) + 1, d[1] * (k[1] - 1) + 1];
  if (2 * ph > span[0] || 2 * pw > span[1]) {
    throw new ValueError(op, `padding [${ph}, ${pw}] must be at most half the kernel size [${span}]`);
  }
  // An unbatched [C, H, W] input is pooled as [1, C, H, W]; messages show the shape as given.
  const [N, C, H, W] = (x.rank === 3 ? [1, ...x.shape] : x.shape) as [number, number, number, number];
  if (span[0] > H + 2 * ph || span[1] > W + 2 * pw) {
    throw new ShapeError(op, `kernel [${span}] is larger than the padded input ${H + 2 * ph}×${W + 2 * pw} (input [${x.shape}])`);
  }
  const OH = pooledSize(H, k[0], s[0], ph, d[0], ceil);
  const OW = pooledSize(W, k[1], s[1], pw, d[1], ceil);
  // Ceil mode's last window may reach past the padded input: pad the bottom / right further.
  const extra: [number, number] = [
    Math.max(0, (OH - 1) * s[0] + span[0] - (H + 2 * ph)),
    Math.max(0, (OW - 1) * s[1] + span[1] - (W + 2 * pw)),
  ];
  const outShape = [N, C, OH, OW];
  return { params: { kernelSize: k, stride: s, padding: [ph, ph, pw, pw] }, outShape, dilation: d, extra };
}

/** Whether the fused kernels (no dilation, no ceil-mode overhang) can run this pool. */
function plain(g: PoolGeometry): boolean {
  return g.dilation[0] === 1 && g.dilation[1] === 1 && g.extra[0] === 0 && g.extra[1] === 0;
}

/** The pool's windows as `[N, C, OH, OW, kH·kW]`, padding filled with `value`. */
function windows(op: string, x: Tensor, g: PoolGeometry, value: number): Tensor {
  const [N, C, OH, OW] = g.outShape as [number, number, number, number];
  const p = g.params;
  const padding: [number, number, number, number] = [p.padding[0], p.padding[1] + g.extra[0], p.padding[2], p.padding[3] + g.extra[1]];
  const cols = patches(op, x, padding, value, p.kernelSize, p.stride, g.dilation, [OH, OW], false);
  return reshape(cols, [N, C, OH, OW, p.kernelSize[0] * p.kernelSize[1]]);
}

function batched(x: Tensor, fn: (x4: Tensor) => Tensor): Tensor {
  return x.rank === 3 ? squeeze(fn(unsqueeze(x, 0)), 0) : fn(x);
}

/**
 * 2-D max pooling of `x: [N, C, H, W]` (or `[C, H, W]`): the maximum of each
 * `kH×kW` window, windows `stride` apart, taps `dilation` apart; padding never wins (it
 * counts as -Infinity); `ceilMode` keeps a last partial window. A number or a pair as the
 * second argument is the kernel size. The gradient goes to the first maximum of each window,
 * as in PyTorch. {@link maxPool2dWithIndices} returns where each maximum was too.
 *
 * @example
 * ```ts
 * maxPool2d(randn([8, 16, 28, 28]), 2).shape;                                  // [8, 16, 14, 14]
 * maxPool2d(randn([8, 16, 28, 28]), { kernelSize: 3, stride: 2, padding: 1 }).shape; // [8, 16, 14, 14]
 * maxPool2d(randn([1, 1, 5, 5]), { kernelSize: 2, ceilMode: true }).shape;     // [1, 1, 3, 3]
 * maxPool2d(randn([1, 1, 7, 7]), { kernelSize: 3, stride: 1, dilation: 2 }).shape; // [1, 1, 3, 3]
 * ```
 */
export function maxPool2d(x: Tensor, options: MaxPool2dOptions | number | readonly [number, number]): Tensor {
  checkImage('maxPool2d', x);
  const geometry = poolParams('maxPool2d', x, options);
  const { params, outShape } = geometry;
  return batched(x, (x4) => {
    const f = x4.backend('maxPool2d').fused;
    if (plain(geometry) && f?.maxPool2d && (!(isGradEnabled() && x4.requiresGrad) || f.maxPool2dBackprop)) {
      return runKernel('maxPool2d', [x4], outShape, 'float32', (be, [xi]) => be.fused!.maxPool2d!(xi!, params), (g) => [
        runKernel('maxPool2d', [g, x4], x4.shape, 'float32', (be, [gi, xi]) => be.fused!.maxPool2dBackprop!(gi!, xi!, params)),
      ]);
    }
    const win = windows('maxPool2d', x4, geometry, -Infinity);
    const first = argmax(win, 4, true);
    return reshape(gatherTrusted(win, 4, first), outShape);
  });
}

/**
 * {@link maxPool2d} with the position of each maximum: PyTorch's `return_indices=True`. The
 * indices (int32, the output's shape) are flat positions `h·W + w` in each input plane, the
 * first maximum of each window, as `MaxUnpool2d` reads them. The gradient goes to those
 * positions.
 *
 * @example
 * ```ts
 * // One plane of 2×4, pooled by 2×2 windows:
 * const x = tensor([[[[1, 5, 2, 0], [3, 4, 8, 7]]]]);
 * const { values, indices } = maxPool2dWithIndices(x, 2);
 * values;  // [[[[5, 8]]]]
 * indices; // [[[[1, 6]]]]
 * ```
 */
export function maxPool2dWithIndices(x: Tensor, options: MaxPool2dOptions | number | readonly [number, number]): { values: Tensor; indices: Tensor } {
  const op = 'maxPool2dWithIndices';
  checkImage(op, x);
  const geometry = poolParams(op, x, options);
  const { params, outShape, dilation } = geometry;
  const [, , OH, OW] = outShape as [number, number, number, number];
  const W = x.shape[x.rank - 1]!;
  const values: Tensor[] = [];
  const indices = batched(x, (x4) => {
    const win = windows(op, x4, geometry, -Infinity);
    const tap = argmax(win, 4, true);
    values.push(reshape(gatherTrusted(win, 4, tap), outShape));
    // Tap t of window (i, j) reads input row i·sH + ⌊t / kW⌋·dH − pH, column j·sW + (t mod kW)·dW − pW.
    const be = x4.backend(op);
    const kW = params.kernelSize[1];
    const t = reshape(tap, outShape);
    const a = div(t, kW);
    const b = sub(t, mul(a, kW));
    const rows = fromArray(Int32Array.from({ length: OH }, (_, i) => i * params.stride[0] - params.padding[0]), [OH, 1], 'int32', be);
    const cols = fromArray(Int32Array.from({ length: OW }, (_, j) => j * params.stride[1] - params.padding[2]), [OW], 'int32', be);
    const h = add(rows, mul(a, dilation[0]));
    const w = add(cols, mul(b, dilation[1]));
    return add(mul(h, W), w);
  });
  const v = values[0]!;
  return { values: x.rank === 3 ? squeeze(v, 0) : v, indices };
}

/**
 * 2-D average pooling of `x: [N, C, H, W]` (or `[C, H, W]`): the mean of each `kH×kW` window,
 * padding counting as zeros. With `countIncludePad: false` the divisor is the number of
 * window positions inside the input instead of `kH·kW`; `divisorOverride` fixes it; with
 * `ceilMode` a last partial window is kept, its divisor counting the positions inside the
 * padded input (PyTorch's rule).
 *
 * @example
 * ```ts
 * const x = randn([8, 16, 28, 28]);
 * avgPool2d(x, 2).shape; // [8, 16, 14, 14]
 * avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1, countIncludePad: false }).shape; // [8, 16, 28, 28]
 * avgPool2d(tensor([[[[1, 2, 3]]]]), { kernelSize: [1, 2], ceilMode: true });           // [[[[1.5, 3]]]]
 * avgPool2d(tensor([[[[1, 2, 3, 4]]]]), { kernelSize: [1, 2], divisorOverride: 1 });    // [[[[3, 7]]]]
 * ```
 */
export function avgPool2d(x: Tensor, options: AvgPool2dOptions | number | readonly [number, number]): Tensor {
  const op = 'avgPool2d';
  checkImage(op, x);
  const o = typeof options === 'object' && !Array.isArray(options) ? (options as AvgPool2dOptions) : undefined;
  if (o && 'dilation' in o && (o as MaxPool2dOptions).dilation !== undefined) throw new ValueError(op, 'has no dilation option (PyTorch\'s AvgPool2d has none)');
  const include = o?.countIncludePad ?? true;
  const override = o?.divisorOverride;
  if (override !== undefined && !(Number.isInteger(override) && override > 0)) {
    throw new ValueError(op, `divisorOverride must be a positive integer, got ${String(override)}`);
  }
  const geometry = poolParams(op, x, options);
  const { params, outShape } = geometry;
  return batched(x, (x4) => {
    const f = x4.backend(op).fused;
    if (plain(geometry) && override === undefined && f?.avgPool2d && (!(isGradEnabled() && x4.requiresGrad) || f.avgPool2dBackprop)) {
      return runKernel(op, [x4], outShape, 'float32', (be, [xi]) => be.fused!.avgPool2d!(xi!, params, include), (g) => [
        runKernel(op, [g], x4.shape, 'float32', (be, [gi]) => be.fused!.avgPool2dBackprop!(gi!, x4.shape, params, include)),
      ]);
    }
    const win = windows(op, x4, geometry, 0);
    if (override !== undefined) return div(sum(win, 4), override);
    const noPad = params.padding.every((p) => p === 0);
    if (plain(geometry) && (include || noPad)) return mean(win, 4);
    return div(sum(win, 4), fromArray(windowCounts(x4.shape, params, outShape, include), outShape.slice(2), 'float32', x4.backend(op)));
  });
}

/**
 * Each window's divisor, `[OH, OW]` row-major, as PyTorch's avg_pool2d: the positions inside
 * the padded input (`include`) or inside the input itself.
 */
function windowCounts(shape: readonly number[], p: Pool2dParams, outShape: readonly number[], include: boolean): Float32Array {
  const [, , H, W] = shape as [number, number, number, number];
  const [, , OH, OW] = outShape as [number, number, number, number];
  const inside = (i: number, s: number, pad: number, k: number, n: number): number => {
    const start = i * s - pad;
    const end = Math.min(start + k, n + pad);
    return include ? end - start : Math.min(end, n) - Math.max(start, 0);
  };
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
