/**
 * A constant factor on the learning rate for a number of steps.
 *
 * @module
 */
import { ValueError } from '@profundo/core';
import { checkInteger, LRScheduler, type SchedulerTarget } from './lr-scheduler.js';

/** Options of {@link ConstantLR} (PyTorch's defaults). */
export interface ConstantLROptions {
  /** The factor in [0, 1] applied before `totalIters` (default 1/3). */
  factor?: number;
  /** Steps during which the factor applies (default 5). */
  totalIters?: number;
}

/**
 * Multiplies the base learning rate by `factor` until `totalIters` steps were taken, then
 * restores it (PyTorch's `ConstantLR`): `lr(t) = base · factor` for `t < totalIters`, else `base`.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
 * const sched = new ConstantLR(opt, { factor: 0.5, totalIters: 2 });
 * opt.paramGroups[0]!.lr; // 0.05
 * sched.step();
 * sched.step();
 * opt.paramGroups[0]!.lr; // 0.1
 * ```
 */
export class ConstantLR extends LRScheduler {
  /** The factor before `totalIters`. */
  readonly factor: number;
  /** Steps the factor applies for. */
  readonly totalIters: number;

  /** @param optimizer the optimizer to drive; @param options the factor and its duration. */
  constructor(optimizer: SchedulerTarget, options: ConstantLROptions = {}) {
    super(optimizer);
    this.factor = options.factor ?? 1 / 3;
    this.totalIters = options.totalIters ?? 5;
    if (!(typeof this.factor === 'number' && this.factor >= 0 && this.factor <= 1)) {
      throw new ValueError('ConstantLR', `factor must lie in [0, 1], got ${String(this.factor)}`);
    }
    checkInteger('ConstantLR', 'totalIters', this.totalIters, 0);
    this.start();
  }

  /** `base · factor` before `totalIters`, `base` from then on. */
  lrAt(epoch: number, baseLr: number): number {
    return epoch < this.totalIters ? baseLr * this.factor : baseLr;
  }
}
