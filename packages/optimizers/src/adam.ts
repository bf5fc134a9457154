/**
 * Adam: steps from bias-corrected running averages of the gradient and its square, with the
 * AMSGrad variant.
 *
 * @module
 */
import { ValueError, type Tensor } from '@profundo/core';
import { mergeOptions, Optimizer, type BaseOptions, type ParamGroupInput, type ParamState } from './optimizer.js';

/** Options of {@link Adam} (PyTorch's names, camelCased; PyTorch's defaults). */
export interface AdamOptions extends BaseOptions {
  /** Decays (β₁, β₂) of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator, outside the square root (default 1e-8; tfjs's default is 1e-7). */
  eps: number;
  /** L2 penalty added to the gradient: `g + weightDecay · θ` (default 0). See {@link AdamW} for decoupled decay. */
  weightDecay: number;
  /** Use the running maximum of the second moment (AMSGrad, Reddi et al., 2018; default false). */
  amsgrad: boolean;
}

/**
 * Adam (Kingma & Ba, 2015) exactly as PyTorch defines it. At step `t` (from 1):
 *
 * ```
 * g  ← ∇ + λθ                               (weight decay λ, coupled: an L2 penalty)
 * m  ← β₁m + (1 − β₁)g                       (m, v start at 0)
 * v  ← β₂v + (1 − β₂)g²
 * amsgrad:  v̂ ← max(v̂, v)  and use v̂ in place of v below    (v̂ starts at 0)
 * θ  ← θ − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
 * ```
 *
 * The bias corrections `1 − βᵗ` are computed in JavaScript from the step counter, so a step
 * reads nothing back from the device. With AMSGrad the maximum is taken over the raw `v`
 * and bias-corrected afterwards, as PyTorch's code does (and its documentation, since 2.6).
 *
 * State per parameter: `step` (a number), `expAvg` (m), `expAvgSq` (v) and, with AMSGrad,
 * `maxExpAvgSq` (v̂).
 *
 * @example
 * ```ts
 * const model = new nn.Sequential(new nn.Linear(10, 32), new nn.ReLU(), new nn.Linear(32, 2));
 * const opt = new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.98], amsgrad: true });
 * ```
 */
export class Adam extends Optimizer<AdamOptions> {
  /** @param params parameters or parameter groups; @param options learning rate (default 1e-3) and extras. */
  constructor(params: readonly Tensor[] | readonly ParamGroupInput<AdamOptions>[], options: Partial<AdamOptions> = {}) {
    super('Adam', params, mergeOptions<AdamOptions>({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false }, options));
  }

  protected override validate(o: AdamOptions): void {
    super.validate(o);
    validateAdam('Adam', o);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, o: AdamOptions): Tensor {
    const g = o.weightDecay !== 0 ? grad.add(p.mul(o.weightDecay)) : grad;
    return adamStep(p, g, state, o, (k, v) => this.setState(state, k, v));
  }
}

/** @internal Checks the options Adam and AdamW share. */
export function validateAdam(name: string, o: AdamOptions): void {
  if (!Array.isArray(o.betas) || o.betas.length !== 2) {
    throw new ValueError(name, `betas must be a pair [beta1, beta2], got ${Array.isArray(o.betas) ? `[${o.betas.join(', ')}]` : String(o.betas)}`);
  }
  const [b1, b2] = o.betas;
  if (!(b1! >= 0 && b1! < 1)) throw new ValueError(name, `betas[0] must be in [0, 1), got ${b1}`);
  if (!(b2! >= 0 && b2! < 1)) throw new ValueError(name, `betas[1] must be in [0, 1), got ${b2}`);
  if (!(o.eps >= 0)) throw new ValueError(name, `eps must be >= 0, got ${o.eps}`);
  if (!(o.weightDecay >= 0)) throw new ValueError(name, `weightDecay must be >= 0, got ${o.weightDecay}`);
}

/** @internal The Adam update of `p` with gradient `g` (weight decay already applied). */
export function adamStep(
  p: Tensor,
  g: Tensor,
  state: ParamState,
  o: AdamOptions,
  save: (key: string, value: Tensor | number) => void,
): Tensor {
  const [beta1, beta2] = o.betas;
  const step = ((state['step'] as number | undefined) ?? 0) + 1;
  save('step', step);
  const prevM = state['expAvg'] as Tensor | undefined;
  const prevV = state['expAvgSq'] as Tensor | undefined;
  const gm = g.mul(1 - beta1);
  const gv = g.square().mul(1 - beta2);
  const m = prevM ? prevM.mul(beta1).add(gm) : gm;
  const v = prevV ? prevV.mul(beta2).add(gv) : gv;
  save('expAvg', m);
  save('expAvgSq', v);
  let second = v;
  if (o.amsgrad) {
    const prevMax = state['maxExpAvgSq'] as Tensor | undefined;
    second = prevMax ? prevMax.maximum(v) : v; // max(0, v) = v, since v >= 0
    save('maxExpAvgSq', second);
  }
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
  const stepSize = o.lr / biasCorrection1;
  const denom = second.sqrt().div(biasCorrection2Sqrt).add(o.eps);
  return p.sub(m.div(denom).mul(stepSize));
}
