/**
 * RMSprop: gradients divided by a running root mean square, optionally centered and with
 * momentum.
 *
 * @module
 */
import { ValueError, type Tensor } from '@profundo/core';
import { mergeOptions, Optimizer, type BaseOptions, type ParamGroupInput, type ParamState } from './optimizer.js';

/** Options of {@link RMSprop} (PyTorch's names, camelCased; PyTorch's defaults). */
export interface RMSpropOptions extends BaseOptions {
  /** Smoothing constant α of the running averages (default 0.99; tfjs calls it `decay`). */
  alpha: number;
  /** Added to the denominator, outside the square root (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient: `g + weightDecay · θ` (default 0). */
  weightDecay: number;
  /** Momentum factor μ (default 0). */
  momentum: number;
  /** Divide by an estimate of the gradient's variance instead of its second moment (default false). */
  centered: boolean;
}

/**
 * RMSprop (Hinton's lecture 6e; centered variant after Graves, 2013) exactly as PyTorch
 * defines it:
 *
 * ```
 * g  ← ∇ + λθ                                  (weight decay λ)
 * v  ← αv + (1 − α)g²                           (v starts at 0)
 * centered:  ḡ ← αḡ + (1 − α)g,  d ← √(v − ḡ²) + ε     (ḡ starts at 0)
 * otherwise:                     d ← √v + ε
 * momentum μ > 0:  b ← μb + g / d,  θ ← θ − γb        (b starts at 0)
 * otherwise:       θ ← θ − γ g / d
 * ```
 *
 * State per parameter: `step` (a number), `squareAvg` (v), `gradAvg` (ḡ, when centered) and
 * `momentumBuffer` (b, with momentum).
 *
 * @example
 * ```ts
 * const model = new nn.Sequential(new nn.Linear(10, 32), new nn.ReLU(), new nn.Linear(32, 2));
 * const opt = new RMSprop(model.parameters(), { lr: 1e-3, centered: true, momentum: 0.9 });
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  /** @param params parameters or parameter groups; @param options learning rate (default 0.01) and extras. */
  constructor(params: readonly Tensor[] | readonly ParamGroupInput<RMSpropOptions>[], options: Partial<RMSpropOptions> = {}) {
    super('RMSprop', params, mergeOptions<RMSpropOptions>({ lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false }, options));
  }

  protected override validate(o: RMSpropOptions): void {
    super.validate(o);
    if (!(o.alpha >= 0)) throw new ValueError('RMSprop', `alpha must be >= 0, got ${o.alpha}`);
    if (!(o.eps >= 0)) throw new ValueError('RMSprop', `eps must be >= 0, got ${o.eps}`);
    if (!(o.weightDecay >= 0)) throw new ValueError('RMSprop', `weightDecay must be >= 0, got ${o.weightDecay}`);
    if (!(o.momentum >= 0)) throw new ValueError('RMSprop', `momentum must be >= 0, got ${o.momentum}`);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, o: RMSpropOptions): Tensor {
    this.setState(state, 'step', ((state['step'] as number | undefined) ?? 0) + 1);
    const g = o.weightDecay !== 0 ? grad.add(p.mul(o.weightDecay)) : grad;
    const prevV = state['squareAvg'] as Tensor | undefined;
    const g2 = g.square().mul(1 - o.alpha);
    const v = prevV ? prevV.mul(o.alpha).add(g2) : g2;
    this.setState(state, 'squareAvg', v);
    let avg: Tensor;
    if (o.centered) {
      const prevMean = state['gradAvg'] as Tensor | undefined;
      const gs = g.mul(1 - o.alpha);
      const mean = prevMean ? prevMean.mul(o.alpha).add(gs) : gs;
      this.setState(state, 'gradAvg', mean);
      avg = v.sub(mean.square()).sqrt().add(o.eps);
    } else {
      avg = v.sqrt().add(o.eps);
    }
    if (o.momentum > 0) {
      const prevBuf = state['momentumBuffer'] as Tensor | undefined;
      const scaled = g.div(avg);
      const buf = prevBuf ? prevBuf.mul(o.momentum).add(scaled) : scaled;
      this.setState(state, 'momentumBuffer', buf);
      return p.sub(buf.mul(o.lr));
    }
    return p.sub(g.div(avg).mul(o.lr));
  }
}
