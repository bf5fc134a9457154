/**
 * The optimizer API shared by every optimizer: parameter groups with their own options
 * (checked against the independent references), addParamGroup, zeroGrad, parameters without
 * gradients, option validation, defaults.
 */
import { tensor, type Tensor } from '@profundo/core';
import { describe, expect, it } from 'vitest';
import { Adadelta, Adagrad, Adam, AdamW, RMSprop, SGD } from '../src/index.js';
import { CASES } from './cases.js';
import { param, quadratic, rosenbrock, trainStep, useCpu } from './helpers.js';
import { quadraticGrad, refTrajectory, rosenbrockGrad, trajectoryError, type Vec } from './reference.js';

useCpu();

describe.each(CASES)('$name with two parameter groups', (c) => {
  it('updates each group with its own options', () => {
    // Group 0 holds the quadratic's parameter, group 1 Rosenbrock's with its own lr; the
    // loss is their sum, so each group must follow its own reference.
    const a = param(quadratic.theta0);
    const b = param(rosenbrock.theta0);
    const opt = c.make([a], c.lr.quadratic);
    opt.addParamGroup({ params: [b], lr: c.lr.rosenbrock });
    const ta: Vec[] = [];
    const tb: Vec[] = [];
    for (let k = 0; k < 30; k++) {
      trainStep(opt, () => quadratic.loss(a).add(rosenbrock.loss(b)));
      ta.push(Array.from(a.dataSync()));
      tb.push(Array.from(b.dataSync()));
    }
    expect(trajectoryError(ta, refTrajectory(c.ref(c.lr.quadratic), quadraticGrad, quadratic.theta0, 30))).toBeLessThan(1e-5);
    expect(trajectoryError(tb, refTrajectory(c.ref(c.lr.rosenbrock), rosenbrockGrad, rosenbrock.theta0, 30))).toBeLessThan(1e-5);
  });
});

describe('Optimizer', () => {
  it('takes groups in the constructor, each overriding the defaults', () => {
    const a = param([1]);
    const b = param([2]);
    const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.5, betas: [0.5, 0.9] }], { lr: 0.01, amsgrad: true });
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.01, betas: [0.9, 0.999], amsgrad: true, eps: 1e-8 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.5, betas: [0.5, 0.9], amsgrad: true });
    expect(opt.paramGroups[1]!.params).toEqual([b]);
  });

  it('has PyTorch\'s defaults', () => {
    const p = [param([1])];
    expect(new SGD(p, { lr: 0.1 }).defaults).toEqual({ lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 });
    expect(new Adagrad(p).defaults).toEqual({ lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 });
    expect(new Adadelta(p).defaults).toEqual({ lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0 });
    expect(new RMSprop(p).defaults).toEqual({ lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false });
    expect(new Adam(p).defaults).toEqual({ lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
    expect(new AdamW(p).defaults).toEqual({ lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false });
  });

  it('ignores options passed as undefined', () => {
    const opt = new RMSprop([param([1])], { lr: 0.1, momentum: undefined });
    expect(opt.paramGroups[0]!.momentum).toBe(0);
  });

  it('zeroGrad clears every gradient; step skips parameters without one', () => {
    const a = param([1, 2]);
    const b = param([3]);
    const opt = new Adam([a, b], { lr: 0.1 });
    trainStep(opt, () => a.square().sum());
    expect(a.grad).not.toBeNull();
    expect(b.grad).toBeNull();
    expect(Array.from(b.dataSync())).toEqual([3]);
    expect(opt.getState(b)).toBeUndefined();
    expect(opt.getState(a)!['step']).toBe(1);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('keeps one step counter per parameter (PyTorch\'s per-parameter step)', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new Adam([a, b], { lr: 0.1 });
    trainStep(opt, () => a.square().sum());
    trainStep(opt, () => a.add(b).square().sum());
    expect(opt.getState(a)!['step']).toBe(2);
    expect(opt.getState(b)!['step']).toBe(1);
  });

  it('rejects no parameters, shared parameters and non-float parameters', () => {
    const a = param([1]);
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/no parameters/);
    expect(() => new SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 })).toThrow(/more than one group/);
    const opt = new SGD([a], { lr: 0.1 });
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(/more than one group/);
    expect(() => new SGD([tensor([1], { dtype: 'int32' })], { lr: 0.1 })).toThrow(/float32/);
  });

  const bad: [string, () => unknown, RegExp][] = [
    ['SGD lr', () => new SGD([param([1])], { lr: -1 }), /lr/],
    ['SGD Nesterov without momentum', () => new SGD([param([1])], { lr: 0.1, nesterov: true }), /Nesterov/],
    ['SGD Nesterov with dampening', () => new SGD([param([1])], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /Nesterov/],
    ['Adagrad lrDecay', () => new Adagrad([param([1])], { lrDecay: -1 }), /lrDecay/],
    ['Adagrad initialAccumulatorValue', () => new Adagrad([param([1])], { initialAccumulatorValue: -0.1 }), /initialAccumulatorValue/],
    ['Adadelta rho', () => new Adadelta([param([1])], { rho: 1.5 }), /rho/],
    ['RMSprop alpha', () => new RMSprop([param([1])], { alpha: -0.1 }), /alpha/],
    ['RMSprop eps', () => new RMSprop([param([1])], { eps: -1 }), /eps/],
    ['Adam betas', () => new Adam([param([1])], { betas: [1, 0.999] }), /betas\[0\]/],
    ['Adam weightDecay', () => new Adam([param([1])], { weightDecay: -1 }), /weightDecay/],
    ['AdamW betas', () => new AdamW([param([1])], { betas: [0.9, -0.1] }), /betas\[1\]/],
    ['group option', () => new Adam([{ params: [param([1])], lr: Number.NaN }]), /lr/],
  ];
  it.each(bad)('rejects a bad option: %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  it('lets options change between steps', () => {
    const w = param([1]);
    const opt = new SGD([w], { lr: 0.1 });
    trainStep(opt, () => w.square().sum()); // 1 − 0.1·2 = 0.8
    opt.paramGroups[0]!.lr = 0.5;
    trainStep(opt, () => w.square().sum()); // 0.8 − 0.5·1.6 = 0
    expect(Math.abs(w.dataSync()[0]!)).toBeLessThan(1e-7);
  });
});

describe('AdamW', () => {
  it('decays the parameter even where the gradient is zero, unlike Adam\'s L2 term', () => {
    // A parameter with a zero gradient: AdamW shrinks it by (1 − γλ) per step; Adam with
    // weight decay adds λθ to the gradient and, normalized, steps by about γ.
    const run = (make: (p: Tensor[]) => { step(): void; zeroGrad(): void }): number => {
      const w = param([2]);
      const opt = make([w]);
      for (let k = 0; k < 3; k++) {
        opt.zeroGrad();
        w.mul(0).sum().backward();
        opt.step();
      }
      return w.dataSync()[0]!;
    };
    expect(run((p) => new AdamW(p, { lr: 0.1, weightDecay: 0.5 }))).toBeCloseTo(2 * 0.95 ** 3, 6);
    expect(run((p) => new Adam(p, { lr: 0.1, weightDecay: 0.5 }))).toBeCloseTo(2 - 0.3, 2);
  });
});
