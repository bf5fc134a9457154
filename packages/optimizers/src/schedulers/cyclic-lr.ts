/**
 * Cyclical learning rates (Smith, 2017).
 *
 * @module
 */
import { ValueError } from '@profundo/core';
import { checkInteger, LRScheduler, type SchedulerTarget } from './lr-scheduler.js';
import { checkMomentumGroups, perGroup, setMomentum, startAt } from './momentum.js';

/** Options of {@link CyclicLR} (PyTorch's names and defaults). */
export interface CyclicLROptions {
  /** The lower bound of the cycle: one rate for all groups or one per group. */
  baseLr: number | readonly number[];
  /** The upper bound of the cycle: one rate for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Steps from `baseLr` up to `maxLr` (default 2000). */
  stepSizeUp?: number;
  /** Steps from `maxLr` back down (default `stepSizeUp`). */
  stepSizeDown?: number;
  /**
   * `'triangular'` (default: a constant amplitude), `'triangular2'` (halved each cycle) or
   * `'exp_range'` (scaled by `gamma^t`); ignored when `scaleFn` is given.
   */
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** The decay of `'exp_range'` per step (default 1). */
  gamma?: number;
  /** A custom amplitude factor, of the cycle number (from 1) or of the step count (see `scaleMode`). */
  scaleFn?: (x: number) => number;
  /** What `scaleFn` takes: `'cycle'` (default) or `'iterations'`. */
  scaleMode?: 'cycle' | 'iterations';
  /**
   * Whether to cycle the momentum (or Adam's `betas[0]`) inversely to the rate, between
   * `maxMomentum` (at `baseLr`) and `baseMomentum` (at `maxLr`). Default true, as in PyTorch;
   * an optimizer without momentum (Adagrad, Adadelta) needs `false`.
   */
  cycleMomentum?: boolean;
  /** The momentum at the top of the cycle (default 0.8). */
  baseMomentum?: number | readonly number[];
  /** The momentum at the bottom of the cycle (default 0.9). */
  maxMomentum?: number | readonly number[];
}

/**
 * Cycles the learning rate between `baseLr` and `maxLr` (a triangle of `stepSizeUp` steps
 * up and `stepSizeDown` down), with PyTorch's `CyclicLR` closed form: with
 * `C = stepSizeUp + stepSizeDown`, `r = stepSizeUp / C`, `cycle = ⌊1 + t / C⌋`,
 * `x = 1 + t / C − cycle`, the scale is `x / r` rising and `(x − 1) / (r − 1)` falling, and
 * `lr(t) = baseLr + (maxLr − baseLr) · scale · f`, where `f` is 1 (`'triangular'`),
 * `1 / 2^(cycle − 1)` (`'triangular2'`), `gamma^t` (`'exp_range'`) or `scaleFn`. The groups'
 * rates start at `baseLr` (their base rates in the state dict). Step it once per batch.
 * With `cycleMomentum` the momentum moves the opposite way:
 * `maxMomentum − (maxMomentum − baseMomentum) · scale · f`.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1, momentum: 0.9 });
 * const sched = new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2 });
 * const lrs = [opt.paramGroups[0]!.lr];
 * for (let t = 1; t < 5; t++) { sched.step(); lrs.push(opt.paramGroups[0]!.lr); }
 * lrs;                            // [0.01, 0.055, 0.1, 0.055, 0.01]
 * opt.paramGroups[0]!.momentum;   // 0.9 (back at the bottom of the cycle)
 * ```
 */
export class CyclicLR extends LRScheduler {
  /** Each group's upper bound. */
  readonly maxLrs: readonly number[];
  /** Steps of the rising half. */
  readonly stepSizeUp: number;
  /** Steps of the falling half. */
  readonly stepSizeDown: number;
  /** The amplitude policy. */
  readonly mode: 'triangular' | 'triangular2' | 'exp_range';
  /** `'exp_range'`'s decay per step. */
  readonly gamma: number;
  /** Whether the momentum cycles too. */
  readonly cycleMomentum: boolean;
  private readonly scale: (x: number) => number;
  private readonly scaleMode: 'cycle' | 'iterations';
  private readonly baseMomenta: readonly number[];
  private readonly maxMomenta: readonly number[];

