/**
 * Adadelta: step sizes from running averages of squared gradients and squared updates.
 *
 * @module
 */
import { div, ValueError, type Tensor } from '@profundo/core';
import { mergeOptions, Optimizer, type BaseOptions, type ParamGroupInput, type ParamState } from './optimizer.js';

/** Options of {@link Adadelta} (PyTorch's names, camelCased; PyTorch's defaults). */
export interface AdadeltaOptions extends BaseOptions {
  /** Decay ρ of both running averages (default 0.9). */
  rho: number;
  /** Added inside both square roots (default 1e-6). */
  eps: number;
  /** L2 penalty added to the gradient: `g + weightDecay · θ` (default 0). */
  weightDecay: number;
}

/**
 * Adadelta (Zeiler, 2012, Algorithm 1) exactly as PyTorch defines it, with a learning rate γ
 * scaling the update (γ = 1, the default, is the paper's method):
 *
 * ```
 * g  ← ∇ + λθ                                   (weight decay λ)
 * v  ← ρv + (1 − ρ)g²                            (v starts at 0)
 * Δ  ← √(u + ε) / √(v + ε) · g                   (u starts at 0; the new v is used)
 * u  ← ρu + (1 − ρ)Δ²
 * θ  ← θ − γΔ
 * ```
 *
 * State per parameter: `step` (a number), `squareAvg` (v) and `accDelta` (u).
 *
 * @example
 * ```ts
 * const model = new nn.Sequential(new nn.Linear(10, 32), new nn.ReLU(), new nn.Linear(32, 2));
 * const opt = new Adadelta(model.parameters(), { rho: 0.95 });
 * ```
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  /** @param params parameters or parameter groups; @param options learning rate (default 1) and extras. */
  constructor(params: readonly Tensor[] | readonly ParamGroupInput<AdadeltaOptions>[], options: Partial<AdadeltaOptions> = {}) {
    super('Adadelta', params, mergeOptions<AdadeltaOptions>({ lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0 }, options));
  }

  protected override validate(o: AdadeltaOptions): void {
    super.validate(o);
    if (!(o.rho >= 0 && o.rho <= 1)) throw new ValueError('Adadelta', `rho must be in [0, 1], got ${o.rho}`);
    if (!(o.eps >= 0)) throw new ValueError('Adadelta', `eps must be >= 0, got ${o.eps}`);
    if (!(o.weightDecay >= 0)) throw new ValueError('Adadelta', `weightDecay must be >= 0, got ${o.weightDecay}`);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, o: AdadeltaOptions): Tensor {
    this.setState(state, 'step', ((state['step'] as number | undefined) ?? 0) + 1);
    const g = o.weightDecay !== 0 ? grad.add(p.mul(o.weightDecay)) : grad;
    const prevV = state['squareAvg'] as Tensor | undefined;
    const prevU = state['accDelta'] as Tensor | undefined;
    const g2 = g.square().mul(1 - o.rho);
    const v = prevV ? prevV.mul(o.rho).add(g2) : g2;
    const std = v.add(o.eps).sqrt();
    // With u = 0 (the first step) √(u + ε) is the float32 √ε, a number.
    const rmsDelta = prevU ? prevU.add(o.eps).sqrt() : Math.fround(Math.sqrt(Math.fround(o.eps)));
    const delta = div(rmsDelta, std).mul(g);
    const d2 = delta.square().mul(1 - o.rho);
    const u = prevU ? prevU.mul(o.rho).add(d2) : d2;
    this.setState(state, 'squareAvg', v);
    this.setState(state, 'accDelta', u);
    return p.sub(delta.mul(o.lr));
  }
}
