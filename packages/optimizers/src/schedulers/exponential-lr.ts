/**
 * Exponential decay of the learning rate.
 *
 * @module
 */
import { checkNonNegative, LRScheduler, type SchedulerTarget } from './lr-scheduler.js';

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions {
  /** Factor applied at every step. */
  gamma: number;
}

/**
 * Multiplies the learning rate by `gamma` at every step: `lr(t) = base · γᵗ`.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 * sched.step();
 * sched.step();
 * sched.getLastLr(); // [0.09025] (0.1 · 0.95²)
 * ```
 */
export class ExponentialLR extends LRScheduler {
  /** Factor applied at every step. */
  readonly gamma: number;

  /** @param optimizer the optimizer to drive; @param options the factor. */
  constructor(optimizer: SchedulerTarget, options: ExponentialLROptions) {
    super(optimizer);
    this.gamma = options.gamma;
    checkNonNegative('ExponentialLR', 'gamma', this.gamma);
    this.start();
  }

  /** `base · γ^epoch`. */
  lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** epoch;
  }
}
