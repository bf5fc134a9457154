/**
 * 2-D convolution (NCHW activations, OIHW weights, as PyTorch). Runs the backend's fused
 * kernels when it has them; otherwise a composite of primitives that every backend has:
 * im2col as one `gather` over the padded, flattened spatial dims with a precomputed index,
 * then a batched `matmul`. Autograd differentiates the composite by itself; the fused path
 * records a backward made of the fused backprop kernels.
 *
 * @module
 */
import type { Conv2dParams } from '../backend/backend.js';
import { isGradEnabled } from '../autograd/graph.js';
import { ShapeError, ValueError } from '../errors.js';
import { fromArray, type Tensor } from '../tensor.js';
import { add } from './elementwise.js';
import { scatterAdd } from './indexing.js';
import { matmul } from './matmul.js';
import { pad, reshape, squeeze, unsqueeze } from './movement.js';
import { expectDType, runKernel, sameBackend } from './run.js';

/**
 * Padding of a 2-D convolution: one number for every side, `[padH, padW]`, `'valid'` (none)
 * or `'same'` (output as large as the input; stride 1 only; when the total `dilation·(k-1)`
 * is odd the extra row / column goes to the bottom / right, as in PyTorch).
 */
export type Conv2dPadding = number | readonly [number, number] | 'same' | 'valid';

/** Options of {@link conv2d}; every one defaults as in PyTorch. */
export interface Conv2dOptions {
  /** Step between output positions, `s` or `[sH, sW]` (default 1). */
  stride?: number | readonly [number, number];
  /** Zero padding (default 0); see {@link Conv2dPadding}. */
  padding?: Conv2dPadding;
  /** Step between kernel taps, `d` or `[dH, dW]` (default 1). */
  dilation?: number | readonly [number, number];
  /** Number of channel groups; must divide both channel counts (default 1). */
  groups?: number;
}

/** @internal `n` or `[a, b]` as a pair of integers of at least `min`. */
export function pair(op: string, what: string, v: number | readonly [number, number], min: number): [number, number] {
  const p: [number, number] | null =
    typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? [v[0] as number, v[1] as number] : null;
  if (!p || !p.every((x) => Number.isInteger(x) && x >= min)) {
    throw new ValueError(op, `${what} must be ${min > 0 ? 'a positive' : 'a non-negative'} integer or a pair of them, got ${Array.isArray(v) ? `[${v.map(String).join(',')}]` : String(v)}`);
  }
  return p;
}

/** @internal Output size of one spatial dim. */
export function outSize(size: number, before: number, after: number, span: number, stride: number): number {
  return Math.floor((size + before + after - span) / stride) + 1;
}

/**
 * @internal Flat positions in a padded `Hp×Wp` plane read by each (tap, output position):
 * entry `[tap][pos]` when `tapsFirst` (im2col rows for a matmul with the weights), else
 * `[pos][tap]` (windows last, for reductions). Taps are row-major over `kH×kW`.
 */
export function windowIndex(
  Wp: number,
  k: readonly [number, number],
  s: readonly [number, number],
  d: readonly [number, number],
  out: readonly [number, number],
  tapsFirst: boolean,
): Int32Array {
  const [kH, kW] = k;
  const [OH, OW] = out;
  const taps = kH * kW;
  const positions = OH * OW;
  const idx = new Int32Array(taps * positions);
  for (let p = 0; p < kH; p++) {
    for (let q = 0; q < kW; q++) {
      const tap = p * kW + q;
      for (let i = 0; i < OH; i++) {
        const row = (i * s[0] + p * d[0]) * Wp;
        for (let j = 0; j < OW; j++) {
          const pos = i * OW + j;
          idx[tapsFirst ? tap * positions + pos : pos * taps + tap] = row + j * s[1] + q * d[1];
        }
      }
    }
  }
  return idx;
}

/**
 * @internal `gather(x, axis, index)` for an index core built itself (so in range by
 * construction): skips the value check, which would read the index back from a GPU.
 */
export function gatherTrusted(x: Tensor, axis: number, index: Tensor): Tensor {
  return runKernel('gather', [x, index], index.shape, x.dtype, (be, [xi, ii]) => be.gather(xi!, ii!, axis), (g) => [
    scatterAdd(index, g, axis, x.shape),
    null,
  ]);
}

