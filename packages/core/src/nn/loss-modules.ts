/**
 * The losses as modules, with PyTorch's class names: options are fixed at construction,
 * `forward(input, target)` computes the loss. A class `weight` (and BCEWithLogitsLoss's
 * `posWeight`) is a buffer, in the state dict under PyTorch's key (`weight`, `pos_weight`).
 *
 * @module
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  checkClassOptions,
  crossEntropy,
  huberLoss,
  klDiv,
  l1Loss,
  mseLoss,
  nllLoss,
  smoothL1Loss,
  type BCEWithLogitsOptions,
  type ClassLossOptions,
  type CrossEntropyOptions,
  type KLDivOptions,
  type Reduction,
} from './losses.js';

/**
 * {@link crossEntropy} as a module.
 *
 * @example
 * ```ts
 * const lossFn = new nn.CrossEntropyLoss({ labelSmoothing: 0.1, ignoreIndex: -1 });
 * const logits = tensor([[2, 0, 0], [0, 0, 0]]);
 * lossFn.forward(logits, tensor([0, -1], { dtype: 'int32' })); // 0.3729 (the second target ignored)
 * ```
 */
export class CrossEntropyLoss extends Module {
  /** The class weight `[C]`, when given (a buffer, state-dict key `weight`). */
  declare readonly weight?: Tensor;
  private readonly options: CrossEntropyOptions;
  /** @param options as for {@link crossEntropy}; checked here. */
  constructor(options: CrossEntropyOptions = {}) {
    super();
    checkClassOptions('CrossEntropyLoss', options, true);
    const { weight, ...rest } = options;
    this.options = rest;
    if (weight) this.registerBuffer('weight', weight);
  }
  /** The loss of `target` against logits `input`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.weight ? { ...this.options, weight: this.weight } : this.options);
  }
}

/**
 * {@link nllLoss} as a module.
 *
 * @example
 * ```ts
 * const lossFn = new nn.NLLLoss({ weight: tensor([1, 3]) });
 * const logProbs = tensor([[0.25, 0.75], [0.5, 0.5]]).log();
 * lossFn.forward(logProbs, tensor([1, 0], { dtype: 'int32' })); // 0.3890 ((3·0.2877 + 0.6931) / 4)
 * ```
 */
export class NLLLoss extends Module {
  /** The class weight `[C]`, when given (a buffer, state-dict key `weight`). */
  declare readonly weight?: Tensor;
  private readonly options: ClassLossOptions;
  /** @param options as for {@link nllLoss}; checked here. */
  constructor(options: ClassLossOptions = {}) {
    super();
    checkClassOptions('NLLLoss', options, false);
    const { weight, ...rest } = options;
    this.options = rest;
    if (weight) this.registerBuffer('weight', weight);
  }
  /** The loss of `target` under log-probabilities `input`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this.weight ? { ...this.options, weight: this.weight } : this.options);
  }
}

/**
 * {@link binaryCrossEntropyWithLogits} as a module.
 *
 * @example
 * ```ts
 * const lossFn = new nn.BCEWithLogitsLoss({ posWeight: tensor([3]) });
 * lossFn.forward(tensor([0]), tensor([1])); // 2.0794 (3 · log 2)
 * Object.keys(lossFn.stateDict());          // ['pos_weight']
 * ```
 */
export class BCEWithLogitsLoss extends Module {
  /** The per-element factor, when given (a buffer, key `weight`). */
  declare readonly weight?: Tensor;
  /** The positive-term factor, when given (a buffer, key `pos_weight`). */
  declare readonly posWeight?: Tensor;
  private readonly reduction: Reduction | undefined;
  /** @param options as for {@link binaryCrossEntropyWithLogits}. */
  constructor(options: BCEWithLogitsOptions = {}) {
    super();
    reductionOf('BCEWithLogitsLoss', options.reduction);
    this.reduction = options.reduction;
    if (options.weight) this.registerBuffer('weight', options.weight);
    if (options.posWeight) this.registerBuffer('posWeight', options.posWeight, 'pos_weight');
  }
  /** The loss of `target` against logits `input`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}

/**
 * {@link binaryCrossEntropy} (on probabilities) as a module.
 *
 * @example
 * ```ts
 * new nn.BCELoss().forward(tensor([0.5, 0.8]), tensor([1, 1])); // 0.4581 (mean of 0.6931 and 0.2231)
 * ```
 */
export class BCELoss extends Module {
  /** @param options the reduction (default 'mean'). */
  constructor(private readonly options: { reduction?: Reduction } = {}) {
    super();
    reductionOf('BCELoss', options.reduction);
  }
  /** The loss of `target` against probabilities `input`. */
  forward(input: Tensor, target: Tensor): Tensor { return binaryCrossEntropy(input, target, this.options); }
}

/**
 * {@link mseLoss} as a module.
 *
 * @example
 * ```ts
 * new nn.MSELoss().forward(tensor([1, 2, 3]), tensor([1, 2, 5])); // 1.3333
 * ```
 */
export class MSELoss extends Module {
  /** @param options the reduction (default 'mean'). */
  constructor(private readonly options: { reduction?: Reduction } = {}) {
    super();
    reductionOf('MSELoss', options.reduction);
  }
  /** The mean squared error of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor { return mseLoss(input, target, this.options); }
}

/**
 * {@link l1Loss} as a module.
 *
 * @example
 * ```ts
 * new nn.L1Loss({ reduction: 'sum' }).forward(tensor([1, 2, 3]), tensor([1, 4, 0])); // 5
 * ```
 */
export class L1Loss extends Module {
  /** @param options the reduction (default 'mean'). */
  constructor(private readonly options: { reduction?: Reduction } = {}) {
    super();
    reductionOf('L1Loss', options.reduction);
  }
  /** The mean absolute error of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor { return l1Loss(input, target, this.options); }
}

/**
 * {@link smoothL1Loss} as a module.
 *
 * @example
 * ```ts
 * new nn.SmoothL1Loss({ beta: 2 }).forward(tensor([0, 0]), tensor([0.5, 3])); // 1.0313 (mean of 0.0625 and 2)
 * ```
 */
export class SmoothL1Loss extends Module {
  /** @param options `beta` (default 1, >= 0) and the reduction. */
  constructor(private readonly options: { beta?: number; reduction?: Reduction } = {}) {
    super();
    reductionOf('SmoothL1Loss', options.reduction);
    const beta = options.beta ?? 1;
    if (typeof beta !== 'number' || !Number.isFinite(beta) || beta < 0) {
      throw new ValueError('SmoothL1Loss', `beta must be a finite number >= 0, got ${String(beta)}`);
    }
  }
  /** The smooth L1 loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor { return smoothL1Loss(input, target, this.options); }
}

/**
 * {@link huberLoss} as a module.
 *
 * @example
 * ```ts
 * new nn.HuberLoss({ delta: 2 }).forward(tensor([0, 0]), tensor([0.5, 3])); // 2.0625 (mean of 0.125 and 4)
 * ```
 */
export class HuberLoss extends Module {
  /** @param options `delta` (default 1, > 0) and the reduction. */
  constructor(private readonly options: { delta?: number; reduction?: Reduction } = {}) {
    super();
    reductionOf('HuberLoss', options.reduction);
    const delta = options.delta ?? 1;
    if (typeof delta !== 'number' || !Number.isFinite(delta) || delta <= 0) {
      throw new ValueError('HuberLoss', `delta must be a finite number > 0, got ${String(delta)}`);
    }
  }
  /** The Huber loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor { return huberLoss(input, target, this.options); }
}

/**
 * {@link klDiv} as a module (input log-probabilities; target probabilities, or
 * log-probabilities with `logTarget`).
 *
 * @example
 * ```ts
 * const lossFn = new nn.KLDivLoss({ reduction: 'batchmean' });
 * lossFn.forward(tensor([[0.25, 0.75]]).log(), tensor([[0.5, 0.5]])); // 0.1438
 * ```
 */
export class KLDivLoss extends Module {
  /** @param options the reduction (default 'mean'; 'batchmean' gives the KL divergence per sample) and `logTarget`. */
  constructor(private readonly options: KLDivOptions = {}) {
    super();
    reductionOf('KLDivLoss', options.reduction, ['batchmean']);
    if (options.logTarget !== undefined && typeof options.logTarget !== 'boolean') {
      throw new ValueError('KLDivLoss', `logTarget must be a boolean, got ${String(options.logTarget)}`);
    }
  }
  /** The KL divergence loss of `target` against log-probabilities `input`. */
  forward(input: Tensor, target: Tensor): Tensor { return klDiv(input, target, this.options); }
}

/** Checks a module's reduction option at construction, naming the module. */
function reductionOf(op: string, reduction: unknown, extra: readonly string[] = []): void {
  const allowed = ['mean', 'sum', 'none', ...extra];
  if (reduction !== undefined && !allowed.includes(reduction as string)) {
    throw new ValueError(op, `reduction must be ${allowed.map((r) => `'${r}'`).join(', ')}, got '${String(reduction)}'`);
  }
}
