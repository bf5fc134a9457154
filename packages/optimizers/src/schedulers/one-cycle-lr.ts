/**
 * The 1cycle learning-rate policy (Smith & Topin, 2018).
 *
 * @module
 */
import { ValueError } from '@profundo/core';
import { checkInteger, LRScheduler, type SchedulerTarget } from './lr-scheduler.js';
import { checkMomentumGroups, perGroup, setMomentum, startAt } from './momentum.js';

/** Options of {@link OneCycleLR} (PyTorch's names and defaults). */
export interface OneCycleLROptions {
  /** The peak rate: one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Steps in the whole cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  /** Epochs of training (with `stepsPerEpoch`, when `totalSteps` is not given). */
  epochs?: number;
  /** Steps per epoch (with `epochs`). */
  stepsPerEpoch?: number;
  /** The fraction of the cycle spent raising the rate (default 0.3). */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'` annealing within each phase. */
  annealStrategy?: 'cos' | 'linear';
  /** Whether the momentum (or Adam's `betas[0]`) moves inversely to the rate (default true). */
  cycleMomentum?: boolean;
  /** The momentum at the peak rate (default 0.85). */
  baseMomentum?: number | readonly number[];
  /** The momentum at the start and end (default 0.95). */
  maxMomentum?: number | readonly number[];
  /** The initial rate is `maxLr / divFactor` (default 25). */
  divFactor?: number;
  /** The final rate is the initial rate `/ finalDivFactor` (default 1e4). */
  finalDivFactor?: number;
  /**
   * Three phases (up, back down to the initial rate, then down to the final rate) instead of
   * two (up, then down to the final rate), as fast.ai's schedule (default false).
   */
  threePhase?: boolean;
}

interface Phase {
  readonly end: number;
  readonly lr: readonly ['initial' | 'max' | 'min', 'initial' | 'max' | 'min'];
  readonly momentum: readonly ['max' | 'base', 'max' | 'base'];
}

/**
 * The 1cycle policy (PyTorch's `OneCycleLR`): the rate rises from `maxLr / divFactor` to
 * `maxLr` over the first `pctStart` of `totalSteps`, then anneals to
 * `maxLr / divFactor / finalDivFactor` (with `threePhase`, back to the initial rate first);
 * within a phase from step `s0` to `s1` the rate moves from `a` to `b` by
 * `b + (a − b)(1 + cos(π·p)) / 2` (or `a + (b − a)·p` when linear), `p = (t − s0) / (s1 − s0)`,
 * with PyTorch's phase ends (`pctStart·totalSteps − 1`, …, `totalSteps − 1`). The momentum
 * (default on) moves the other way between `maxMomentum` and `baseMomentum`. Step it once per
 * batch; stepping more than `totalSteps` times is an error, as in PyTorch.
 *
 * @example
 * ```ts
 * const opt = new SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1, momentum: 0.9 });
 * const sched = new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, annealStrategy: 'linear' });
 * opt.paramGroups[0]!.lr;        // 0.04 (maxLr / 25)
 * opt.paramGroups[0]!.momentum;  // 0.95
 * sched.step(); sched.step();
 * opt.paramGroups[0]!.lr;        // 1 (the peak at step 0.3 · 10 − 1 = 2)
 * opt.paramGroups[0]!.momentum;  // 0.85
 * ```
 */
export class OneCycleLR extends LRScheduler {
  /** Steps in the cycle. */
  readonly totalSteps: number;
  /** Each group's peak rate. */
  readonly maxLrs: readonly number[];
  /** The fraction of the cycle spent rising. */
  readonly pctStart: number;
  /** The annealing within phases. */
  readonly annealStrategy: 'cos' | 'linear';
  /** Whether the momentum cycles too. */
  readonly cycleMomentum: boolean;
  /** Initial rate = maxLr / divFactor. */
  readonly divFactor: number;
  /** Final rate = initial rate / finalDivFactor. */
  readonly finalDivFactor: number;
  /** Whether the cycle has three phases. */
  readonly threePhase: boolean;
  private readonly baseMomenta: readonly number[];
  private readonly maxMomenta: readonly number[];
  private readonly phases: readonly Phase[];

