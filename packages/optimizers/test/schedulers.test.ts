/**
 * Learning-rate schedules: their sequences against values worked out by hand or from the
 * closed forms, composition, several groups, checkpoints, and use with every optimizer.
 */
import { tensor, type Tensor } from '@profundo/core';
import { describe, expect, it } from 'vitest';
import {
  Adadelta,
  Adagrad,
  Adam,
  AdamW,
  ChainedScheduler,
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  MultiStepLR,
  ReduceLROnPlateau,
  RMSprop,
  SequentialLR,
  SGD,
  StepLR,
  type BaseOptions,
  type LRScheduler,
  type Optimizer,
} from '../src/index.js';
import { BACKENDS, param, quadratic, trainStep, useBackend, useCpu } from './helpers.js';

useCpu();

const sgd = (lr = 0.1): SGD => new SGD([tensor([1, 2], { requiresGrad: true })], { lr });

/** The lr at counts 0..n−1: the value at construction, then after each `step()`. */
function sequence(s: LRScheduler, n: number, group = 0): number[] {
  const out = [s.optimizer.paramGroups[group]!.lr];
  for (let k = 1; k < n; k++) {
    s.step();
    out.push(s.optimizer.paramGroups[group]!.lr);
  }
  return out;
}

function expectSeq(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(a, `count ${i}`).toBeCloseTo(expected[i]!, 14));
}

describe('StepLR', () => {
  it('multiplies by gamma every stepSize steps', () => {
    const s = new StepLR(sgd(0.1), { stepSize: 3, gamma: 0.5 });
    expectSeq(sequence(s, 10), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125]);
    expect(s.getLastLr()).toEqual([0.0125]);
  });
});

describe('MultiStepLR', () => {
  it('multiplies by gamma at each milestone, twice at a repeated one', () => {
    const s = new MultiStepLR(sgd(1), { milestones: [6, 2, 4, 4], gamma: 0.1 });
    expectSeq(sequence(s, 8), [1, 1, 0.1, 0.1, 0.001, 0.001, 0.0001, 0.0001]);
  });
});

describe('ExponentialLR', () => {
  it('multiplies by gamma every step', () => {
    const s = new ExponentialLR(sgd(2), { gamma: 0.9 });
    expectSeq(sequence(s, 5), [2, 1.8, 1.62, 1.458, 1.3122]);
  });
});

describe('CosineAnnealingLR', () => {
  it('follows the half cosine from the base rate to etaMin', () => {
    const s = new CosineAnnealingLR(sgd(0.5), { tMax: 6, etaMin: 0.1 });
    // 0.1 + 0.4·(1 + cos(πt/6))/2 at t = 0..6: cos = 1, √3/2, 1/2, 0, −1/2, −√3/2, −1
    const h = Math.sqrt(3) / 2;
    expectSeq(sequence(s, 7), [0.5, 0.1 + 0.2 * (1 + h), 0.4, 0.3, 0.2, 0.1 + 0.2 * (1 - h), 0.1]);
  });

  it('rises again past tMax, as PyTorch', () => {
    const s = new CosineAnnealingLR(sgd(1), { tMax: 2 });
    expectSeq(sequence(s, 5), [1, 0.5, 0, 0.5, 1]);
  });
});

describe('LinearLR', () => {
  it('ramps the factor linearly, then holds it (linear warmup)', () => {
    const s = new LinearLR(sgd(0.2), { startFactor: 0.25, totalIters: 4 });
    expectSeq(sequence(s, 7), [0.05, 0.0875, 0.125, 0.1625, 0.2, 0.2, 0.2]);
  });

  it('has PyTorch defaults: 1/3 to 1 over 5 steps', () => {
    const s = new LinearLR(sgd(0.3));
    expectSeq(sequence(s, 7), [0.1, 0.14, 0.18, 0.22, 0.26, 0.3, 0.3]);
  });

  it('decays linearly with endFactor < startFactor', () => {
    const s = new LinearLR(sgd(1), { startFactor: 1, endFactor: 0, totalIters: 4 });
    expectSeq(sequence(s, 6), [1, 0.75, 0.5, 0.25, 0, 0]);
  });
});

describe('LambdaLR', () => {
  it('applies one function per group to each group\'s own base rate', () => {
    const opt = new SGD([{ params: [param([1])] }, { params: [param([2])], lr: 1 }], { lr: 0.1 });
    const s = new LambdaLR(opt, [(t) => 1 / (t + 1), (t) => 0.5 ** t]);
    s.step();
    s.step();
    expect(s.getLastLr()[0]).toBeCloseTo(0.1 / 3, 15);
    expect(s.getLastLr()[1]).toBeCloseTo(0.25, 15);
  });
});

