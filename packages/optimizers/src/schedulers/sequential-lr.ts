/**
 * Schedules run one after another.
 *
 * @module
 */
import { ValueError } from '@profundo/core';
import { LRScheduler, type SchedulerTarget } from './lr-scheduler.js';

/**
 * Runs `schedulers` one after another, switching at each milestone; each one starts its own
 * count at 0 when its turn comes (PyTorch's `SequentialLR`). The usual use: a warmup, then
 * a decay. Call `step()` on this scheduler only, not on the ones it holds.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new CosineAnnealingLR(opt, { tMax: 95 });
 * const sched = new SequentialLR(opt, [warmup, decay], [5]); // steps 0–4 warm up, 5–99 anneal
 * ```
 */
export class SequentialLR extends LRScheduler {
  /** The schedules, in order. */
  readonly schedulers: readonly LRScheduler[];
  /** Step counts at which the next schedule takes over (one fewer than the schedules). */
  readonly milestones: readonly number[];

  /**
   * @param optimizer the optimizer every schedule drives.
   * @param schedulers the schedules, in order.
   * @param milestones increasing step counts at which to switch to the next schedule.
   */
  constructor(optimizer: SchedulerTarget, schedulers: readonly LRScheduler[], milestones: readonly number[]) {
    super(optimizer);
    if (schedulers.length === 0) throw new ValueError('SequentialLR', 'needs at least one scheduler');
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError('SequentialLR', `needs ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${milestones.length}`);
    }
    milestones.forEach((m, i) => {
      if (!(Number.isInteger(m) && m > (i > 0 ? milestones[i - 1]! : 0))) {
        throw new ValueError('SequentialLR', `milestones must be increasing positive integers, got [${milestones}]`);
      }
    });
    for (const s of schedulers) {
      if (s.optimizer !== optimizer) throw new ValueError('SequentialLR', 'every scheduler must drive the same optimizer');
    }
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.start();
  }

  /** The active schedule's `lrAt`, counted from its milestone. */
  lrAt(epoch: number, baseLr: number, group: number): number {
    let k = 0;
    while (k < this.milestones.length && epoch >= this.milestones[k]!) k++;
    const local = k === 0 ? epoch : epoch - this.milestones[k - 1]!;
    return this.schedulers[k]!.lrAt(local, baseLr, group);
  }
}
