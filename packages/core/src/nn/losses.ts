/**
 * Loss functions, PyTorch's names and reductions.
 *
 * @module
 */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { logSoftmax } from '../ops/activation.js';
import { abs, add, clamp, div, eq, exp, log, lt, maximum, mul, ne, neg, relu, sigmoid, sub, where } from '../ops/elementwise.js';
import { cast } from '../ops/cast.js';
import { noGrad, record } from '../autograd/graph.js';
import { live, sameBackend } from '../ops/run.js';
import { asOneOp } from '../numerics.js';
import { deferCheck, scalarLike } from '../deferred-checks.js';
import { checkIndexValues, gatherChecked } from '../ops/indexing.js';
import { permute, reshape } from '../ops/movement.js';
import { mean, sum, sumTo } from '../ops/reduce.js';
import { broadcastShapes, shapesEqual, sizeOf } from '../shape.js';
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
 * Options of the class-index losses ({@link nllLoss}, {@link crossEntropy}).
 *
 * @example
 * ```ts
 * const options: nn.ClassLossOptions = { weight: tensor([1, 2, 1]), ignoreIndex: -100, reduction: 'mean' };
 * ```
 */
export interface ClassLossOptions {
  /**
   * A float32 weight `[C]` per class. Each target's loss is scaled by its class's weight, and
   * `'mean'` divides by the sum of the weights of the targets that are not ignored (PyTorch's
   * weighted mean), not by their count.
   */
  weight?: Tensor;
  /**
   * A target value that contributes nothing, neither to the loss nor to the mean's
   * denominator (default -100, as in PyTorch). Applies to class-index targets only.
   */
  ignoreIndex?: number;
  /** `'mean'` (default), `'sum'` or `'none'` (one loss per target, in the target's shape). */
  reduction?: Reduction;
}

/**
 * Options of {@link crossEntropy}: those of {@link ClassLossOptions} and label smoothing.
 *
 * @example
 * ```ts
 * const options: nn.CrossEntropyOptions = { labelSmoothing: 0.1 };
 * ```
 */
export interface CrossEntropyOptions extends ClassLossOptions {
  /**
   * In [0, 1] (default 0): the target distribution becomes `(1 - s)` on the target class plus
   * `s / C` spread evenly over all C classes, as in PyTorch.
   */
  labelSmoothing?: number;
}

/** Options checked before any tensor is made. */
interface CheckedClassOptions {
  readonly weight: Tensor | undefined;
  readonly ignoreIndex: number;
  readonly ignoreGiven: boolean;
  readonly labelSmoothing: number;
  readonly reduction: Reduction;
}

/** @internal Validates class-loss options (for the functions and the module constructors). */
export function checkClassOptions(op: string, options: CrossEntropyOptions, smoothing: boolean): CheckedClassOptions {
  const reduction = checkReduction(op, options);
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (!Number.isInteger(ignoreIndex) || Math.abs(ignoreIndex) > 2 ** 31 - 1) {
    throw new ValueError(op, `ignoreIndex must be an int32 integer, got ${String(ignoreIndex)}`);
  }
  const labelSmoothing = options.labelSmoothing ?? 0;
  if (!smoothing && options.labelSmoothing !== undefined) {
    throw new ValueError(op, 'has no labelSmoothing option (crossEntropy has)');
  }
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new ValueError(op, `labelSmoothing must lie in [0, 1], got ${String(labelSmoothing)}`);
  }
  const weight = options.weight;
  if (weight !== undefined) {
    live(op, weight);
    if (weight.dtype !== 'float32') throw new DTypeError(op, `weight must be float32, got ${weight.dtype}`);
    if (weight.rank !== 1) throw new ShapeError(op, `weight must be one value per class [C], got shape [${weight.shape}]`);
  }
  return { weight, ignoreIndex, ignoreGiven: options.ignoreIndex !== undefined, labelSmoothing, reduction };
}

/** Moves the class dim (1, or 0 for an unbatched `[C]` input) last and flattens: `[M, C]`. */
function classesLast(x: Tensor): Tensor {
  if (x.rank === 1) return reshape(x, [1, x.shape[0]!]);
  if (x.rank === 2) return x;
  const perm = [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1];
  return reshape(permute(x, perm), [sizeOf(targetShape(x)), x.shape[1]!]);
}

/** The shape of one loss per target: `input`'s without its class dim. */
function targetShape(input: Tensor): number[] {
  return input.rank === 1 ? [] : input.shape.filter((_, i) => i !== 1);
}

