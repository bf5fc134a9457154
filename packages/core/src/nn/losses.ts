/**
 * Loss functions, PyTorch's names and reductions.
 *
 * @module
 */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { logSoftmax } from '../ops/activation.js';
import { add, clamp, div, log, maximum, mul, neg, sub } from '../ops/elementwise.js';
import { noGrad, record } from '../autograd/graph.js';
import { live, sameBackend } from '../ops/run.js';
import { asOneOp } from '../numerics.js';
import { deferCheck, scalarLike } from '../deferred-checks.js';
import { checkIndexValues, gather } from '../ops/indexing.js';
import { reshape } from '../ops/movement.js';
import { mean, sum } from '../ops/reduce.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** How per-element losses combine: averaged (default), summed, or returned as they are. */
export type Reduction = 'mean' | 'sum' | 'none';

/** The reduction asked for (default 'mean'); checked before any tensor is made. */
function checkReduction(op: string, options: { reduction?: Reduction }): Reduction {
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ValueError(op, `reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
  return reduction;
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'mean' ? mean(loss) : reduction === 'sum' ? sum(loss) : loss;
}

/**
 * Negative log-likelihood of int32 class labels `target` `[N]` under log-probabilities
 * `input` `[N, C]`.
 *
 * @example
 * ```ts
 * const logProbs = tensor([[0.25, 0.75], [0.5, 0.5]]).log();
 * nn.nllLoss(logProbs, tensor([1, 0], { dtype: 'int32' }), { reduction: 'none' }); // [0.2877, 0.6931]
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkClassification('nllLoss', input, target);
  return nll(input, target, checkReduction('nllLoss', options));
}

/** `nllLoss` once its inputs were checked. */
function nll(input: Tensor, target: Tensor, reduction: Reduction): Tensor {
  const picked = reshape(gather(input, 1, reshape(target, [target.size, 1])), [target.size]);
  return reduce(neg(picked), reduction);
}

/**
 * Cross-entropy of int32 class labels `target` `[N]` against unnormalized scores `logits`
 * `[N, C]`: `nllLoss(logSoftmax(logits), target)`, computed stably.
 *
 * @example
 * ```ts
 * const logits = tensor([[2, 0, 0], [0, 0, 0]], { requiresGrad: true });
 * const labels = tensor([0, 1], { dtype: 'int32' });
 * const loss = nn.crossEntropy(logits, labels); // 0.6691 (the mean of -log 0.787 and -log 0.333)
 * loss.backward();
 * ```
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkClassification('crossEntropy', logits, target);
  const reduction = checkReduction('crossEntropy', options);
  return nll(logSoftmax(logits, 1), target, reduction);
}

function checkClassification(op: string, input: Tensor, target: Tensor): void {
  live(op, input, target);
  sameBackend(op, [input, target]);
  if (input.dtype !== 'float32') throw new DTypeError(op, `input must be float32 scores, got ${input.dtype}`);
  if (target.dtype !== 'int32') {
    throw new DTypeError(op, `target must be int32 class indices, got ${target.dtype}; for probabilities use binaryCrossEntropy or mseLoss`);
  }
  if (input.rank !== 2 || target.rank !== 1 || target.shape[0] !== input.shape[0]) {
    throw new ShapeError(op, `needs input [N, C] and target [N], got [${input.shape}] and [${target.shape}]`);
  }
  checkIndexValues(op, target, input.shape[1]!, 1);
}

/**
 * Values outside [0, 1] (or NaN) fail: read synchronously where the backend can, else counted
 * on the device and reported at the next `data()`.
 */
function checkProbabilities(op: string, input: Tensor): void {
  if (input.size === 0) return;
  const be = input.backend(op);
  const info = input.info(op);
  const advice = 'apply sigmoid to scores first';
  if (!be.readSync) {
    deferCheck(
      `${op}:probabilities`,
      be,
      info,
      (b, x, scratch) => {
        const ge0 = b.binary('ge', x, scalarLike(b, x, 0, scratch), x.shape);
        scratch.push(ge0);
        const le1 = b.binary('le', x, scalarLike(b, x, 1, scratch), x.shape);
        scratch.push(le1);
        const inside = b.binary('minimum', { handle: ge0, shape: x.shape, dtype: 'bool' }, { handle: le1, shape: x.shape, dtype: 'bool' }, x.shape);
        scratch.push(inside);
        const no = b.write(Uint8Array.of(0), [], 'bool');
        scratch.push(no);
        return b.binary('eq', { handle: inside, shape: x.shape, dtype: 'bool' }, { handle: no, shape: [], dtype: 'bool' }, x.shape);
      },
      (count) => new ValueError(op, `input must hold probabilities in [0, 1], but ${count} value(s) lie outside (or are NaN); ${advice}`),
    );
    return;
  }
  const values = be.readSync(info);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 1)) {
      throw new ValueError(op, `input must hold probabilities in [0, 1], got ${v} at position ${i}; ${advice}`);
    }
  }
}