  /** @param optimizer the optimizer to drive; @param options the cycle. */
  constructor(optimizer: SchedulerTarget, options: OneCycleLROptions) {
    super(optimizer);
    const op = 'OneCycleLR';
    if (options === null || typeof options !== 'object') throw new ValueError(op, `needs options { maxLr, totalSteps, … }, got ${String(options)}`);
    const n = optimizer.paramGroups.length;
    if (options.totalSteps !== undefined) {
      checkInteger(op, 'totalSteps', options.totalSteps, 1);
      this.totalSteps = options.totalSteps;
    } else if (options.epochs !== undefined && options.stepsPerEpoch !== undefined) {
      checkInteger(op, 'epochs', options.epochs, 1);
      checkInteger(op, 'stepsPerEpoch', options.stepsPerEpoch, 1);
      this.totalSteps = options.epochs * options.stepsPerEpoch;
    } else {
      throw new ValueError(op, 'needs totalSteps, or epochs and stepsPerEpoch');
    }
    this.maxLrs = perGroup(op, 'maxLr', options.maxLr, n);
    this.pctStart = options.pctStart ?? 0.3;
    if (!(typeof this.pctStart === 'number' && this.pctStart >= 0 && this.pctStart <= 1)) {
      throw new ValueError(op, `pctStart must lie in [0, 1], got ${String(this.pctStart)}`);
    }
    this.annealStrategy = options.annealStrategy ?? 'cos';
    if (this.annealStrategy !== 'cos' && this.annealStrategy !== 'linear') {
      throw new ValueError(op, `annealStrategy must be 'cos' or 'linear', got '${String(this.annealStrategy)}'`);
    }
    this.divFactor = options.divFactor ?? 25;
    this.finalDivFactor = options.finalDivFactor ?? 1e4;
    for (const [name, v] of [['divFactor', this.divFactor], ['finalDivFactor', this.finalDivFactor]] as const) {
      if (!(Number.isFinite(v) && v > 0)) throw new ValueError(op, `${name} must be a finite number > 0, got ${v}`);
    }
    this.threePhase = options.threePhase ?? false;
    if (typeof this.threePhase !== 'boolean') throw new ValueError(op, `threePhase must be a boolean, got ${String(this.threePhase)}`);
    this.cycleMomentum = options.cycleMomentum ?? true;
    if (typeof this.cycleMomentum !== 'boolean') throw new ValueError(op, `cycleMomentum must be a boolean, got ${String(this.cycleMomentum)}`);
    this.baseMomenta = perGroup(op, 'baseMomentum', options.baseMomentum, n, 0.85);
    this.maxMomenta = perGroup(op, 'maxMomentum', options.maxMomentum, n, 0.95);
    if (this.cycleMomentum) checkMomentumGroups(op, optimizer);
    const t = this.totalSteps;
    const up = this.pctStart * t - 1;
    this.phases = this.threePhase
      ? [
          { end: up, lr: ['initial', 'max'], momentum: ['max', 'base'] },
          { end: 2 * this.pctStart * t - 2, lr: ['max', 'initial'], momentum: ['base', 'max'] },
          { end: t - 1, lr: ['initial', 'min'], momentum: ['max', 'max'] },
        ]
      : [
          { end: up, lr: ['initial', 'max'], momentum: ['max', 'base'] },
          { end: t - 1, lr: ['max', 'min'], momentum: ['base', 'max'] },
        ];
    const initial = this.maxLrs.map((m) => m / this.divFactor);
    this.baseLrs = initial;
    startAt(optimizer, initial, () => this.start());
  }

  /** The phase of `epoch` and the fraction `p` of it done (PyTorch's loop over phases). */
  private phaseAt(epoch: number): [Phase, number] {
    if (epoch > this.totalSteps) {
      throw new ValueError('OneCycleLR.step', `tried to step ${epoch} times; the schedule has totalSteps ${this.totalSteps}`);
    }
    let start = 0;
    for (let i = 0; i < this.phases.length; i++) {
      const ph = this.phases[i]!;
      if (epoch <= ph.end || i === this.phases.length - 1) return [ph, (epoch - start) / (ph.end - start)];
      start = ph.end;
    }
    throw new Error('unreachable');
  }

  private anneal(a: number, b: number, p: number): number {
    return this.annealStrategy === 'cos' ? b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1) : (b - a) * p + a;
  }

  /** The rate at `epoch`, with `baseLr` as the initial rate (`maxLr / divFactor`). */
  lrAt(epoch: number, baseLr: number, group: number): number {
    const [ph, p] = this.phaseAt(epoch);
    const value = { initial: baseLr, max: this.maxLrs[group]!, min: baseLr / this.finalDivFactor };
    return this.anneal(value[ph.lr[0]], value[ph.lr[1]], p);
  }

  /** Moves the momentum against the rate. */
  protected override afterSet(): void {
    if (!this.cycleMomentum) return;
    const [ph, p] = this.phaseAt(this.lastEpoch);
    this.optimizer.paramGroups.forEach((_, i) => {
      const value = { base: this.baseMomenta[i]!, max: this.maxMomenta[i]! };
      setMomentum(this.optimizer, i, this.anneal(value[ph.momentum[0]], value[ph.momentum[1]], p));
    });
  }
}
