/**
 * The schedules added for PyTorch parity (ConstantLR, MultiplicativeLR, PolynomialLR,
 * CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR): their closed forms against PyTorch's
 * recursive `get_lr` updates transcribed here step by step, and against values worked out by
 * hand; momentum cycling on SGD and Adam; composition; several groups; resuming.
 */
import { tensor } from '@profundo/core';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  ConstantLR,
  CosineAnnealingWarmRestarts,
  CyclicLR,
  MultiplicativeLR,
  OneCycleLR,
  PolynomialLR,
  SequentialLR,
  SGD,
  type LRScheduler,
} from '../src/index.js';
import { useCpu } from './helpers.js';

useCpu();

const param = () => tensor([1, 2], { requiresGrad: true });
const sgd = (lr = 0.1, momentum = 0): SGD => new SGD([param()], { lr, momentum });

/** The lr (or another group field) at counts 0..n−1: at construction, then after each step. */
function sequence(s: LRScheduler, n: number, read: (g: Record<string, unknown>) => number = (g) => g['lr'] as number): number[] {
  const g = () => s.optimizer.paramGroups[0] as unknown as Record<string, unknown>;
  const out = [read(g())];
  for (let k = 1; k < n; k++) {
    s.step();
    out.push(read(g()));
  }
  return out;
}

function expectSeq(actual: number[], expected: number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(a, `count ${i}`).toBeCloseTo(expected[i]!, digits));
}

/** PyTorch's recursive get_lr: lr_0 = first(base), lr_t = next(lr_{t−1}, t). */
function recursive(base: number, n: number, first: (b: number) => number, next: (lr: number, t: number) => number): number[] {
  const out = [first(base)];
  for (let t = 1; t < n; t++) out.push(next(out[t - 1]!, t));
  return out;
}

describe('ConstantLR', () => {
  it("matches PyTorch's recursion (factor at 0, unchanged, ÷factor at totalIters)", () => {
    const want = recursive(0.1, 8, (b) => b * 0.25, (lr, t) => (t === 3 ? lr / 0.25 : lr));
    expectSeq(sequence(new ConstantLR(sgd(0.1), { factor: 0.25, totalIters: 3 }), 8), want);
    expectSeq(sequence(new ConstantLR(sgd(0.3)), 7), [0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 0.3]); // defaults 1/3, 5
  });
});

describe('MultiplicativeLR', () => {
  it('multiplies by lrLambda(t) at each step t, one function per group', () => {
    const f = (t: number) => 1 - 0.1 * (t % 3);
    expectSeq(sequence(new MultiplicativeLR(sgd(1), f), 7), recursive(1, 7, (b) => b, (lr, t) => lr * f(t)));
    const opt = new SGD([{ params: [param()] }, { params: [param()], lr: 2 }], { lr: 1 });
    const s = new MultiplicativeLR(opt, [() => 0.5, (t) => t]);
    s.step();
    s.step();
    expect(s.getLastLr()).toEqual([0.25, 4]);
  });

  it('resumes from a state dict to the same product', () => {
    const s = new MultiplicativeLR(sgd(1), (t) => 0.9 + 0.01 * t);
    for (let k = 0; k < 5; k++) s.step();
    const saved = s.stateDict();
    const fresh = new MultiplicativeLR(sgd(1), (t) => 0.9 + 0.01 * t);
    fresh.loadStateDict(saved);
    expect(fresh.getLastLr()[0]).toBeCloseTo(s.getLastLr()[0]!, 15);
  });
});

describe('PolynomialLR', () => {
  it("matches PyTorch's recursive decay factor and reaches 0 at totalIters", () => {
    for (const power of [1, 2, 0.5]) {
      const T = 4;
      const want = recursive(0.2, 7, (b) => b, (lr, t) => (t > T ? lr : lr * ((1 - t / T) / (1 - (t - 1) / T)) ** power));
      expectSeq(sequence(new PolynomialLR(sgd(0.2), { totalIters: T, power }), 7), want);
    }
    expectSeq(sequence(new PolynomialLR(sgd(1)), 7), [1, 0.8, 0.6, 0.4, 0.2, 0, 0]);
  });
});