describe('SequentialLR', () => {
  it('warms up, then hands over to cosine annealing counted from the milestone', () => {
    const opt = sgd(1);
    const s = new SequentialLR(opt, [new LinearLR(opt, { startFactor: 0.25, totalIters: 3 }), new CosineAnnealingLR(opt, { tMax: 4 })], [3]);
    const c = (t: number): number => (1 + Math.cos((Math.PI * t) / 4)) / 2;
    expectSeq(sequence(s, 8), [0.25, 0.5, 0.75, c(0), c(1), c(2), c(3), c(4)]);
  });

  it('chains three schedules', () => {
    const opt = sgd(1);
    const s = new SequentialLR(
      opt,
      [new LinearLR(opt, { startFactor: 0.5, totalIters: 2 }), new ExponentialLR(opt, { gamma: 0.5 }), new StepLR(opt, { stepSize: 10, gamma: 0.1 })],
      [2, 4],
    );
    expectSeq(sequence(s, 6), [0.5, 0.75, 1, 0.5, 1, 1]);
  });

  it('rejects bad milestones and a scheduler of another optimizer', () => {
    const opt = sgd();
    const a = new StepLR(opt, { stepSize: 1 });
    const b = new StepLR(opt, { stepSize: 1 });
    expect(() => new SequentialLR(opt, [a, b], [])).toThrow(/milestones/);
    expect(() => new SequentialLR(opt, [a, b], [0])).toThrow(/milestones/);
    expect(() => new SequentialLR(opt, [a, new StepLR(sgd(), { stepSize: 1 })], [2])).toThrow(/same optimizer/);
  });
});

describe('ChainedScheduler', () => {
  it('multiplies the factors of the schedules it chains', () => {
    const opt = sgd(1);
    const s = new ChainedScheduler([new LinearLR(opt, { startFactor: 0.5, totalIters: 2 }), new ExponentialLR(opt, { gamma: 0.9 })]);
    expectSeq(sequence(s, 5), [0.5, 0.75 * 0.9, 0.81, 0.729, 0.6561]);
  });
});