/**
 * @internal Patches of `x: [N, C, H, W]` as `[N, C, …]`: pads with `value`, then gathers the
 * positions of {@link windowIndex} (the same for every plane) from the flattened planes.
 */
export function patches(
  op: string,
  x: Tensor,
  padding: readonly [number, number, number, number],
  value: number,
  k: readonly [number, number],
  s: readonly [number, number],
  d: readonly [number, number],
  out: readonly [number, number],
  tapsFirst: boolean,
): Tensor {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [top, bottom, left, right] = padding;
  const xp = top || bottom || left || right ? pad(x, [[0, 0], [0, 0], [top, bottom], [left, right]], value) : x;
  const Hp = H + top + bottom;
  const Wp = W + left + right;
  const plane = windowIndex(Wp, k, s, d, out, tapsFirst);
  const planes = N * C;
  const all = new Int32Array(planes * plane.length);
  for (let i = 0; i < planes; i++) all.set(plane, i * plane.length);
  const index = fromArray(all, [N, C, plane.length], 'int32', x.backend(op));
  const cols = gatherTrusted(reshape(xp, [N, C, Hp * Wp]), 2, index);
  if (!cols.requiresGrad) index.dispose();
  return cols;
}

/** @internal Checks the input and weight of a conv and works out its geometry. */
function geometry(
  xShape: readonly number[],
  weight: Tensor,
  options: Conv2dOptions,
  given: readonly number[] = xShape,
): { params: Conv2dParams; outShape: [number, number, number, number] } {
  const op = 'conv2d';
  if (xShape.length !== 4) throw new ShapeError(op, `input must be [N, C, H, W] (or unbatched [C, H, W]), got [${given}]`);
  if (weight.rank !== 4) throw new ShapeError(op, `weight must be [outChannels, inChannels / groups, kH, kW], got [${weight.shape}]`);
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [O, Cg, kH, kW] = weight.shape as [number, number, number, number];
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(op, `groups must be a positive integer, got ${groups}`);
  if (C % groups !== 0) throw new ValueError(op, `input channels ${C} are not divisible by groups ${groups}`);
  if (O % groups !== 0) throw new ValueError(op, `output channels ${O} (weight [${weight.shape}]) are not divisible by groups ${groups}`);
  if (Cg * groups !== C) {
    throw new ShapeError(op, `input has ${C} channels but weight [${weight.shape}] with groups ${groups} expects ${Cg * groups} (weight.shape[1] · groups)`);
  }
  if (kH < 1 || kW < 1) throw new ShapeError(op, `weight [${weight.shape}] has an empty kernel`);
  const stride = pair(op, 'stride', options.stride ?? 1, 1);
  const dilation = pair(op, 'dilation', options.dilation ?? 1, 1);
  const spanH = dilation[0] * (kH - 1) + 1;
  const spanW = dilation[1] * (kW - 1) + 1;
  const p = options.padding ?? 0;
  let padding: [number, number, number, number];
  if (p === 'valid') padding = [0, 0, 0, 0];
  else if (p === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new ValueError(op, `padding 'same' needs stride 1, got stride [${stride}]`);
    const th = spanH - 1;
    const tw = spanW - 1;
    padding = [th >> 1, th - (th >> 1), tw >> 1, tw - (tw >> 1)];
  } else if (typeof p === 'string') {
    throw new ValueError(op, `padding must be a number, a pair, 'same' or 'valid', got '${p}'`);
  } else {
    const [ph, pw] = pair(op, 'padding', p, 0);
    padding = [ph, ph, pw, pw];
  }
  const Hp = H + padding[0] + padding[1];
  const Wp = W + padding[2] + padding[3];
  if (spanH > Hp || spanW > Wp) {
    throw new ShapeError(
      op,
      `kernel ${kH}×${kW} with dilation [${dilation}] spans ${spanH}×${spanW}, larger than the padded input ${Hp}×${Wp} (input [${given}])`,
    );
  }
  const outShape: [number, number, number, number] = [N, O, outSize(H, padding[0], padding[1], spanH, stride[0]), outSize(W, padding[2], padding[3], spanW, stride[1])];
  return { params: { stride, padding, dilation, groups }, outShape };
}

