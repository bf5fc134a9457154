/**
 * The learning-rate scheduler base: schedules as closed forms of the step count.
 *
 * @module
 */
import { ValueError } from '@profundo/core';

/**
 * What a scheduler drives: any optimizer, through its parameter groups' `lr`. Every
 * {@link Optimizer} of this package fits; so does any object with such groups.
 *
 * @example
 * ```ts
 * const target: SchedulerTarget = { paramGroups: [{ lr: 1 }] }; // not an optimizer of this package
 * const sched = new StepLR(target, { stepSize: 1, gamma: 0.5 });
 * sched.step();
 * target.paramGroups[0]!.lr; // 0.5
 * ```
 */
export interface SchedulerTarget {
  /** The groups whose `lr` the scheduler rewrites; `initialLr` records their starting value. */
  readonly paramGroups: readonly { lr: number; initialLr?: number }[];
}

/**
 * What {@link LRScheduler.stateDict} returns.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
 * const sched = new ExponentialLR(opt, { gamma: 0.5 });
 * sched.step();
 * const state: LRSchedulerState = sched.stateDict();
 * state; // { lastEpoch: 1, baseLrs: [0.1] }
 * ```
 */
export interface LRSchedulerState {
  /** Steps taken so far (PyTorch's `last_epoch`). */
  lastEpoch: number;
  /** Each group's base learning rate. */
  baseLrs: number[];
}

