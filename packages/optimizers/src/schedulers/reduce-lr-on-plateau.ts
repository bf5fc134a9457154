/**
 * Learning-rate reduction when a metric stops improving.
 *
 * @module
 */
import { ValueError } from '@profundo/core';
import { checkInteger, type SchedulerTarget } from './lr-scheduler.js';

/** Options of {@link ReduceLROnPlateau} (PyTorch's names, camelCased; PyTorch's defaults). */
export interface ReduceLROnPlateauOptions {
  /** `'min'`: the metric should fall (a loss); `'max'`: it should rise (an accuracy). Default `'min'`. */
  mode?: 'min' | 'max';
  /** Factor the learning rate is multiplied by at a reduction (< 1; default 0.1). */
  factor?: number;
  /** Steps without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Least change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** `'rel'`: relative to the best value; `'abs'`: absolute. Default `'rel'`. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting bad steps again (default 0). */
  cooldown?: number;
  /** Lower bound of the learning rate, one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** A reduction smaller than this is skipped (default 1e-8). */
  eps?: number;
}

/**
 * What {@link ReduceLROnPlateau.stateDict} returns.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
 * const sched = new ReduceLROnPlateau(opt, { patience: 5 });
 * for (const loss of [0.8, 0.5, 0.6]) sched.step(loss);
 * const state: ReduceLROnPlateauState = sched.stateDict();
 * state; // { lastEpoch: 3, best: 0.5, numBadEpochs: 1, cooldownCounter: 0 }
 * ```
 */
export interface ReduceLROnPlateauState {
  /** Calls to `step` so far. */
  lastEpoch: number;
  /** Best metric value seen. */
  best: number;
  /** Consecutive steps without improvement. */
  numBadEpochs: number;
  /** Steps of cooldown left. */
  cooldownCounter: number;
}

/**
 * Multiplies every group's learning rate by `factor` once the metric passed to
 * {@link ReduceLROnPlateau.step} has not improved for more than `patience` steps, as
 * PyTorch's `ReduceLROnPlateau`:
 *
 * ```
 * better(a)  ⇔  a < best·(1 − threshold)   (min, rel)     a < best − threshold   (min, abs)
 *               a > best·(1 + threshold)   (max, rel)     a > best + threshold   (max, abs)
 * on step(a): if better(a) then best ← a, bad ← 0 else bad ← bad + 1
 *             in cooldown: cooldown ← cooldown − 1, bad ← 0
 *             if bad > patience: lr ← max(lr · factor, minLr) (skipped if the change ≤ eps),
 *                                cooldown ← cooldown option, bad ← 0
 * ```
 *
 * The metric is a number: read it from the device yourself (`await loss.data()`), typically
 * once per epoch on a validation set.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
 * const sched = new ReduceLROnPlateau(opt, { mode: 'min', factor: 0.5, patience: 3 });
 * for (const validationLoss of [1.0, 0.9, 0.9, 0.9, 0.9, 0.9]) {
 *   // ... one epoch of training, then the validation loss: await loss.data() ...
 *   sched.step(validationLoss);
 * }
 * sched.getLastLr(); // [0.05] (no improvement for more than 3 epochs)
 * ```
 */
export class ReduceLROnPlateau {
  /** The optimizer whose groups' `lr` this scheduler lowers. */
  readonly optimizer: SchedulerTarget;
  /** Whether the metric should fall (`'min'`) or rise (`'max'`). */
  readonly mode: 'min' | 'max';
  /** Reduction factor. */
  readonly factor: number;
  /** Bad steps tolerated. */
  readonly patience: number;
  /** Least improvement. */
  readonly threshold: number;
  /** Relative or absolute threshold. */
  readonly thresholdMode: 'rel' | 'abs';
  /** Cooldown after a reduction. */
  readonly cooldown: number;
  /** Per-group lower bounds. */
  readonly minLrs: readonly number[];
  /** Smallest reduction applied. */
  readonly eps: number;
  /** Calls to `step` so far. */
  lastEpoch = 0;
  /** Best metric value so far (±Infinity before the first step). */
  best: number;
  /** Consecutive steps without improvement. */
  numBadEpochs = 0;
  /** Steps of cooldown left. */
  cooldownCounter = 0;
  private lastLr: number[];

