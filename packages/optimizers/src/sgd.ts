/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.
 *
 * @module
 */
import { ValueError, type Tensor } from '@profundo/core';
import { mergeOptions, Optimizer, type BaseOptions, type ParamGroupInput, type ParamState } from './optimizer.js';

/** Options of {@link SGD} (PyTorch's names, camelCased). */
export interface SGDOptions extends BaseOptions {
  /** Momentum factor (default 0: plain SGD). */
  momentum: number;
  /** Dampening of the momentum's gradient term (default 0). */
  dampening: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** L2 penalty added to the gradient: `g + weightDecay · θ` (default 0). */
  weightDecay: number;
}

/**
 * SGD exactly as PyTorch defines it:
 * `g ← ∇ + λθ`; with momentum `b ← μb + (1 − τ)g` (first step `b ← g`) and
 * `g ← g + μb` (Nesterov) or `g ← b`; then `θ ← θ − γg`.
 *
 * State per parameter: `momentumBuffer` (b, with momentum).
 *
 * @example
 * ```ts
 * const model = new nn.Sequential(new nn.Linear(10, 32), new nn.ReLU(), new nn.Linear(32, 2));
 * const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true });
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  /** @param params parameters or parameter groups; @param options learning rate and extras. */
  constructor(params: readonly Tensor[] | readonly ParamGroupInput<SGDOptions>[], options: Partial<SGDOptions> & { lr: number }) {
    super('SGD', params, mergeOptions<SGDOptions>({ lr: options.lr, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 }, options));
  }

  protected override validate(o: SGDOptions): void {
    super.validate(o);
    if (!(o.momentum >= 0)) throw new ValueError('SGD', `momentum must be >= 0, got ${o.momentum}`);
    if (!(o.weightDecay >= 0)) throw new ValueError('SGD', `weightDecay must be >= 0, got ${o.weightDecay}`);
    if (!(o.dampening >= 0 && o.dampening <= 1)) throw new ValueError('SGD', `dampening must be in [0, 1], got ${o.dampening}`);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ValueError('SGD', 'Nesterov momentum needs momentum > 0 and dampening 0');
    }
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, o: SGDOptions): Tensor {
    let g = o.weightDecay !== 0 ? grad.add(p.mul(o.weightDecay)) : grad;
    if (o.momentum !== 0) {
      const prev = state['momentumBuffer'] as Tensor | undefined;
      // Without dampening, g · 1 would be a full pass over the parameter for nothing (same bits).
      const buf = prev ? prev.mul(o.momentum).add(o.dampening === 0 ? g : g.mul(1 - o.dampening)) : g;
      this.setState(state, 'momentumBuffer', buf);
      g = o.nesterov ? g.add(buf.mul(o.momentum)) : buf;
    }
    return p.sub(g.mul(o.lr));
  }
}