/**
 * Base class of the learning-rate schedules, PyTorch-style. A schedule is a closed form
 * {@link LRScheduler.lrAt} of the step count and each group's base learning rate; the
 * scheduler sets every group's `lr` to it at construction (count 0) and at each
 * {@link LRScheduler.step}. Call `step()` after `optimizer.step()`, once per epoch or per
 * batch as the schedule is meant.
 *
 * The base learning rate of a group is its `lr` when the first scheduler was attached
 * (saved as the group's `initialLr`), so several schedules on one optimizer (see
 * {@link SequentialLR} and {@link ChainedScheduler}) share it. Closed forms make the
 * values exact rather than accumulated products, so they may differ from PyTorch's
 * recursive updates in the last bits.
 *
 * @example
 * ```ts
 * const model = new nn.Linear(4, 2);
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 90; epoch++) {
 *   // ... one epoch of training: opt.zeroGrad(), backward, opt.step() per batch ...
 *   sched.step();
 * }
 * opt.paramGroups[0]!.lr; // 0.0001
 * ```
 */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: SchedulerTarget;
  /** Each group's base learning rate. */
  baseLrs: number[];
  /** Steps taken so far (0 right after construction; PyTorch's `last_epoch`). */
  lastEpoch = 0;
  private lastLr: number[] = [];

  /** @param optimizer the optimizer to drive. */
  constructor(optimizer: SchedulerTarget) {
    if (optimizer === null || typeof optimizer !== 'object' || !Array.isArray(optimizer.paramGroups)) {
      throw new ValueError(this.constructor.name, `needs an optimizer, got ${optimizer === null ? 'null' : typeof optimizer}`);
    }
    if (optimizer.paramGroups.length === 0) throw new ValueError(this.constructor.name, 'the optimizer has no parameter groups');
    this.optimizer = optimizer;
    // The groups record their starting rate (initialLr) only in start(), once the subclass has
    // checked its options: a scheduler that fails to build leaves the optimizer untouched.
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr ?? g.lr);
  }

  /**
   * The learning rate this schedule gives a group with base rate `baseLr` after `epoch`
   * steps (the closed form). Composite schedulers call it; it changes nothing.
   *
   * @param epoch steps taken (>= 0).
   * @param baseLr the group's base learning rate.
   * @param group the group's index (for per-group schedules such as {@link LambdaLR}).
   */
  abstract lrAt(epoch: number, baseLr: number, group: number): number;

  /** Sets the learning rates for the current count; subclasses call it at the end of their constructor. */
  protected start(): void {
    const lrs = this.ratesAt(this.constructor.name, this.lastEpoch, this.baseLrs);
    for (const g of this.optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    this.set(lrs);
  }

  /** Advances the schedule by one step and sets every group's `lr`. */
  step(): void {
    // Checked before the count moves: a schedule that gives a negative or NaN rate (or throws)
    // leaves the scheduler and the groups' lr as they were.
    const lrs = this.ratesAt(`${this.constructor.name}.step`, this.lastEpoch + 1, this.baseLrs);
    this.lastEpoch++;
    this.set(lrs);
  }

  /** The learning rate of each group as this scheduler last set it. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's state, to resume it with {@link LRScheduler.loadStateDict}. */
  stateDict(): LRSchedulerState {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  /**
   * Restores what {@link LRScheduler.stateDict} returned and sets the groups' `lr` accordingly.
   * Atomic: `lastEpoch` (an integer >= 0), the base rates (finite, >= 0) and the rates they
   * give are all checked before anything changes.
   *
   * @example
   * ```ts
   * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
   * const sched = new StepLR(opt, { stepSize: 10, gamma: 0.5 });
   * for (let epoch = 0; epoch < 10; epoch++) sched.step();
   * const saved = sched.stateDict();
   * // ... later, with the optimizer restored too:
   * const resumed = new StepLR(opt, { stepSize: 10, gamma: 0.5 });
   * resumed.loadStateDict(saved);
   * resumed.getLastLr(); // [0.05]
   * ```
   */
  loadStateDict(state: LRSchedulerState): void {
    const op = `${this.constructor.name}.loadStateDict`;
    if (state === null || typeof state !== 'object' || !Array.isArray(state.baseLrs)) {
      throw new ValueError(op, `needs { lastEpoch, baseLrs } as stateDict() returns, got ${state === null ? 'null' : typeof state !== 'object' ? typeof state : 'an object without baseLrs'}`);
    }
    if (state.baseLrs.length !== this.optimizer.paramGroups.length) {
      throw new ValueError(op, `expected ${this.optimizer.paramGroups.length} base lrs, got ${state.baseLrs.length}`);
    }
    checkInteger(op, 'lastEpoch', state.lastEpoch, 0);
    state.baseLrs.forEach((lr, i) => checkNonNegative(op, `baseLrs[${i}]`, lr));
    const baseLrs = [...state.baseLrs];
    const lrs = this.ratesAt(op, state.lastEpoch, baseLrs);
    this.lastEpoch = state.lastEpoch;
    this.baseLrs = baseLrs;
    this.set(lrs);
  }

  /** Each group's rate at `epoch` from `baseLrs`; throws unless every one is a number >= 0. */
  private ratesAt(op: string, epoch: number, baseLrs: readonly number[]): number[] {
    return baseLrs.map((base, i) => {
      const lr = this.lrAt(epoch, base, i);
      if (!(lr >= 0)) throw new ValueError(op, `the schedule gives group ${i} the learning rate ${lr} at epoch ${epoch}; it must be >= 0`);
      return lr;
    });
  }

  private set(lrs: number[]): void {
    this.lastLr = lrs;
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i]!;
    });
    this.afterSet();
  }

  /**
   * Called each time the rates were set (at construction, each step, on loading state), with
   * `lastEpoch` already current: schedules that drive more than the rate (the momentum of
   * {@link CyclicLR} and {@link OneCycleLR}) set it here.
   */
  protected afterSet(): void {}
}

/** @internal Throws unless `value` is an integer >= `min`. */
export function checkInteger(op: string, name: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) throw new ValueError(op, `${name} must be an integer >= ${min}, got ${value}`);
}

/** @internal Throws unless `value` is a finite number >= 0. */
export function checkNonNegative(op: string, name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) throw new ValueError(op, `${name} must be a finite number >= 0, got ${value}`);
}