  /** @param optimizer the optimizer to drive; @param options see {@link ReduceLROnPlateauOptions}. */
  constructor(optimizer: SchedulerTarget, options: ReduceLROnPlateauOptions = {}) {
    const op = 'ReduceLROnPlateau';
    this.optimizer = optimizer;
    this.mode = options.mode ?? 'min';
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.cooldown = options.cooldown ?? 0;
    this.eps = options.eps ?? 1e-8;
    if (this.mode !== 'min' && this.mode !== 'max') throw new ValueError(op, `mode must be 'min' or 'max', got '${String(this.mode)}'`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') {
      throw new ValueError(op, `thresholdMode must be 'rel' or 'abs', got '${String(this.thresholdMode)}'`);
    }
    if (!(this.factor >= 0 && this.factor < 1)) throw new ValueError(op, `factor must be in [0, 1), got ${this.factor}`);
    if (!(Number.isInteger(this.patience) && this.patience >= 0)) throw new ValueError(op, `patience must be an integer >= 0, got ${this.patience}`);
    if (!(Number.isInteger(this.cooldown) && this.cooldown >= 0)) throw new ValueError(op, `cooldown must be an integer >= 0, got ${this.cooldown}`);
    if (!(this.threshold >= 0)) throw new ValueError(op, `threshold must be >= 0, got ${this.threshold}`);
    if (!(this.eps >= 0)) throw new ValueError(op, `eps must be >= 0, got ${this.eps}`);
    const n = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (typeof minLr === 'number') this.minLrs = Array.from({ length: n }, () => minLr);
    else if (minLr.length === n) this.minLrs = [...minLr];
    else throw new ValueError(op, `expected ${n} minLr values (one per group), got ${minLr.length}`);
    for (const m of this.minLrs) if (!(m >= 0)) throw new ValueError(op, `minLr must be >= 0, got ${m}`);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * Records this step's metric and reduces the learning rates if it has plateaued.
   *
   * @param metric the monitored value (a number; NaN never counts as an improvement).
   */
  step(metric: number): void {
    if (typeof metric !== 'number') {
      const got = metric !== null && typeof metric === 'object' ? `a ${(metric as object).constructor?.name ?? 'object'} (read it with await t.data() or t.item() first)` : typeof metric;
      throw new ValueError('ReduceLROnPlateau.step', `metric must be a number, got ${got}`);
    }
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]!);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rate of each group after the last step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's counters, to resume it with {@link ReduceLROnPlateau.loadStateDict}. */
  stateDict(): ReduceLROnPlateauState {
    return { lastEpoch: this.lastEpoch, best: this.best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter };
  }

  /**
   * Restores what {@link ReduceLROnPlateau.stateDict} returned (the rates come from the
   * optimizer's own state dict). Atomic: the counters (integers >= 0) and `best` (a number, not
   * NaN) are checked before anything changes.
   *
   * @example
   * ```ts
   * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
   * const sched = new ReduceLROnPlateau(opt, { patience: 2 });
   * sched.step(1.0);
   * const saved = sched.stateDict();
   * // ... later, with the optimizer restored too:
   * const resumed = new ReduceLROnPlateau(opt, { patience: 2 });
   * resumed.loadStateDict(saved);
   * resumed.stateDict().best; // 1
   * ```
   */
  loadStateDict(state: ReduceLROnPlateauState): void {
    const op = 'ReduceLROnPlateau.loadStateDict';
    if (state === null || typeof state !== 'object') throw new ValueError(op, `needs the object stateDict() returns, got ${state === null ? 'null' : typeof state}`);
    for (const name of ['lastEpoch', 'numBadEpochs', 'cooldownCounter'] as const) checkInteger(op, name, state[name], 0);
    if (typeof state.best !== 'number' || Number.isNaN(state.best)) throw new ValueError(op, `best must be a number, got ${state.best}`);
    this.lastEpoch = state.lastEpoch;
    this.best = state.best;
    this.numBadEpochs = state.numBadEpochs;
    this.cooldownCounter = state.cooldownCounter;
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }
}
