/**
 * A learning rate given by a function of the step count.
 *
 * @module
 */
import { ValueError } from '@profundo/core';
import { LRScheduler, type SchedulerTarget } from './lr-scheduler.js';

/** A factor of the base learning rate as a function of the step count. */
export type LrLambda = (epoch: number) => number;

/**
 * Sets each group's learning rate to its base rate times `lrLambda(t)`; give one function,
 * or one per group. Its state dict holds the step count, not the functions.
 *
 * @example
 * ```ts
 * const opt = new Adam(new nn.Linear(512, 512).parameters(), { lr: 512 ** -0.5, betas: [0.9, 0.98] });
 * // Inverse square-root schedule with 4000 warmup steps (the Transformer's).
 * const sched = new LambdaLR(opt, (t) => Math.min((t + 1) ** -0.5, (t + 1) * 4000 ** -1.5));
 * ```
 */
export class LambdaLR extends LRScheduler {
  private readonly lambdas: LrLambda[];

  /** @param optimizer the optimizer to drive; @param lrLambda the factor, or one factor per group. */
  constructor(optimizer: SchedulerTarget, lrLambda: LrLambda | readonly LrLambda[]) {
    super(optimizer);
    const n = optimizer.paramGroups.length;
    if (typeof lrLambda === 'function') this.lambdas = Array.from({ length: n }, () => lrLambda);
    else if (Array.isArray(lrLambda) && lrLambda.length === n) this.lambdas = [...lrLambda];
    else throw new ValueError('LambdaLR', `expected ${n} functions (one per group), got ${Array.isArray(lrLambda) ? lrLambda.length : typeof lrLambda}`);
    this.lambdas.forEach((f, i) => {
      if (typeof f !== 'function') throw new ValueError('LambdaLR', `lrLambda[${i}] must be a function of the epoch, got ${f === null ? 'null' : typeof f}`);
    });
    this.start();
  }

  /** `base · lrLambda(epoch)` for the group's function. */
  lrAt(epoch: number, baseLr: number, group: number): number {
    return baseLr * this.lambdas[group]!(epoch);
  }
}