describe('CosineAnnealingWarmRestarts', () => {
  /** PyTorch's step(): T_cur += 1, restart when it reaches T_i, T_i *= T_mult. */
  function pytorch(base: number, t0: number, tMult: number, etaMin: number, n: number): number[] {
    const out: number[] = [];
    let tCur = 0;
    let tI = t0;
    for (let k = 0; k < n; k++) {
      if (k > 0) {
        tCur += 1;
        if (tCur >= tI) {
          tCur -= tI;
          tI *= tMult;
        }
      }
      out.push(etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2);
    }
    return out;
  }

  it("restarts as PyTorch's step() does, for tMult 1, 2 and 3", () => {
    for (const [t0, tMult] of [[3, 1], [2, 2], [1, 3], [5, 2]] as const) {
      expectSeq(sequence(new CosineAnnealingWarmRestarts(sgd(0.1), { t0, tMult, etaMin: 0.001 }), 40), pytorch(0.1, t0, tMult, 0.001, 40));
    }
    expectSeq(sequence(new CosineAnnealingWarmRestarts(sgd(1), { t0: 2 }), 5), [1, 0.5, 1, 0.5, 1]);
  });
});

describe('CyclicLR', () => {
  it('triangular, triangular2 and exp_range cycles, by hand', () => {
    expectSeq(sequence(new CyclicLR(sgd(), { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, cycleMomentum: false }), 9), [0.01, 0.055, 0.1, 0.055, 0.01, 0.055, 0.1, 0.055, 0.01]);
    expectSeq(
      sequence(new CyclicLR(sgd(), { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, mode: 'triangular2', cycleMomentum: false }), 9),
      [0.01, 0.055, 0.1, 0.055, 0.01, 0.0325, 0.055, 0.0325, 0.01],
    );
    const g = 0.5;
    expectSeq(
      sequence(new CyclicLR(sgd(), { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, mode: 'exp_range', gamma: g, cycleMomentum: false }), 5),
      [0.01, 0.01 + 0.09 * 0.5 * g, 0.01 + 0.09 * g ** 2, 0.01 + 0.09 * 0.5 * g ** 3, 0.01],
    );
  });

  it('an asymmetric cycle (1 up, 3 down), a custom scaleFn over iterations', () => {
    expectSeq(sequence(new CyclicLR(sgd(), { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 1, stepSizeDown: 3, cycleMomentum: false }), 6), [0.01, 0.1, 0.07, 0.04, 0.01, 0.1]);
    const s = new CyclicLR(sgd(), { baseLr: 0, maxLr: 1, stepSizeUp: 2, scaleFn: (x) => 1 / (1 + x), scaleMode: 'iterations', cycleMomentum: false });
    expectSeq(sequence(s, 4), [0, 0.5 / 2, 1 / 3, 0.5 / 4]);
  });

  it('starts the groups at baseLr (their initialLr) and cycles SGD momentum and Adam beta1 inversely', () => {
    const opt = sgd(0.5, 0.9);
    const s = new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2 });
    expect(opt.paramGroups[0]!.lr).toBe(0.01);
    expect(opt.paramGroups[0]!.initialLr).toBe(0.01);
    expect(s.baseLrs).toEqual([0.01]);
    expectSeq(sequence(s, 5, (g) => g['momentum'] as number), [0.9, 0.85, 0.8, 0.85, 0.9]);
    const adam = new Adam([param()], { lr: 1e-3, betas: [0.9, 0.99] });
    const a = new CyclicLR(adam, { baseLr: 1e-4, maxLr: 1e-3, stepSizeUp: 2, baseMomentum: 0.7, maxMomentum: 0.95 });
    a.step();
    a.step();
    expect(adam.paramGroups[0]!.betas[0]).toBeCloseTo(0.7, 12);
    expect(adam.paramGroups[0]!.betas[1]).toBe(0.99);
  });

  it('per-group bounds, and resuming restores the momentum too', () => {
    const opt = new SGD([{ params: [param()] }, { params: [param()] }], { lr: 1, momentum: 0.9 });
    const s = new CyclicLR(opt, { baseLr: [0.1, 0.2], maxLr: [1, 2], stepSizeUp: 3 });
    for (let k = 0; k < 4; k++) s.step();
    expect(s.getLastLr()[0]).toBeCloseTo(0.1 + 0.9 * (2 / 3), 12);
    expect(s.getLastLr()[1]).toBeCloseTo(0.2 + 1.8 * (2 / 3), 12);
    const saved = s.stateDict();
    const opt2 = new SGD([{ params: [param()] }, { params: [param()] }], { lr: 1, momentum: 0.9 });
    const s2 = new CyclicLR(opt2, { baseLr: [0.1, 0.2], maxLr: [1, 2], stepSizeUp: 3 });
    s2.loadStateDict(saved);
    expect(opt2.paramGroups.map((g) => g.lr)).toEqual(opt.paramGroups.map((g) => g.lr));
    expect(opt2.paramGroups[1]!.momentum).toBeCloseTo(opt.paramGroups[1]!.momentum, 15);
  });
});