describe('schedules and the optimizer', () => {
  it('share one base rate (the group\'s initialLr) however many are attached', () => {
    const opt = sgd(0.4);
    new StepLR(opt, { stepSize: 1, gamma: 0.5 }); // sets lr to 0.4 now and records initialLr
    opt.paramGroups[0]!.lr = 123; // what a previous schedule may have left
    const s = new ExponentialLR(opt, { gamma: 0.5 });
    expect(opt.paramGroups[0]!.initialLr).toBe(0.4);
    expect(s.baseLrs).toEqual([0.4]);
    expect(s.getLastLr()).toEqual([0.4]);
  });

  it('schedule every group from its own base rate', () => {
    const opt = new SGD([{ params: [param([1])] }, { params: [param([2])], lr: 0.01 }], { lr: 1 });
    const s = new StepLR(opt, { stepSize: 2, gamma: 0.1 });
    s.step();
    s.step();
    expect(s.getLastLr()[0]).toBeCloseTo(0.1, 15);
    expect(s.getLastLr()[1]).toBeCloseTo(0.001, 15);
  });

  it('resume from a state dict', () => {
    const a = new CosineAnnealingLR(sgd(1), { tMax: 10 });
    for (let k = 0; k < 4; k++) a.step();
    const b = new CosineAnnealingLR(sgd(1), { tMax: 10 });
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    expect(b.getLastLr()).toEqual(a.getLastLr());
    a.step();
    b.step();
    expect(b.getLastLr()).toEqual(a.getLastLr());
    expect(b.optimizer.paramGroups[0]!.lr).toBe(a.optimizer.paramGroups[0]!.lr);
  });

  // The tests above only set lrs on the host; these take optimizer steps, so they run on
  // every backend.
  describe.each(BACKENDS)('on $name', (backend) => {
    useBackend(backend);

    it('steers SGD: θ moves by lr_t · ∇ with the scheduled lr_t', () => {
      const w = param([1, -2]);
      const opt = new SGD([w], { lr: 0.1 });
      const s = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
      let expected = [1, -2];
      for (let k = 0; k < 6; k++) {
        const lr = 0.1 * 0.5 ** Math.floor(k / 2);
        expected = expected.map((x) => x - lr * 2 * x); // ∇‖w‖² = 2w
        trainStep(opt, () => w.square().sum());
        s.step();
      }
      Array.from(w.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    });

    const makers: [string, (p: Tensor[]) => Optimizer<BaseOptions>][] = [
      ['SGD', (p) => new SGD(p, { lr: 0.05, momentum: 0.9 })],
      ['Adagrad', (p) => new Adagrad(p, { lr: 0.5 })],
      ['Adadelta', (p) => new Adadelta(p, { lr: 1 })],
      ['RMSprop', (p) => new RMSprop(p, { lr: 0.01 })],
      ['Adam', (p) => new Adam(p, { lr: 0.05 })],
      ['AdamW', (p) => new AdamW(p, { lr: 0.05 })],
    ];
    it.each(makers)('compose with %s: a scheduler is the same as setting the group lr by hand', (_n, make) => {
      const w1 = param(quadratic.theta0);
      const w2 = param(quadratic.theta0);
      const scheduled = make([w1]);
      const manual = make([w2]);
      const sched = new SequentialLR(scheduled, [new LinearLR(scheduled, { startFactor: 0.2, totalIters: 3 }), new ExponentialLR(scheduled, { gamma: 0.8 })], [3]);
      const base = manual.paramGroups[0]!.lr;
      for (let k = 0; k < 8; k++) {
        manual.paramGroups[0]!.lr = k < 3 ? base * (0.2 + (0.8 * k) / 3) : base * 0.8 ** (k - 3);
        trainStep(scheduled, () => quadratic.loss(w1));
        trainStep(manual, () => quadratic.loss(w2));
        sched.step();
      }
      expect(Array.from(w1.dataSync())).toEqual(Array.from(w2.dataSync()));
      expect(Array.from(w1.dataSync())).not.toEqual(quadratic.theta0.map(Math.fround));
    });
  });
});

describe('ReduceLROnPlateau', () => {
  it('reduces after more than `patience` steps without improvement', () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, { factor: 0.5, patience: 2 });
    const metrics = [10, 9, 9, 9, 9, 8, 8, 8, 8, 8];
    // bad counts:   0  0  1  2  3→cut 0  1  2  3→cut 1
    const lrs = metrics.map((m) => (s.step(m), opt.paramGroups[0]!.lr));
    expect(lrs).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]);
  });

  it('counts an improvement only beyond the relative threshold', () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, { factor: 0.1, patience: 0, threshold: 0.1 });
    s.step(100); // best 100
    s.step(95); // not below 90: bad → cut
    expect(opt.paramGroups[0]!.lr).toBeCloseTo(0.1, 15);
    s.step(89); // below 90: improvement
    expect(opt.paramGroups[0]!.lr).toBeCloseTo(0.1, 15);
    expect(s.best).toBe(89);
  });

  it('supports mode max with an absolute threshold, cooldown and minLr', () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, { mode: 'max', thresholdMode: 'abs', threshold: 0.01, factor: 0.1, patience: 0, cooldown: 2, minLr: 0.005 });
    const lrs = [0.5, 0.505, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6].map((m) => (s.step(m), opt.paramGroups[0]!.lr));
    // 0.5 best; 0.505 not > 0.51: cut to 0.1, cooldown 2; two cooldown steps; cut to 0.01; …
    expect(lrs[0]).toBe(1);
    expect(lrs[1]).toBeCloseTo(0.1, 15);
    expect(lrs[2]).toBeCloseTo(0.1, 15); // improvement (0.6), cooldown 1 left
    expect(lrs[3]).toBeCloseTo(0.1, 15); // bad but in cooldown (0 left)
    expect(lrs[4]).toBeCloseTo(0.01, 15); // bad → cut
    expect(lrs[5]).toBeCloseTo(0.01, 15);
    expect(lrs[6]).toBeCloseTo(0.01, 15);
    expect(lrs[7]).toBeCloseTo(0.005, 15); // floored at minLr
    expect(lrs[8]).toBeCloseTo(0.005, 15);
  });

  it('resumes from a state dict', () => {
    const a = new ReduceLROnPlateau(sgd(1), { patience: 1 });
    a.step(5);
    a.step(6);
    const b = new ReduceLROnPlateau(sgd(1), { patience: 1 });
    b.loadStateDict(a.stateDict());
    a.step(7);
    b.step(7);
    expect(b.getLastLr()).toEqual(a.getLastLr());
    expect(b.getLastLr()[0]).toBeCloseTo(0.1, 15);
  });

  it('rejects bad options', () => {
    expect(() => new ReduceLROnPlateau(sgd(), { factor: 1 })).toThrow(/factor/);
    expect(() => new ReduceLROnPlateau(sgd(), { mode: 'median' as 'min' })).toThrow(/mode/);
    expect(() => new ReduceLROnPlateau(sgd(), { minLr: [0, 0] })).toThrow(/minLr/);
  });
});

describe('scheduler errors', () => {
  it('rejects bad options', () => {
    expect(() => new StepLR(sgd(), { stepSize: 0 })).toThrow(/stepSize/);
    expect(() => new MultiStepLR(sgd(), { milestones: [1.5] })).toThrow(/milestone/);
    expect(() => new CosineAnnealingLR(sgd(), { tMax: 0 })).toThrow(/tMax/);
    expect(() => new LinearLR(sgd(), { totalIters: 0 })).toThrow(/totalIters/);
    expect(() => new ExponentialLR(sgd(), { gamma: -1 })).toThrow(/gamma/);
    expect(() => new LambdaLR(sgd(), [() => 1, () => 1])).toThrow(/one per group/);
  });
});
