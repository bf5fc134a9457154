/**
 * Adagrad: per-coordinate learning rates that shrink with the sum of squared gradients.
 *
 * @module
 */
import { ValueError, type Tensor } from '@profundo/core';
import { mergeOptions, Optimizer, type BaseOptions, type ParamGroupInput, type ParamState } from './optimizer.js';

/** Options of {@link Adagrad} (PyTorch's names, camelCased; PyTorch's defaults). */
export interface AdagradOptions extends BaseOptions {
  /** Learning-rate decay η: step `t` uses `γ / (1 + (t − 1)η)` (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient: `g + weightDecay · θ` (default 0). */
  weightDecay: number;
  /** Starting value of the running sum of squared gradients (default 0; tfjs uses 0.1). */
  initialAccumulatorValue: number;
  /** Added to the denominator, outside the square root (default 1e-10). */
  eps: number;
}

/**
 * Adagrad (Duchi et al., 2011) exactly as PyTorch defines it. At step `t` (from 1):
 *
 * ```
 * g  ← ∇ + λθ                      (weight decay λ)
 * γ̃  ← γ / (1 + (t − 1)η)          (lr decay η)
 * s  ← s + g²                      (s starts at initialAccumulatorValue)
 * θ  ← θ − γ̃ g / (√s + ε)
 * ```
 *
 * State per parameter: `step` (a number) and `sum` (a tensor).
 *
 * @example
 * ```ts
 * const model = new nn.Sequential(new nn.Linear(10, 32), new nn.ReLU(), new nn.Linear(32, 2));
 * const opt = new Adagrad(model.parameters(), { lr: 0.01, initialAccumulatorValue: 0.1 });
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  /** @param params parameters or parameter groups; @param options learning rate (default 0.01) and extras. */
  constructor(params: readonly Tensor[] | readonly ParamGroupInput<AdagradOptions>[], options: Partial<AdagradOptions> = {}) {
    super('Adagrad', params, mergeOptions<AdagradOptions>({ lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 }, options));
  }

  protected override validate(o: AdagradOptions): void {
    super.validate(o);
    if (!(o.lrDecay >= 0)) throw new ValueError('Adagrad', `lrDecay must be >= 0, got ${o.lrDecay}`);
    if (!(o.weightDecay >= 0)) throw new ValueError('Adagrad', `weightDecay must be >= 0, got ${o.weightDecay}`);
    if (!(o.initialAccumulatorValue >= 0)) {
      throw new ValueError('Adagrad', `initialAccumulatorValue must be >= 0, got ${o.initialAccumulatorValue}`);
    }
    if (!(o.eps >= 0)) throw new ValueError('Adagrad', `eps must be >= 0, got ${o.eps}`);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, o: AdagradOptions): Tensor {
    const step = ((state['step'] as number | undefined) ?? 0) + 1;
    this.setState(state, 'step', step);
    const g = o.weightDecay !== 0 ? grad.add(p.mul(o.weightDecay)) : grad;
    const clr = o.lr / (1 + (step - 1) * o.lrDecay);
    const prev = state['sum'] as Tensor | undefined;
    // The first step adds g² to a sum that starts at initialAccumulatorValue, made here from
    // g so that it lands on the parameter's backend.
    const sum = prev ? prev.add(g.square()) : g.square().add(o.initialAccumulatorValue);
    this.setState(state, 'sum', sum);
    return p.sub(g.div(sum.sqrt().add(o.eps)).mul(clr));
  }
}