/**
 * Checks `input` `[C]`, `[N, C]` or `[N, C, d1, …]` against `target` and returns which kind of
 * target it is: int32 class indices of `input`'s shape without the class dim, or (when
 * `probabilities`) float32 class probabilities of `input`'s shape.
 */
function checkClassification(op: string, input: Tensor, target: Tensor, o: CheckedClassOptions, probabilities: boolean): 'index' | 'prob' {
  live(op, input, target);
  sameBackend(op, o.weight ? [input, target, o.weight] : [input, target]);
  if (input.dtype !== 'float32') throw new DTypeError(op, `input must be float32 scores, got ${input.dtype}`);
  if (input.rank < 1) throw new ShapeError(op, `needs input [C], [N, C] or [N, C, d1, …], got a scalar []`);
  const expected = targetShape(input);
  const c = input.shape[input.rank === 1 ? 0 : 1]!;
  if (o.weight && o.weight.shape[0] !== c) {
    throw new ShapeError(op, `weight [${o.weight.shape}] needs one value per class: [${c}] for input [${input.shape}]`);
  }
  if (target.dtype === 'float32' && probabilities && shapesEqual(target.shape, input.shape)) {
    if (o.ignoreGiven) throw new ValueError(op, 'ignoreIndex applies to class-index targets only, and this target holds class probabilities (float32)');
    return 'prob';
  }
  if (target.dtype !== 'int32') {
    const alt = probabilities ? ` or class probabilities (float32) of input's shape [${input.shape}]` : '; for probabilities use crossEntropy, binaryCrossEntropy or mseLoss';
    throw new DTypeError(op, `target must be int32 class indices of shape [${expected}]${alt}, got ${target.dtype} [${target.shape}]`);
  }
  if (!shapesEqual(target.shape, expected)) {
    throw new ShapeError(op, `needs input [N, C, …] and target [N, …] (input's shape without dim 1), got [${input.shape}] and [${target.shape}]`);
  }
  return 'index';
}

/**
 * Checks that every class index of `target` lies in `[0, c)` or equals `ignoreIndex`, before any
 * tensor is made; returns false when the values cannot be read on the host now (an async-only
 * backend's own results), for {@link indexLoss} to check on the device.
 */
function checkTargets(op: string, target: Tensor, c: number, ignoreIndex: number): boolean {
  if (target.size === 0) return true;
  const be = target.backend(op);
  const values = target._storage!.host ?? (be.readSync ? be.readSync(target.info(op)) : null);
  if (!values) return false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== ignoreIndex && (v < 0 || v >= c)) {
      throw new ValueError(op, `index ${v} at position ${i} is out of range for dim 1 of size ${c} (and is not ignoreIndex ${ignoreIndex})`);
    }
  }
  return true;
}

/**
 * The class-index loss of log-probabilities `logp` `[M, C]` and targets `[M]`, smoothed by
 * `o.labelSmoothing`, reduced; `shape` is the shape of `'none'`'s result.
 */
function indexLoss(op: string, logp: Tensor, target: Tensor, o: CheckedClassOptions, shape: number[], checked: boolean): Tensor {
  const [m, c] = logp.shape as [number, number];
  const t = reshape(target, [m]);
  const kept = ne(t, o.ignoreIndex);
  const safe = where(kept, t, 0);
  // Targets the host could not read (an async-only backend's own results) are checked on the device.
  if (!checked) checkIndexValues(op, safe, c, 1);
  const keptF = cast(kept, 'float32');
  // `safe`'s values are checked (above, or the targets' by checkTargets): gather need not again.
  const w = o.weight ? mul(gatherChecked(o.weight, 0, safe), keptF) : keptF;
  let loss = neg(mul(reshape(gatherChecked(logp, 1, reshape(safe, [m, 1])), [m]), w));
  if (o.labelSmoothing > 0) {
    const smooth = mul(neg(sum(o.weight ? mul(logp, o.weight) : logp, 1)), keptF);
    loss = add(mul(loss, 1 - o.labelSmoothing), mul(smooth, o.labelSmoothing / c));
  }
  if (o.reduction === 'none') return reshape(loss, shape);
  return o.reduction === 'sum' ? sum(loss) : div(sum(loss), sum(w));
}

