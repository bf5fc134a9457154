/**
 * Polynomial decay of the learning rate to zero.
 *
 * @module
 */
import { checkInteger, checkNonNegative, LRScheduler, type SchedulerTarget } from './lr-scheduler.js';

/** Options of {@link PolynomialLR} (PyTorch's defaults). */
export interface PolynomialLROptions {
  /** Steps until the rate reaches 0 (default 5). */
  totalIters?: number;
  /** The polynomial's power (default 1: linear decay). */
  power?: number;
}

/**
 * Decays the learning rate polynomially to 0 over `totalIters` steps, then keeps it at 0
 * (PyTorch's `PolynomialLR`): `lr(t) = base · (1 − min(t, T) / T)^power`.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
 * const sched = new PolynomialLR(opt, { totalIters: 4, power: 2 });
 * sched.step();
 * opt.paramGroups[0]!.lr; // 0.05625 (0.1 · (3/4)²)
 * ```
 */
export class PolynomialLR extends LRScheduler {
  /** Steps until the rate is 0. */
  readonly totalIters: number;
  /** The power. */
  readonly power: number;

  /** @param optimizer the optimizer to drive; @param options length and power of the decay. */
  constructor(optimizer: SchedulerTarget, options: PolynomialLROptions = {}) {
    super(optimizer);
    this.totalIters = options.totalIters ?? 5;
    this.power = options.power ?? 1;
    checkInteger('PolynomialLR', 'totalIters', this.totalIters, 1);
    checkNonNegative('PolynomialLR', 'power', this.power);
    this.start();
  }

  /** `base · (1 − min(epoch, T) / T)^power`. */
  lrAt(epoch: number, baseLr: number): number {
    return baseLr * (1 - Math.min(epoch, this.totalIters) / this.totalIters) ** this.power;
  }
}
