/**
 * Learning-rate decay at chosen steps.
 *
 * @module
 */
import { ValueError } from '@profundo/core';
import { checkInteger, checkNonNegative, LRScheduler, type SchedulerTarget } from './lr-scheduler.js';

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions {
  /** Step counts at which to decay (a count listed twice decays twice). */
  milestones: readonly number[];
  /** Factor applied at each milestone (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies the learning rate by `gamma` at each milestone:
 * `lr(t) = base · γ^(number of milestones ≤ t)`.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
 * const sched = new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 * for (let epoch = 0; epoch < 80; epoch++) sched.step();
 * sched.getLastLr(); // [0.001]
 * ```
 */
export class MultiStepLR extends LRScheduler {
  /** The milestones, ascending. */
  readonly milestones: readonly number[];
  /** Factor applied at each milestone. */
  readonly gamma: number;

  /** @param optimizer the optimizer to drive; @param options milestones and factor. */
  constructor(optimizer: SchedulerTarget, options: MultiStepLROptions) {
    super(optimizer);
    if (!Array.isArray(options.milestones)) throw new ValueError('MultiStepLR', `milestones must be an array of step counts, got ${String(options.milestones)}`);
    for (const m of options.milestones) checkInteger('MultiStepLR', 'each milestone', m, 0);
    this.milestones = Object.freeze([...options.milestones].sort((a, b) => a - b));
    this.gamma = options.gamma ?? 0.1;
    checkNonNegative('MultiStepLR', 'gamma', this.gamma);
    this.start();
  }

  /** `base · γ^(number of milestones ≤ epoch)`. */
  lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** this.milestones.filter((m) => m <= epoch).length;
  }
}
