/**
 * AdamW: Adam with weight decay decoupled from the gradient.
 *
 * @module
 */
import type { Tensor } from '@profundo/core';
import { adamStep, validateAdam, type AdamOptions } from './adam.js';
import { mergeOptions, Optimizer, type ParamGroupInput, type ParamState } from './optimizer.js';

/**
 * Options of {@link AdamW}: those of {@link AdamOptions}, with `weightDecay` the decoupled
 * decay rate λ (default 0.01) instead of an L2 penalty.
 */
export type AdamWOptions = AdamOptions;

/**
 * AdamW (Loshchilov & Hutter, 2019) exactly as PyTorch defines it: the parameter decays
 * before the Adam step, and the decay never enters the moment estimates.
 *
 * ```
 * θ  ← θ(1 − γλ)                            (decoupled weight decay λ, scaled by the lr γ)
 * m  ← β₁m + (1 − β₁)∇,  v ← β₂v + (1 − β₂)∇²
 * amsgrad:  v̂ ← max(v̂, v)  and use v̂ in place of v below
 * θ  ← θ − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
 * ```
 *
 * State per parameter: as {@link Adam}'s.
 *
 * @example
 * ```ts
 * const model = new nn.Sequential(new nn.Linear(10, 32), new nn.ReLU(), new nn.Linear(32, 2));
 * const opt = new AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.05 });
 * ```
 */
export class AdamW extends Optimizer<AdamWOptions> {
  /** @param params parameters or parameter groups; @param options learning rate (default 1e-3) and extras. */
  constructor(params: readonly Tensor[] | readonly ParamGroupInput<AdamWOptions>[], options: Partial<AdamWOptions> = {}) {
    super('AdamW', params, mergeOptions<AdamWOptions>({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false }, options));
  }

  protected override validate(o: AdamWOptions): void {
    super.validate(o);
    validateAdam('AdamW', o);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, o: AdamWOptions): Tensor {
    const decayed = o.weightDecay !== 0 ? p.mul(1 - o.lr * o.weightDecay) : p;
    return adamStep(decayed, grad, state, o, (k, v) => this.setState(state, k, v));
  }
}
