/**
 * A learning rate multiplied at each step by a function of the step count.
 *
 * @module
 */
import { ValueError } from '@profundo/core';
import { LRScheduler, type SchedulerTarget } from './lr-scheduler.js';
import type { LrLambda } from './lambda-lr.js';

/**
 * Multiplies each group's learning rate by `lrLambda(t)` at step `t` (PyTorch's
 * `MultiplicativeLR`): `lr(t) = lr(t − 1) · lrLambda(t)`, i.e.
 * `lr(t) = base · lrLambda(1) · … · lrLambda(t)`. Give one function, or one per group; each
 * factor is computed once per step and remembered, so the products cost one call per step.
 * Its state dict holds the step count, not the functions.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
 * const sched = new MultiplicativeLR(opt, () => 0.9);
 * sched.step();
 * sched.step();
 * opt.paramGroups[0]!.lr; // 0.081
 * ```
 */
export class MultiplicativeLR extends LRScheduler {
  private readonly lambdas: LrLambda[];
  /** Per group, the running products `lrLambda(1) · … · lrLambda(t)` at index `t` (index 0: 1). */
  readonly #products: number[][];

  /** @param optimizer the optimizer to drive; @param lrLambda the factor, or one factor per group. */
  constructor(optimizer: SchedulerTarget, lrLambda: LrLambda | readonly LrLambda[]) {
    super(optimizer);
    const n = optimizer.paramGroups.length;
    if (typeof lrLambda === 'function') this.lambdas = Array.from({ length: n }, () => lrLambda);
    else if (Array.isArray(lrLambda) && lrLambda.length === n) this.lambdas = [...lrLambda];
    else throw new ValueError('MultiplicativeLR', `expected ${n} functions (one per group), got ${Array.isArray(lrLambda) ? lrLambda.length : typeof lrLambda}`);
    this.lambdas.forEach((f, i) => {
      if (typeof f !== 'function') throw new ValueError('MultiplicativeLR', `lrLambda[${i}] must be a function of the epoch, got ${f === null ? 'null' : typeof f}`);
    });
    this.#products = this.lambdas.map(() => [1]);
    this.start();
  }

  /** `base · lrLambda(1) · … · lrLambda(epoch)` for the group's function. */
  lrAt(epoch: number, baseLr: number, group: number): number {
    const p = this.#products[group]!;
    for (let t = p.length; t <= epoch; t++) p.push(p[t - 1]! * this.lambdas[group]!(t));
    return baseLr * p[epoch]!;
  }
}
