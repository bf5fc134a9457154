/**
 * Step decay of the learning rate.
 *
 * @module
 */
import { checkInteger, checkNonNegative, LRScheduler, type SchedulerTarget } from './lr-scheduler.js';

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Steps between decays. */
  stepSize: number;
  /** Factor applied at each decay (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies the learning rate by `gamma` every `stepSize` steps:
 * `lr(t) = base · γ^⌊t / stepSize⌋`.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 }); // 0.1 → 0.01 at 30 → 0.001 at 60
 * for (let epoch = 0; epoch < 30; epoch++) sched.step(); // after each epoch's training
 * opt.paramGroups[0]!.lr; // 0.01
 * ```
 */
export class StepLR extends LRScheduler {
  /** Steps between decays. */
  readonly stepSize: number;
  /** Factor applied at each decay. */
  readonly gamma: number;

  /** @param optimizer the optimizer to drive; @param options step size and factor. */
  constructor(optimizer: SchedulerTarget, options: StepLROptions) {
    super(optimizer);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    checkInteger('StepLR', 'stepSize', this.stepSize, 1);
    checkNonNegative('StepLR', 'gamma', this.gamma);
    this.start();
  }

  /** `base · γ^⌊epoch / stepSize⌋`. */
  lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}
