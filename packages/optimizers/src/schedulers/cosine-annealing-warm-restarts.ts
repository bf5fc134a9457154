/**
 * Cosine annealing with warm restarts (SGDR).
 *
 * @module
 */
import { checkInteger, checkNonNegative, LRScheduler, type SchedulerTarget } from './lr-scheduler.js';

/** Options of {@link CosineAnnealingWarmRestarts}. */
export interface CosineAnnealingWarmRestartsOptions {
  /** Steps of the first cycle (an integer >= 1). */
  t0: number;
  /** Factor by which each cycle is longer than the one before (an integer >= 1, default 1). */
  tMult?: number;
  /** The lowest learning rate (default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing from the base rate to `etaMin` over cycles of `t0`, `t0·tMult`,
 * `t0·tMult²`, … steps, jumping back to the base rate at the start of each cycle (SGDR,
 * Loshchilov & Hutter, 2017; PyTorch's `CosineAnnealingWarmRestarts`):
 * `lr(t) = η_min + (base − η_min) · (1 + cos(π · T_cur / T_i)) / 2`, where `T_i` is the
 * current cycle's length and `T_cur` the steps taken in it. Step it once per batch or per
 * epoch; fractional epochs (PyTorch's `step(epoch + i / iters)`) are not supported.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
 * const sched = new CosineAnnealingWarmRestarts(opt, { t0: 2, tMult: 2 });
 * const lrs = [opt.paramGroups[0]!.lr];
 * for (let t = 1; t < 7; t++) { sched.step(); lrs.push(opt.paramGroups[0]!.lr); }
 * lrs; // [0.1, 0.05, 0.1, 0.0854, 0.05, 0.0146, 0.1] (cycles of 2, then 4 steps)
 * ```
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** Steps of the first cycle. */
  readonly t0: number;
  /** Growth factor of the cycles. */
  readonly tMult: number;
  /** The lowest learning rate. */
  readonly etaMin: number;

  /** @param optimizer the optimizer to drive; @param options cycle length, growth and floor. */
  constructor(optimizer: SchedulerTarget, options: CosineAnnealingWarmRestartsOptions) {
    super(optimizer);
    this.t0 = options?.t0;
    this.tMult = options?.tMult ?? 1;
    this.etaMin = options?.etaMin ?? 0;
    checkInteger('CosineAnnealingWarmRestarts', 't0', this.t0, 1);
    checkInteger('CosineAnnealingWarmRestarts', 'tMult', this.tMult, 1);
    checkNonNegative('CosineAnnealingWarmRestarts', 'etaMin', this.etaMin);
    this.start();
  }

  /** The cycle's `T_cur` and `T_i` at `epoch`, then the cosine. */
  lrAt(epoch: number, baseLr: number): number {
    let tCur = epoch;
    let tI = this.t0;
    if (this.tMult === 1) tCur = epoch % this.t0;
    else {
      while (tCur >= tI) {
        tCur -= tI;
        tI *= this.tMult;
      }
    }
    return this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
  }
}