/**
 * Negative log-likelihood of int32 class labels `target` under log-probabilities `input`:
 * `input` `[N, C]` with `target` `[N]`, `[N, C, d1, …]` with `[N, d1, …]` (per pixel, say), or
 * one unbatched `[C]` with a scalar target. Each loss is `-weight[t] · input[n, t]`; targets
 * equal to `ignoreIndex` (default -100) count for nothing; `'mean'` divides by the summed
 * weights of the others, as in PyTorch (so with every target ignored it is NaN, 0 / 0).
 *
 * @example
 * ```ts
 * const logProbs = tensor([[0.25, 0.75], [0.5, 0.5]]).log();
 * nn.nllLoss(logProbs, tensor([1, 0], { dtype: 'int32' }), { reduction: 'none' }); // [0.2877, 0.6931]
 * // A class weight and an ignored target: (2 · 0.2877) / 2.
 * nn.nllLoss(logProbs, tensor([1, -100], { dtype: 'int32' }), { weight: tensor([1, 2]) }); // 0.2877
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, options: ClassLossOptions = {}): Tensor {
  const o = checkClassOptions('nllLoss', options, false);
  checkClassification('nllLoss', input, target, o, false);
  const checked = checkTargets('nllLoss', target, input.shape[input.rank === 1 ? 0 : 1]!, o.ignoreIndex);
  return indexLoss('nllLoss', classesLast(input), target, o, targetShape(input), checked);
}

/**
 * Cross-entropy of `target` against unnormalized scores `logits`, computed stably from
 * `logSoftmax(logits, 1)`, with PyTorch's options and layouts:
 *
 * - `logits` `[N, C]`, `[N, C, d1, …]` (class dim 1) or an unbatched `[C]`;
 * - `target` int32 class indices of `logits`' shape without the class dim (`[N]`,
 *   `[N, d1, …]`, `[]`), with `weight`, `ignoreIndex` and `labelSmoothing` as in
 *   {@link nllLoss} and {@link CrossEntropyOptions} (smoothing mixes the one-hot target with
 *   the uniform distribution: `(1 - s)·nll + (s / C)·Σ_c -weight[c]·logp[c]`, and the weighted
 *   mean divides by the summed weights of the non-ignored targets);
 * - or `target` float32 class probabilities of `logits`' own shape: the loss is
 *   `-Σ_c weight[c]·target[c]·logp[c]`, smoothed to `(1 - s)·target + s / C`, and `'mean'`
 *   divides by the number of rows (`N·d1·…`), not by the weights, as in PyTorch.
 *
 * @example
 * ```ts
 * const logits = tensor([[2, 0, 0], [0, 0, 0]], { requiresGrad: true });
 * const labels = tensor([0, 1], { dtype: 'int32' });
 * const loss = nn.crossEntropy(logits, labels); // 0.6691 (the mean of -log 0.787 and -log 0.333)
 * loss.backward();
 * nn.crossEntropy(tensor([0, 0]), tensor(0, { dtype: 'int32' }), { labelSmoothing: 0.2 }); // 0.6931
 * nn.crossEntropy(tensor([[0, 0]]), tensor([[0.5, 0.5]])); // 0.6931 (probability targets)
 * ```
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const o = checkClassOptions('crossEntropy', options, true);
  const kind = checkClassification('crossEntropy', logits, target, o, true);
  const classDim = logits.rank === 1 ? 0 : 1;
  const checked = kind === 'index' && checkTargets('crossEntropy', target, logits.shape[classDim]!, o.ignoreIndex);
  const logp = classesLast(logSoftmax(logits, classDim));
  if (kind === 'index') return indexLoss('crossEntropy', logp, target, o, targetShape(logits), checked);
  const c = logp.shape[1]!;
  let p = classesLast(target);
  if (o.labelSmoothing > 0) p = add(mul(p, 1 - o.labelSmoothing), o.labelSmoothing / c);
  const terms = mul(logp, p);
  const loss = neg(sum(o.weight ? mul(terms, o.weight) : terms, 1));
  if (o.reduction === 'none') return reshape(loss, targetShape(logits));
  return o.reduction === 'sum' ? sum(loss) : mean(loss);
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

/** Checks an optional float32 tensor that multiplies (and broadcasts to) `input`'s shape. */
function checkFactor(op: string, name: string, input: Tensor, factor: Tensor | undefined): void {
  if (factor === undefined) return;
  live(op, factor);
  sameBackend(op, [input, factor]);
  if (factor.dtype !== 'float32') throw new DTypeError(op, `${name} must be float32, got ${factor.dtype}`);
  const shape = broadcastShapes(op, factor.shape, input.shape);
  if (!shapesEqual(shape, input.shape)) {
    throw new ShapeError(op, `${name} [${factor.shape}] must broadcast to input's shape [${input.shape}] (it would make [${shape}])`);
  }
}

/**
 * Options of {@link binaryCrossEntropyWithLogits}.
 *
 * @example
 * ```ts
 * const options: nn.BCEWithLogitsOptions = { posWeight: tensor([3]), reduction: 'sum' };
 * ```
 */
