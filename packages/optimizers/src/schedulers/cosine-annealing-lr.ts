/**
 * Cosine annealing of the learning rate.
 *
 * @module
 */
import { checkInteger, checkNonNegative, LRScheduler, type SchedulerTarget } from './lr-scheduler.js';

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions {
  /** Steps of the half cosine from the base rate down to `etaMin`. */
  tMax: number;
  /** The lowest learning rate (default 0). */
  etaMin?: number;
}

/**
 * Anneals the learning rate along a half cosine from the base rate to `etaMin` over `tMax`
 * steps (SGDR without restarts, Loshchilov & Hutter, 2017):
 * `lr(t) = η_min + (base − η_min) · (1 + cos(π t / T_max)) / 2`.
 * Past `tMax` the cosine continues (the rate rises again), as in PyTorch.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
 * const sched = new CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 * for (let epoch = 0; epoch < 50; epoch++) sched.step(); // after each epoch's training
 * sched.getLastLr(); // [0.050005] (halfway: etaMin + (0.1 - etaMin) / 2)
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Steps from the base rate down to `etaMin`. */
  readonly tMax: number;
  /** The lowest learning rate. */
  readonly etaMin: number;

  /** @param optimizer the optimizer to drive; @param options period and floor. */
  constructor(optimizer: SchedulerTarget, options: CosineAnnealingLROptions) {
    super(optimizer);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    checkInteger('CosineAnnealingLR', 'tMax', this.tMax, 1);
    checkNonNegative('CosineAnnealingLR', 'etaMin', this.etaMin);
    this.start();
  }

  /** `η_min + (base − η_min)(1 + cos(π · epoch / T_max)) / 2`. */
  lrAt(epoch: number, baseLr: number): number {
    return this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}