/**
 * 2-D convolution (cross-correlation, as in PyTorch) of `x: [N, C, H, W]` (or unbatched
 * `[C, H, W]`) with `weight: [O, C / groups, kH, kW]`, plus `bias: [O]` when given. The output
 * is `[N, O, OH, OW]` with `OH = floor((H + padTop + padBottom - dilation·(kH - 1) - 1) / stride) + 1`.
 *
 * Uses the backend's fused conv kernels when it has them, else an im2col composite of
 * primitive kernels; gradients flow to `x`, `weight` and `bias` either way.
 *
 * @example
 * ```ts
 * const x = randn([8, 3, 32, 32]);
 * const w = randn([16, 3, 3, 3]);
 * conv2d(x, w, zeros([16]), { padding: 1 }).shape;            // [8, 16, 32, 32]
 * conv2d(x, w, null, { stride: 2 }).shape;                     // [8, 16, 15, 15]
 * conv2d(x, randn([6, 1, 3, 3]), null, { groups: 3 }).shape;   // [8, 6, 30, 30]
 * ```
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  expectDType('conv2d', x, ['float32']);
  expectDType('conv2d', weight, ['float32'], 'weight');
  if (bias) {
    expectDType('conv2d', bias, ['float32'], 'bias');
    if (bias.rank !== 1 || bias.shape[0] !== weight.shape[0]) {
      throw new ShapeError('conv2d', `bias must be [${weight.shape[0]}] (one per output channel), got [${bias.shape}]`);
    }
  }
  sameBackend('conv2d', bias ? [x, weight, bias] : [x, weight]);
  if (x.rank === 3) {
    // Checked before the batch dim is added, so a rejected input leaves no view behind.
    geometry([1, ...x.shape], weight, options, x.shape);
    return squeeze(conv2d(unsqueeze(x, 0), weight, bias, options), 0);
  }
  const { params, outShape } = geometry(x.shape, weight, options);
  let y = convNoBias(x, weight, params, outShape);
  if (bias) y = add(y, reshape(bias, [1, outShape[1], 1, 1]));
  return y;
}

function convNoBias(x: Tensor, w: Tensor, params: Conv2dParams, outShape: [number, number, number, number]): Tensor {
  const f = x.backend('conv2d').fused;
  const needGrad = isGradEnabled() && (x.requiresGrad || w.requiresGrad);
  if (f?.conv2d && (!needGrad || (f.conv2dBackpropInput && f.conv2dBackpropFilter))) {
    return runKernel('conv2d', [x, w], outShape, 'float32', (be, [xi, wi]) => be.fused!.conv2d!(xi!, wi!, params), (g) => [
      x.requiresGrad
        ? runKernel('conv2d', [g, w], x.shape, 'float32', (be, [gi, wi]) => be.fused!.conv2dBackpropInput!(gi!, wi!, x.shape, params))
        : null,
      w.requiresGrad
        ? runKernel('conv2d', [x, g], w.shape, 'float32', (be, [xi, gi]) => be.fused!.conv2dBackpropFilter!(xi!, gi!, w.shape, params))
        : null,
    ]);
  }
  return convComposite(x, w, params, outShape);
}

/** im2col + batched matmul, from primitives only. */
function convComposite(x: Tensor, w: Tensor, params: Conv2dParams, outShape: [number, number, number, number]): Tensor {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, Cg, kH, kW] = w.shape as [number, number, number, number];
  const [, , OH, OW] = outShape;
  const G = params.groups;
  const pointwise =
    kH === 1 && kW === 1 && params.stride[0] === 1 && params.stride[1] === 1 && params.padding.every((p) => p === 0);
  // cols: [N, C, kH·kW·OH·OW], taps before positions, so [N, G, Cg·kH·kW, OH·OW] is a reshape.
  const cols = pointwise
    ? reshape(x, [N, C, H * W])
    : patches('conv2d', x, params.padding, 0, [kH, kW], params.stride, params.dilation, [OH, OW], true);
  const col = reshape(cols, [N, G, Cg * kH * kW, OH * OW]);
  const wg = reshape(w, [G, O / G, Cg * kH * kW]);
  return reshape(matmul(wg, col), outShape);
}

/** @internal Validates a float32 NCHW input for the pooling ops (rank 3 is unbatched). */
export function checkImage(op: string, x: Tensor): void {
  expectDType(op, x, ['float32']);
  if (x.rank !== 4 && x.rank !== 3) throw new ShapeError(op, `input must be [N, C, H, W] (or unbatched [C, H, W]), got [${x.shape}]`);
}
