/**
 * Batch normalization as a function (PyTorch's `F.batch_norm`), a composite of element-wise
 * ops and reductions, so every backend runs it and autograd differentiates it.
 *
 * @module
 */
import { noGrad } from '../autograd/graph.js';
import { ShapeError, ValueError } from '../errors.js';
import { tidy } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sqrt, square, sub } from './elementwise.js';
import { reshape } from './movement.js';
import { mean } from './reduce.js';
import { expectDType, sameBackend } from './run.js';

/** Options of {@link batchNorm}; defaults as in PyTorch's `F.batch_norm`. */
export interface BatchNormOptions {
  /** Per-channel running mean `[C]`: used in evaluation, updated in place in training. */
  runningMean?: Tensor | null;
  /** Per-channel running (unbiased) variance `[C]`: used in evaluation, updated in training. */
  runningVar?: Tensor | null;
  /** Per-channel scale γ `[C]` (none: 1). */
  weight?: Tensor | null;
  /** Per-channel shift β `[C]` (none: 0). */
  bias?: Tensor | null;
  /** Normalize with the batch's statistics (and update the running ones) (default false). */
  training?: boolean;
  /** Weight of the new batch in the running statistics: `r ← (1 - m)·r + m·batch` (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * Batch normalization over dim 1 (channels) of `x: [N, C, ...]`:
 * `y = (x - mean) / √(var + eps) · weight + bias`, with `mean` / `var` (biased) taken over
 * every dim but 1 of the batch when `training`, else the running statistics. In training,
 * given running statistics are updated in place (not differentiably) with the batch mean and
 * the *unbiased* batch variance, as PyTorch does.
 *
 * @example
 * ```ts
 * const x = randn([32, 16, 8, 8]);
 * const rm = zeros([16]), rv = ones([16]);
 * const y = batchNorm(x, { runningMean: rm, runningVar: rv, training: true }); // updates rm, rv
 * const z = batchNorm(x, { runningMean: rm, runningVar: rv });                 // evaluation
 * ```
 */
export function batchNorm(x: Tensor, options: BatchNormOptions = {}): Tensor {
  const op = 'batchNorm';
  expectDType(op, x, ['float32']);
  if (x.rank < 2) throw new ShapeError(op, `input must be [N, C, ...], got [${x.shape}]`);
  const C = x.shape[1]!;
  const { runningMean = null, runningVar = null, weight = null, bias = null } = options;
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (!t) continue;
    expectDType(op, t, ['float32'], name);
    if (t.rank !== 1 || t.shape[0] !== C) throw new ShapeError(op, `${name} must be [${C}] for input [${x.shape}], got [${t.shape}]`);
    sameBackend(op, [x, t]);
  }
  const training = options.training ?? false;
  const momentum = options.momentum ?? 0.1;
  const eps = options.eps ?? 1e-5;
  if (!(eps >= 0)) throw new ValueError(op, `eps must be >= 0, got ${eps}`);
  if (!(momentum >= 0 && momentum <= 1)) throw new ValueError(op, `momentum must be in [0, 1], got ${momentum}`);
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const statShape = x.shape.map((d, i) => (i === 1 ? d : 1));
  const count = x.size / Math.max(C, 1);
  let m: Tensor;
  let v: Tensor;
  if (training) {
    if (count <= 1) throw new ValueError(op, `needs more than one value per channel in training, got input [${x.shape}]`);
    m = mean(x, axes, true);
    v = mean(square(sub(x, m)), axes, true);
    if (runningMean || runningVar) {
      noGrad(() =>
        tidy(() => {
          if (runningMean) runningMean.assign(add(mul(runningMean, 1 - momentum), mul(reshape(m, [C]), momentum)));
          if (runningVar) runningVar.assign(add(mul(runningVar, 1 - momentum), mul(reshape(v, [C]), (momentum * count) / (count - 1))));
        }),
      );
    }
  } else {
    if (!runningMean || !runningVar) throw new ValueError(op, 'needs runningMean and runningVar in evaluation (training: false)');
    m = reshape(runningMean, statShape);
    v = reshape(runningVar, statShape);
  }
  let y = div(sub(x, m), sqrt(add(v, eps)));
  if (weight) y = mul(y, reshape(weight, statShape));
  if (bias) y = add(y, reshape(bias, statShape));
  return y;
}

/** Options of {@link layerNorm}; defaults as in PyTorch's `F.layer_norm`. */
export interface LayerNormFunctionOptions {
  /** Element-wise scale of shape `normalizedShape` (none: 1). */
  weight?: Tensor | null;
  /** Element-wise shift of shape `normalizedShape` (none: 0). */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * Layer normalization over the trailing dims `normalizedShape` of `x` (PyTorch's
 * `F.layer_norm`): `y = (x - mean) / √(var + eps) · weight + bias`, with the mean and the
 * *biased* variance taken over those dims, for each leading index. `weight` and `bias`, when
 * given, have shape `normalizedShape`.
 *
 * @example
 * ```ts
 * layerNorm(tensor([[1, 2, 3], [2, 2, 2]]), [3]);                   // [[-1.2247, 0, 1.2247], [0, 0, 0]]
 * layerNorm(tensor([[1, 3]]), [2], { weight: tensor([2, 1]), bias: tensor([0, 1]) }); // [[-2, 2]]
 * ```
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], options: LayerNormFunctionOptions = {}): Tensor {
  const op = 'layerNorm';
  expectDType(op, x, ['float32']);
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : Array.isArray(normalizedShape) ? [...normalizedShape] : null;
  if (!shape || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new ShapeError(op, `normalizedShape must be one or more positive integers, got ${Array.isArray(normalizedShape) ? `[${normalizedShape}]` : String(normalizedShape)}`);
  }
  const k = shape.length;
  if (x.rank < k || x.shape.slice(x.rank - k).join() !== shape.join()) {
    throw new ShapeError(op, `expected input [..., ${shape}], got [${x.shape}]`);
  }
  const { weight = null, bias = null } = options;
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (!t) continue;
    expectDType(op, t, ['float32'], name);
    if (t.shape.join() !== shape.join() || t.rank !== k) throw new ShapeError(op, `${name} must be [${shape}] (normalizedShape), got [${t.shape}]`);
    sameBackend(op, [x, t]);
  }
  const eps = options.eps ?? 1e-5;
  if (typeof eps !== 'number' || !(eps >= 0)) throw new ValueError(op, `eps must be >= 0, got ${String(eps)}`);
  const dims = Array.from({ length: k }, (_, i) => x.rank - k + i);
  const centered = sub(x, mean(x, dims, true));
  const variance = mean(mul(centered, centered), dims, true);
  let y = div(centered, sqrt(add(variance, eps)));
  if (weight) y = mul(y, weight);
  if (bias) y = add(y, bias);
  return y;
}