function checkSame(op: string, input: Tensor, target: Tensor): void {
  live(op, input, target);
  sameBackend(op, [input, target]);
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(op, `input [${input.shape}] and target [${target.shape}] must have the same shape`);
  }
  if (input.dtype !== 'float32' || target.dtype !== 'float32') {
    throw new DTypeError(op, `input and target must be float32, got ${input.dtype} and ${target.dtype}`);
  }
}

/**
 * Mean squared error `(input - target)²` (same shapes; no broadcasting).
 *
 * @example
 * ```ts
 * nn.mseLoss(tensor([1, 2, 3]), tensor([1, 2, 5]));                        // 1.3333 (4 / 3)
 * nn.mseLoss(tensor([1, 2, 3]), tensor([1, 2, 5]), { reduction: 'none' }); // [0, 0, 4]
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkSame('mseLoss', input, target);
  const reduction = checkReduction('mseLoss', options);
  const d = sub(input, target);
  return reduce(mul(d, d), reduction);
}

/**
 * Binary cross-entropy of probabilities `input` in [0, 1] against targets in [0, 1]:
 * `-(t·log p + (1 - t)·log(1 - p))`, with each log clamped at -100 as in PyTorch. The
 * gradient is PyTorch's `(p - t) / max(p(1 - p), 1e-12)`, finite even at p = 0 or 1.
 *
 * An input value outside [0, 1] (or NaN) is a ValueError naming it and its position, as in
 * PyTorch, on backends that read synchronously (CPU, WebGL; the check costs one read-back of
 * `input`). An async-only backend (WebGPU) cannot read values inside a synchronous call, so
 * there the bad values are counted on the device and the next `data()` rejects with this error.
 *
 * @example
 * ```ts
 * const probs = sigmoid(tensor([0, 2]));                      // [0.5, 0.8808]
 * nn.binaryCrossEntropy(probs, tensor([1, 1]), { reduction: 'none' }); // [0.6931, 0.1269]
 * ```
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkSame('binaryCrossEntropy', input, target);
  const reduction = checkReduction('binaryCrossEntropy', options);
  checkProbabilities('binaryCrossEntropy', input);
  // One op for checkNumerics: log(0) = -Infinity inside is clamped on purpose.
  const loss = noGrad(() =>
    asOneOp('binaryCrossEntropy', [input, target], () => {
      const logP = clamp(log(input), -100);
      const log1mP = clamp(log(sub(1, input)), -100);
      return neg(add(mul(target, logP), mul(sub(1, target), log1mP)));
    }),
  );
  record(loss, 'binaryCrossEntropy', [input, target], (g) => {
    const gp = div(mul(g, sub(input, target)), maximum(mul(input, sub(1, input)), 1e-12));
    const gt = target.requiresGrad ? mul(g, sub(clamp(log(sub(1, input)), -100), clamp(log(input), -100))) : null;
    return [gp, gt];
  });
  return reduce(loss, reduction);
}