export interface BCEWithLogitsOptions {
  /** A float32 factor on each element's loss, broadcast to `input`'s shape. */
  weight?: Tensor;
  /**
   * A float32 factor on the positive term, broadcast to `input`'s shape (typically one per
   * class `[C]`, the last dim): `#negatives / #positives` balances a rare positive class.
   */
  posWeight?: Tensor;
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: Reduction;
}

/**
 * Binary cross-entropy of targets in [0, 1] against logits `input` (scores before the
 * sigmoid), computed stably as PyTorch does:
 * `weight · ((1 - t)·x + (1 + (posWeight - 1)·t) · softplus(-x))`, which equals
 * `-weight · (posWeight·t·log σ(x) + (1 - t)·log(1 - σ(x)))` without overflow for large |x|.
 * The gradient with respect to `x` is `weight · ((1 - t) - (1 + (posWeight - 1)·t)·σ(-x))`
 * (`weight·(σ(x) - t)` without `posWeight`), exact at x = 0 too. `weight` and `posWeight`
 * broadcast to `input`'s shape; `input` and `target` have the same shape.
 *
 * @example
 * ```ts
 * nn.binaryCrossEntropyWithLogits(tensor([0, 2]), tensor([1, 0]), { reduction: 'none' }); // [0.6931, 2.1269]
 * nn.binaryCrossEntropyWithLogits(tensor([0]), tensor([1]), { posWeight: tensor([3]) });   // 2.0794 (3 · log 2)
 * ```
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BCEWithLogitsOptions = {}): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const reduction = checkReduction(op, options);
  checkSame(op, input, target);
  const { weight, posWeight } = options;
  checkFactor(op, 'weight', input, weight);
  checkFactor(op, 'posWeight', input, posWeight);
  // softplus(-x) = log(1 + exp(-x)) = relu(-x) + log(1 + exp(-|x|)), finite for every finite x.
  const sp = noGrad(() => add(relu(neg(input)), log(add(exp(neg(abs(input))), 1))));
  const coef = posWeight ? noGrad(() => add(mul(sub(posWeight, 1), target), 1)) : null;
  const unweighted = noGrad(() => add(mul(sub(1, target), input), coef ? mul(coef, sp) : sp));
  const loss = weight ? noGrad(() => mul(unweighted, weight)) : unweighted;
  const inputs = [input, target, ...(weight ? [weight] : []), ...(posWeight ? [posWeight] : [])];
  record(loss, op, inputs, (g) => {
    const gw = weight ? mul(g, weight) : g;
    const sigNeg = sigmoid(neg(input));
    const gx = input.requiresGrad ? mul(gw, sub(sub(1, target), coef ? mul(coef, sigNeg) : sigNeg)) : null;
    const dt = posWeight ? add(neg(input), mul(sub(posWeight, 1), sp)) : neg(input);
    const gt = target.requiresGrad ? mul(gw, dt) : null;
    const grads: (Tensor | null)[] = [gx, gt];
    if (weight) grads.push(weight.requiresGrad ? sumTo(mul(g, unweighted), weight.shape) : null);
    if (posWeight) grads.push(posWeight.requiresGrad ? sumTo(mul(gw, mul(target, sp)), posWeight.shape) : null);
    return grads;
  });
  return reduce(loss, reduction);
}

/**
 * Mean absolute error `|input - target|` (same shapes; no broadcasting). Its gradient at
 * `input = target` is 0, as in PyTorch.
 *
 * @example
 * ```ts
 * nn.l1Loss(tensor([1, 2, 3]), tensor([1, 4, 0]));                        // 1.6667 (5 / 3)
 * nn.l1Loss(tensor([1, 2, 3]), tensor([1, 4, 0]), { reduction: 'none' }); // [0, 2, 3]
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  const reduction = checkReduction('l1Loss', options);
  checkSame('l1Loss', input, target);
  return reduce(abs(sub(input, target)), reduction);
}

/** Checks a threshold option: a finite number, positive or (when `zeroOk`) non-negative. */
function checkThreshold(op: string, name: string, value: number, zeroOk: boolean): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!zeroOk && value === 0)) {
    throw new ValueError(op, `${name} must be a finite number ${zeroOk ? '>= 0' : '> 0'}, got ${String(value)}`);
  }
}

