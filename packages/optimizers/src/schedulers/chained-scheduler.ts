/**
 * Schedules applied together, each to the result of the one before.
 *
 * @module
 */
import { ValueError } from '@profundo/core';
import { LRScheduler } from './lr-scheduler.js';

/**
 * Applies `schedulers` together at every step, each one taking the previous one's rate as
 * its base: `lr(t) = sₙ.lrAt(t, … s₁.lrAt(t, base))`. For multiplicative schedules (step,
 * multi-step, exponential, linear, lambda) this multiplies their factors, as PyTorch's
 * `ChainedScheduler` does. Call `step()` on this scheduler only.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
 * // A 5-step warmup, together with a ×0.9 decay every step.
 * const sched = new ChainedScheduler([
 *   new LinearLR(opt, { startFactor: 0.2, totalIters: 5 }),
 *   new ExponentialLR(opt, { gamma: 0.9 }),
 * ]);
 * ```
 */
export class ChainedScheduler extends LRScheduler {
  /** The schedules, innermost first. */
  readonly schedulers: readonly LRScheduler[];

  /** @param schedulers schedules of one optimizer, applied in order. */
  constructor(schedulers: readonly LRScheduler[]) {
    if (schedulers.length === 0) throw new ValueError('ChainedScheduler', 'needs at least one scheduler');
    super(schedulers[0]!.optimizer);
    for (const s of schedulers) {
      if (s.optimizer !== this.optimizer) throw new ValueError('ChainedScheduler', 'every scheduler must drive the same optimizer');
    }
    this.schedulers = [...schedulers];
    this.start();
  }

  /** Each schedule's `lrAt` applied to the previous one's result. */
  lrAt(epoch: number, baseLr: number, group: number): number {
    return this.schedulers.reduce((lr, s) => s.lrAt(epoch, lr, group), baseLr);
  }
}