  /** @param optimizer the optimizer to drive; @param options the cycle. */
  constructor(optimizer: SchedulerTarget, options: CyclicLROptions) {
    super(optimizer);
    const op = 'CyclicLR';
    if (options === null || typeof options !== 'object') throw new ValueError(op, `needs options { baseLr, maxLr, … }, got ${String(options)}`);
    const n = optimizer.paramGroups.length;
    const baseLrs = perGroup(op, 'baseLr', options.baseLr, n);
    this.maxLrs = perGroup(op, 'maxLr', options.maxLr, n);
    this.stepSizeUp = options.stepSizeUp ?? 2000;
    this.stepSizeDown = options.stepSizeDown ?? this.stepSizeUp;
    checkInteger(op, 'stepSizeUp', this.stepSizeUp, 1);
    checkInteger(op, 'stepSizeDown', this.stepSizeDown, 1);
    this.mode = options.mode ?? 'triangular';
    if (!['triangular', 'triangular2', 'exp_range'].includes(this.mode)) {
      throw new ValueError(op, `mode must be 'triangular', 'triangular2' or 'exp_range', got '${String(this.mode)}'`);
    }
    this.gamma = options.gamma ?? 1;
    if (!(Number.isFinite(this.gamma) && this.gamma > 0)) throw new ValueError(op, `gamma must be a finite number > 0, got ${this.gamma}`);
    if (options.scaleFn !== undefined && typeof options.scaleFn !== 'function') {
      throw new ValueError(op, `scaleFn must be a function, got ${typeof options.scaleFn}`);
    }
    if (options.scaleFn) {
      this.scale = options.scaleFn;
      this.scaleMode = options.scaleMode ?? 'cycle';
      if (this.scaleMode !== 'cycle' && this.scaleMode !== 'iterations') {
        throw new ValueError(op, `scaleMode must be 'cycle' or 'iterations', got '${String(this.scaleMode)}'`);
      }
    } else if (this.mode === 'triangular') {
      this.scale = () => 1;
      this.scaleMode = 'cycle';
    } else if (this.mode === 'triangular2') {
      this.scale = (x) => 1 / 2 ** (x - 1);
      this.scaleMode = 'cycle';
    } else {
      const gamma = this.gamma;
      this.scale = (x) => gamma ** x;
      this.scaleMode = 'iterations';
    }
    this.cycleMomentum = options.cycleMomentum ?? true;
    if (typeof this.cycleMomentum !== 'boolean') throw new ValueError(op, `cycleMomentum must be a boolean, got ${String(this.cycleMomentum)}`);
    this.baseMomenta = perGroup(op, 'baseMomentum', options.baseMomentum, n, 0.8);
    this.maxMomenta = perGroup(op, 'maxMomentum', options.maxMomentum, n, 0.9);
    if (this.cycleMomentum) checkMomentumGroups(op, optimizer);
    this.baseLrs = baseLrs;
    // PyTorch starts the groups at baseLr and records it as their initial rate.
    startAt(optimizer, baseLrs, () => this.start());
  }

  /** The triangle's scale (0 at `baseLr`, 1 at `maxLr`) times the amplitude factor at `epoch`. */
  private height(epoch: number): number {
    const total = this.stepSizeUp + this.stepSizeDown;
    const ratio = this.stepSizeUp / total;
    const cycle = Math.floor(1 + epoch / total);
    const x = 1 + epoch / total - cycle;
    const scale = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
    return scale * this.scale(this.scaleMode === 'cycle' ? cycle : epoch);
  }

  /** `baseLr + (maxLr − baseLr) · scale · f` at `epoch`. */
  lrAt(epoch: number, baseLr: number, group: number): number {
    return baseLr + (this.maxLrs[group]! - baseLr) * this.height(epoch);
  }

  /** Cycles the momentum against the rate. */
  protected override afterSet(): void {
    if (!this.cycleMomentum) return;
    const h = this.height(this.lastEpoch);
    this.optimizer.paramGroups.forEach((_, i) => {
      setMomentum(this.optimizer, i, this.maxMomenta[i]! - (this.maxMomenta[i]! - this.baseMomenta[i]!) * h);
    });
  }
}
