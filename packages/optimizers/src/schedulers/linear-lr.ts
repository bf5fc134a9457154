/**
 * Linear change of the learning rate's factor: linear warmup (or linear decay).
 *
 * @module
 */
import { checkInteger, checkNonNegative, LRScheduler, type SchedulerTarget } from './lr-scheduler.js';

/** Options of {@link LinearLR} (PyTorch's defaults). */
export interface LinearLROptions {
  /** Factor of the base rate at step 0 (default 1/3). */
  startFactor?: number;
  /** Factor reached at `totalIters` and kept after (default 1). */
  endFactor?: number;
  /** Steps of the linear ramp (default 5). */
  totalIters?: number;
}

/**
 * Scales the base learning rate by a factor that moves linearly from `startFactor` to
 * `endFactor` over `totalIters` steps, then stays there: linear warmup with the defaults, or
 * a linear decay with `endFactor < startFactor`.
 * `lr(t) = base · (s + (e − s) · min(t, T) / T)`.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
 * // Warm up over 500 steps from 1% of the rate, then cosine-anneal over the next 9500.
 * const sched = new SequentialLR(opt, [
 *   new LinearLR(opt, { startFactor: 0.01, totalIters: 500 }),
 *   new CosineAnnealingLR(opt, { tMax: 9500 }),
 * ], [500]);
 * opt.paramGroups[0]!.lr;  // 0.001
 * for (let step = 0; step < 500; step++) sched.step(); // after each optimizer step
 * opt.paramGroups[0]!.lr;  // 0.1
 * ```
 */
export class LinearLR extends LRScheduler {
  /** Factor at step 0. */
  readonly startFactor: number;
  /** Factor from `totalIters` on. */
  readonly endFactor: number;
  /** Steps of the ramp. */
  readonly totalIters: number;

  /** @param optimizer the optimizer to drive; @param options the ramp. */
  constructor(optimizer: SchedulerTarget, options: LinearLROptions = {}) {
    super(optimizer);
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1;
    this.totalIters = options.totalIters ?? 5;
    checkNonNegative('LinearLR', 'startFactor', this.startFactor);
    checkNonNegative('LinearLR', 'endFactor', this.endFactor);
    checkInteger('LinearLR', 'totalIters', this.totalIters, 1);
    this.start();
  }

  /** `base · (s + (e − s) · min(epoch, T) / T)`. */
  lrAt(epoch: number, baseLr: number): number {
    const f = this.startFactor + ((this.endFactor - this.startFactor) * Math.min(epoch, this.totalIters)) / this.totalIters;
    return baseLr * f;
  }
}