/**
 * Smooth L1 loss (PyTorch's `smooth_l1_loss`): with `d = |input - target|`, `0.5·d² / beta`
 * where `d < beta`, else `d - 0.5·beta`. `beta` (default 1) is >= 0; `beta = 0` is
 * {@link l1Loss}. Equals {@link huberLoss} divided by `beta`.
 *
 * @example
 * ```ts
 * nn.smoothL1Loss(tensor([0, 0]), tensor([0.5, 3]), { reduction: 'none' });            // [0.125, 2.5]
 * nn.smoothL1Loss(tensor([0, 0]), tensor([0.5, 3]), { beta: 2, reduction: 'none' });   // [0.0625, 2]
 * ```
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: { beta?: number; reduction?: Reduction } = {}): Tensor {
  const op = 'smoothL1Loss';
  const reduction = checkReduction(op, options);
  const beta = options.beta ?? 1;
  checkThreshold(op, 'beta', beta, true);
  checkSame(op, input, target);
  const d = sub(input, target);
  const a = abs(d);
  if (beta === 0) return reduce(a, reduction);
  return reduce(where(lt(a, beta), div(mul(mul(d, d), 0.5), beta), sub(a, 0.5 * beta)), reduction);
}

/**
 * Huber loss (PyTorch's `huber_loss`): with `d = |input - target|`, `0.5·d²` where
 * `d < delta`, else `delta·(d - 0.5·delta)`. `delta` (default 1) is > 0.
 *
 * @example
 * ```ts
 * nn.huberLoss(tensor([0, 0]), tensor([0.5, 3]), { reduction: 'none' });             // [0.125, 2.5]
 * nn.huberLoss(tensor([0, 0]), tensor([0.5, 3]), { delta: 2, reduction: 'none' });   // [0.125, 4]
 * ```
 */
export function huberLoss(input: Tensor, target: Tensor, options: { delta?: number; reduction?: Reduction } = {}): Tensor {
  const op = 'huberLoss';
  const reduction = checkReduction(op, options);
  const delta = options.delta ?? 1;
  checkThreshold(op, 'delta', delta, false);
  checkSame(op, input, target);
  const d = sub(input, target);
  const a = abs(d);
  return reduce(where(lt(a, delta), mul(mul(d, d), 0.5), mul(sub(a, 0.5 * delta), delta)), reduction);
}

/** How {@link klDiv} combines its terms: those of {@link Reduction}, and `'batchmean'`. */
export type KLDivReduction = Reduction | 'batchmean';

/**
 * Options of {@link klDiv}.
 *
 * @example
 * ```ts
 * const options: nn.KLDivOptions = { reduction: 'batchmean', logTarget: true };
 * ```
 */
export interface KLDivOptions {
  /**
   * `'mean'` (default, as in PyTorch: the mean over every element), `'batchmean'` (the sum
   * divided by the batch size `input.shape[0]`, the true KL divergence per sample), `'sum'`
   * or `'none'`.
   */
  reduction?: KLDivReduction;
  /** Whether `target` holds log-probabilities too (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * Kullback–Leibler divergence loss with PyTorch's `kl_div` semantics: `input` holds
 * log-probabilities, `target` probabilities (or log-probabilities with `logTarget`), same
 * shapes. Each term is `target·(log target - input)`, with `0·log 0 = 0` (a negative target
 * gives NaN), or `exp(target)·(target - input)` with `logTarget`. Use `'batchmean'` for the
 * mathematical KL divergence per sample.
 *
 * @example
 * ```ts
 * const logQ = tensor([[0.25, 0.75]]).log();
 * nn.klDiv(logQ, tensor([[0.5, 0.5]]), { reduction: 'batchmean' }); // 0.1438 (KL(p‖q))
 * nn.klDiv(logQ, tensor([[0, 1]]), { reduction: 'none' });          // [[0, 0.2877]]
 * ```
 */
export function klDiv(input: Tensor, target: Tensor, options: KLDivOptions = {}): Tensor {
  const op = 'klDiv';
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'batchmean') checkReduction(op, { reduction });
  const logTarget = options.logTarget ?? false;
  if (typeof logTarget !== 'boolean') throw new ValueError(op, `logTarget must be a boolean, got ${String(logTarget)}`);
  checkSame(op, input, target);
  if (reduction === 'batchmean' && input.rank === 0) {
    throw new ShapeError(op, "reduction 'batchmean' divides by the batch size input.shape[0], and input is a scalar []");
  }
  let terms: Tensor;
  if (logTarget) {
    terms = mul(exp(target), sub(target, input));
  } else {
    // xlogy(t, t): log of 1 where t = 0, so 0·log 0 is 0 and its gradient finite.
    const logT = log(where(eq(target, 0), 1, target));
    terms = sub(mul(target, logT), mul(target, input));
  }
  if (reduction === 'batchmean') return div(sum(terms), input.shape[0]!);
  return reduce(terms, reduction);
}