describe('OneCycleLR', () => {
  it('two phases, linear: up to maxLr at pctStart·T − 1, down to maxLr/25/1e4 at T − 1, by hand', () => {
    const s = new OneCycleLR(sgd(0.1, 0.9), { maxLr: 1, totalSteps: 10, annealStrategy: 'linear' });
    const init = 0.04;
    const min = init / 1e4;
    const down = (t: number) => 1 + ((min - 1) * (t - 2)) / 7;
    expectSeq(sequence(s, 10), [init, (init + 1) / 2, 1, down(3), down(4), down(5), down(6), down(7), down(8), min]);
    const m = new OneCycleLR(sgd(0.1, 0.9), { maxLr: 1, totalSteps: 10, annealStrategy: 'linear' });
    expectSeq(sequence(m, 10, (g) => g['momentum'] as number), [0.95, 0.9, 0.85, ...[3, 4, 5, 6, 7, 8, 9].map((t) => 0.85 + (0.1 * (t - 2)) / 7)]);
  });

  it('cosine annealing within phases; three phases', () => {
    const cos = (a: number, b: number, p: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1);
    const s = new OneCycleLR(sgd(), { maxLr: 2, epochs: 4, stepsPerEpoch: 5, pctStart: 0.25, cycleMomentum: false, divFactor: 10, finalDivFactor: 100 });
    // T = 20, phase ends 4 and 19; initial 0.2, min 0.002.
    const want = Array.from({ length: 20 }, (_, t) => (t <= 4 ? cos(0.2, 2, t / 4) : cos(2, 0.002, (t - 4) / 15)));
    expectSeq(sequence(s, 20), want);
    const three = new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, threePhase: true, cycleMomentum: false });
    // Ends 2, 4, 9: up, back to the initial rate, then to the minimum.
    expectSeq(sequence(three, 10), [0.04, 0.52, 1, 0.52, 0.04, ...[5, 6, 7, 8, 9].map((t) => cos(0.04, 0.04 / 1e4, (t - 4) / 5))]);
  });

  it('stepping past totalSteps is an error that changes nothing; Adam beta1 moves; resuming', () => {
    const s = new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 3, cycleMomentum: false });
    for (let k = 0; k < 3; k++) s.step();
    const lr = s.optimizer.paramGroups[0]!.lr;
    expect(() => s.step()).toThrow(/OneCycleLR.step: tried to step 4 times; the schedule has totalSteps 3/);
    expect(s.lastEpoch).toBe(3);
    expect(s.optimizer.paramGroups[0]!.lr).toBe(lr);
    const adam = new Adam([param()], { betas: [0.9, 0.999] });
    const a = new OneCycleLR(adam, { maxLr: 0.01, totalSteps: 10 });
    expect(adam.paramGroups[0]!.betas[0]).toBeCloseTo(0.95, 12);
    a.step();
    a.step();
    expect(adam.paramGroups[0]!.betas[0]).toBeCloseTo(0.85, 12);
    const adam2 = new Adam([param()], { betas: [0.9, 0.999] });
    const a2 = new OneCycleLR(adam2, { maxLr: 0.01, totalSteps: 10 });
    a2.loadStateDict(a.stateDict());
    expect(adam2.paramGroups[0]!.lr).toBe(adam.paramGroups[0]!.lr);
    expect(adam2.paramGroups[0]!.betas[0]).toBe(adam.paramGroups[0]!.betas[0]);
  });
});

describe('composition', () => {
  it('SequentialLR: a ConstantLR warmup, then PolynomialLR decay from the base rate', () => {
    const opt = sgd(1);
    const s = new SequentialLR(opt, [new ConstantLR(opt, { factor: 0.1, totalIters: 2 }), new PolynomialLR(opt, { totalIters: 4 })], [2]);
    expectSeq(sequence(s, 8), [0.1, 0.1, 1, 0.75, 0.5, 0.25, 0, 0]);
  });
});
