/**
 * Bad input to the learning-rate schedulers: bad options (zero, negative, NaN, fractional), lists
 * of the wrong length, schedules that give a negative rate, mixed optimizers, bad metrics and bad
 * state dicts. A failed call changes nothing: not the optimizer's groups (their `lr` and
 * `initialLr`), not the scheduler's counters, not `memory()`.
 */
import { beforeAll } from 'vitest';
import { ValueError, tensor, type Tensor } from '@profundo/core';
import {
  Adagrad,
  ChainedScheduler,
  ConstantLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  CyclicLR,
  MultiplicativeLR,
  OneCycleLR,
  PolynomialLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  MultiStepLR,
  ReduceLROnPlateau,
  SGD,
  SequentialLR,
  StepLR,
} from '../../src/index.js';
import { activate, CPU } from '../helpers.js';
import { runCases, type BadInputCase } from './runner.js';

beforeAll(async () => {
  await activate(CPU);
});

const param = (): Tensor => tensor([1, 2, 3], { requiresGrad: true });
/** An SGD over one parameter (one group), or two groups. */
const sgd = (groups = 1): SGD =>
  groups === 1 ? new SGD([param()], { lr: 0.1 }) : new SGD([{ params: [param()] }, { params: [param()], lr: 0.01 }], { lr: 0.1 });
const opt = () => ({ opt: sgd() });

const constructors: BadInputCase[] = [
  { name: 'StepLR: stepSize 0', make: opt, call: ({ opt }) => new StepLR(opt, { stepSize: 0 }), error: ValueError, op: 'StepLR', mentions: ['stepSize', 'got 0'] },
  { name: 'StepLR: a fractional stepSize', make: opt, call: ({ opt }) => new StepLR(opt, { stepSize: 2.5 }), error: ValueError, op: 'StepLR', mentions: ['2.5'] },
  { name: 'StepLR: gamma -1', make: opt, call: ({ opt }) => new StepLR(opt, { stepSize: 2, gamma: -1 }), error: ValueError, op: 'StepLR', mentions: ['gamma', '-1'] },
  { name: 'StepLR: gamma NaN', make: opt, call: ({ opt }) => new StepLR(opt, { stepSize: 2, gamma: NaN }), error: ValueError, op: 'StepLR', mentions: ['NaN'] },
  { name: 'MultiStepLR: milestones not an array', make: opt, call: ({ opt }) => new MultiStepLR(opt, { milestones: 3 as never }), error: ValueError, op: 'MultiStepLR', mentions: ['milestones', '3'] },
  { name: 'MultiStepLR: a negative milestone', make: opt, call: ({ opt }) => new MultiStepLR(opt, { milestones: [2, -1] }), error: ValueError, op: 'MultiStepLR', mentions: ['-1'] },
  { name: 'MultiStepLR: gamma Infinity', make: opt, call: ({ opt }) => new MultiStepLR(opt, { milestones: [2], gamma: Infinity }), error: ValueError, op: 'MultiStepLR', mentions: ['Infinity'] },
  { name: 'ExponentialLR: gamma NaN', make: opt, call: ({ opt }) => new ExponentialLR(opt, { gamma: NaN }), error: ValueError, op: 'ExponentialLR', mentions: ['gamma', 'NaN'] },
  { name: 'ExponentialLR: gamma -0.5', make: opt, call: ({ opt }) => new ExponentialLR(opt, { gamma: -0.5 }), error: ValueError, op: 'ExponentialLR', mentions: ['-0.5'] },
  { name: 'CosineAnnealingLR: tMax 0', make: opt, call: ({ opt }) => new CosineAnnealingLR(opt, { tMax: 0 }), error: ValueError, op: 'CosineAnnealingLR', mentions: ['tMax', 'got 0'] },
  { name: 'CosineAnnealingLR: etaMin -1', make: opt, call: ({ opt }) => new CosineAnnealingLR(opt, { tMax: 10, etaMin: -1 }), error: ValueError, op: 'CosineAnnealingLR', mentions: ['etaMin', '-1'] },
  { name: 'LinearLR: totalIters 0', make: opt, call: ({ opt }) => new LinearLR(opt, { totalIters: 0 }), error: ValueError, op: 'LinearLR', mentions: ['totalIters', 'got 0'] },
  { name: 'LinearLR: startFactor NaN', make: opt, call: ({ opt }) => new LinearLR(opt, { startFactor: NaN }), error: ValueError, op: 'LinearLR', mentions: ['startFactor', 'NaN'] },
  { name: 'LinearLR: endFactor -1', make: opt, call: ({ opt }) => new LinearLR(opt, { endFactor: -1 }), error: ValueError, op: 'LinearLR', mentions: ['endFactor', '-1'] },
  { name: 'LambdaLR: two functions for one group', make: opt, call: ({ opt }) => new LambdaLR(opt, [() => 1, () => 1]), error: ValueError, op: 'LambdaLR', mentions: ['got 2'] },
  { name: 'LambdaLR: a number instead of a function', make: opt, call: ({ opt }) => new LambdaLR(opt, [0.5 as never]), error: ValueError, op: 'LambdaLR', mentions: ['number'] },
  { name: 'LambdaLR: a schedule negative at epoch 0', make: opt, call: ({ opt }) => new LambdaLR(opt, () => -1), error: ValueError, op: 'LambdaLR', mentions: ['-0.1', 'epoch 0'] },
  { name: 'LambdaLR: a schedule NaN at epoch 0', make: opt, call: ({ opt }) => new LambdaLR(opt, () => NaN), error: ValueError, op: 'LambdaLR', mentions: ['NaN'] },
  { name: 'SequentialLR: no schedulers', make: opt, call: ({ opt }) => new SequentialLR(opt, [], []), error: ValueError, op: 'SequentialLR', mentions: ['at least one'] },
  { name: 'SequentialLR: too few milestones', make: () => { const o = sgd(); return { opt: o, s: [new ExponentialLR(o, { gamma: 0.9 }), new StepLR(o, { stepSize: 2 })] }; }, call: ({ opt, s }) => new SequentialLR(opt, s, []), error: ValueError, op: 'SequentialLR', mentions: ['got 0'] },
  { name: 'SequentialLR: milestones that do not increase', make: () => { const o = sgd(); return { opt: o, s: [new ExponentialLR(o, { gamma: 0.9 }), new StepLR(o, { stepSize: 2 }), new StepLR(o, { stepSize: 3 })] }; }, call: ({ opt, s }) => new SequentialLR(opt, s, [5, 5]), error: ValueError, op: 'SequentialLR', mentions: ['[5,5]'] },
  { name: 'SequentialLR: a scheduler of another optimizer', make: () => { const o = sgd(); const other = sgd(); return { opt: o, other, s: [new ExponentialLR(o, { gamma: 0.9 }), new StepLR(other, { stepSize: 2 })] }; }, call: ({ opt, s }) => new SequentialLR(opt, s, [3]), error: ValueError, op: 'SequentialLR', mentions: ['same optimizer'] },
  { name: 'ChainedScheduler: no schedulers', make: () => ({}), call: () => new ChainedScheduler([]), error: ValueError, op: 'ChainedScheduler', mentions: ['at least one'] },
  { name: 'ChainedScheduler: schedulers of two optimizers', make: () => { const a = sgd(); const b = sgd(); return { a, b, s: [new ExponentialLR(a, { gamma: 0.9 }), new ExponentialLR(b, { gamma: 0.9 })] }; }, call: ({ s }) => new ChainedScheduler(s), error: ValueError, op: 'ChainedScheduler', mentions: ['same optimizer'] },
  { name: "ReduceLROnPlateau: mode 'avg'", make: opt, call: ({ opt }) => new ReduceLROnPlateau(opt, { mode: 'avg' as never }), error: ValueError, op: 'ReduceLROnPlateau', mentions: ["'avg'"] },
  { name: 'ReduceLROnPlateau: factor 1', make: opt, call: ({ opt }) => new ReduceLROnPlateau(opt, { factor: 1 }), error: ValueError, op: 'ReduceLROnPlateau', mentions: ['factor', 'got 1'] },
  { name: 'ReduceLROnPlateau: patience -1', make: opt, call: ({ opt }) => new ReduceLROnPlateau(opt, { patience: -1 }), error: ValueError, op: 'ReduceLROnPlateau', mentions: ['patience', '-1'] },
  { name: 'ReduceLROnPlateau: a fractional cooldown', make: opt, call: ({ opt }) => new ReduceLROnPlateau(opt, { cooldown: 1.5 }), error: ValueError, op: 'ReduceLROnPlateau', mentions: ['cooldown', '1.5'] },
  { name: 'ReduceLROnPlateau: threshold NaN', make: opt, call: ({ opt }) => new ReduceLROnPlateau(opt, { threshold: NaN }), error: ValueError, op: 'ReduceLROnPlateau', mentions: ['threshold', 'NaN'] },
  { name: "ReduceLROnPlateau: thresholdMode 'pct'", make: opt, call: ({ opt }) => new ReduceLROnPlateau(opt, { thresholdMode: 'pct' as never }), error: ValueError, op: 'ReduceLROnPlateau', mentions: ["'pct'"] },
  { name: 'ReduceLROnPlateau: one minLr for two groups', make: () => ({ opt: sgd(2) }), call: ({ opt }) => new ReduceLROnPlateau(opt, { minLr: [0] }), error: ValueError, op: 'ReduceLROnPlateau', mentions: ['got 1'] },
  { name: 'ReduceLROnPlateau: minLr -1', make: opt, call: ({ opt }) => new ReduceLROnPlateau(opt, { minLr: -1 }), error: ValueError, op: 'ReduceLROnPlateau', mentions: ['minLr', '-1'] },
  { name: 'ReduceLROnPlateau: eps NaN', make: opt, call: ({ opt }) => new ReduceLROnPlateau(opt, { eps: NaN }), error: ValueError, op: 'ReduceLROnPlateau', mentions: ['eps', 'NaN'] },
];

/** A scheduler that took three steps. */
const after3 = <S extends { step(m?: number): void }>(make: (o: SGD) => S) => () => {
  const o = sgd();
  const s = make(o);
  for (let i = 0; i < 3; i++) s.step(1);
  return { opt: o, s };
};
const steps: BadInputCase[] = [
  { name: 'LambdaLR.step: a schedule that turns negative at epoch 4', make: after3((o) => new LambdaLR(o, (e) => 3 - e)), call: ({ s }) => s.step(), error: ValueError, op: 'LambdaLR.step', mentions: ['-0.1', 'epoch 4'] },
  { name: 'LambdaLR.step: a schedule that gives NaN at epoch 4', make: after3((o) => new LambdaLR(o, (e) => (e > 3 ? NaN : 1))), call: ({ s }) => s.step(), error: ValueError, op: 'LambdaLR.step', mentions: ['NaN'] },
  { name: 'ReduceLROnPlateau.step: a string metric', make: after3((o) => new ReduceLROnPlateau(o)), call: ({ s }) => s.step('0.5' as never), error: ValueError, op: 'ReduceLROnPlateau.step', mentions: ['string'] },
  { name: 'ReduceLROnPlateau.step: a tensor metric', make: () => ({ ...after3((o) => new ReduceLROnPlateau(o))(), t: tensor(0.5) }), call: ({ s, t }) => s.step(t as never), error: ValueError, op: 'ReduceLROnPlateau.step', mentions: ['Tensor'] },
  { name: 'StepLR.loadStateDict: lastEpoch -1', make: after3((o) => new StepLR(o, { stepSize: 2 })), call: ({ s }) => s.loadStateDict({ lastEpoch: -1, baseLrs: [0.1] }), error: ValueError, op: 'StepLR.loadStateDict', mentions: ['lastEpoch', '-1'] },
  { name: 'StepLR.loadStateDict: two base rates for one group', make: after3((o) => new StepLR(o, { stepSize: 2 })), call: ({ s }) => s.loadStateDict({ lastEpoch: 1, baseLrs: [0.1, 0.2] }), error: ValueError, op: 'StepLR.loadStateDict', mentions: ['got 2'] },
  { name: 'ExponentialLR.loadStateDict: a NaN base rate', make: after3((o) => new ExponentialLR(o, { gamma: 0.5 })), call: ({ s }) => s.loadStateDict({ lastEpoch: 1, baseLrs: [NaN] }), error: ValueError, op: 'ExponentialLR.loadStateDict', mentions: ['baseLrs[0]', 'NaN'] },
  { name: 'CosineAnnealingLR.loadStateDict: null', make: after3((o) => new CosineAnnealingLR(o, { tMax: 10 })), call: ({ s }) => s.loadStateDict(null as never), error: ValueError, op: 'CosineAnnealingLR.loadStateDict', mentions: ['null'] },
  { name: 'LinearLR.loadStateDict: a fractional lastEpoch', make: after3((o) => new LinearLR(o)), call: ({ s }) => s.loadStateDict({ lastEpoch: 2.5, baseLrs: [0.1] }), error: ValueError, op: 'LinearLR.loadStateDict', mentions: ['2.5'] },
  { name: 'LambdaLR.loadStateDict: an epoch where the schedule is negative', make: after3((o) => new LambdaLR(o, (e) => 5 - e)), call: ({ s }) => s.loadStateDict({ lastEpoch: 9, baseLrs: [0.1] }), error: ValueError, op: 'LambdaLR.loadStateDict', mentions: ['epoch 9'] },
  { name: 'MultiStepLR.loadStateDict: a negative base rate', make: after3((o) => new MultiStepLR(o, { milestones: [2] })), call: ({ s }) => s.loadStateDict({ lastEpoch: 1, baseLrs: [-0.1] }), error: ValueError, op: 'MultiStepLR.loadStateDict', mentions: ['-0.1'] },
  { name: 'ReduceLROnPlateau.loadStateDict: numBadEpochs -1', make: after3((o) => new ReduceLROnPlateau(o)), call: ({ s }) => s.loadStateDict({ lastEpoch: 3, best: 1, numBadEpochs: -1, cooldownCounter: 0 }), error: ValueError, op: 'ReduceLROnPlateau.loadStateDict', mentions: ['numBadEpochs', '-1'] },
  { name: 'ReduceLROnPlateau.loadStateDict: best NaN', make: after3((o) => new ReduceLROnPlateau(o)), call: ({ s }) => s.loadStateDict({ lastEpoch: 3, best: NaN, numBadEpochs: 0, cooldownCounter: 0 }), error: ValueError, op: 'ReduceLROnPlateau.loadStateDict', mentions: ['NaN'] },
  { name: 'ReduceLROnPlateau.loadStateDict: null', make: after3((o) => new ReduceLROnPlateau(o)), call: ({ s }) => s.loadStateDict(null as never), error: ValueError, op: 'ReduceLROnPlateau.loadStateDict', mentions: ['null'] },
];

runCases('scheduler constructors', constructors);
runCases('scheduler steps and state dicts', steps);

const adagrad = () => ({ opt: new Adagrad([param()], { lr: 0.1 }) });
const parity: BadInputCase[] = [
  { name: 'ConstantLR: factor 1.5', make: opt, call: ({ opt }) => new ConstantLR(opt, { factor: 1.5 }), error: ValueError, op: 'ConstantLR', mentions: ['factor', '1.5'] },
  { name: 'ConstantLR: totalIters -1', make: opt, call: ({ opt }) => new ConstantLR(opt, { totalIters: -1 }), error: ValueError, op: 'ConstantLR', mentions: ['totalIters', '-1'] },
  { name: 'MultiplicativeLR: a number instead of a function', make: opt, call: ({ opt }) => new MultiplicativeLR(opt, 0.9 as never), error: ValueError, op: 'MultiplicativeLR', mentions: ['number'] },
  { name: 'MultiplicativeLR: one function for two groups', make: () => ({ opt: sgd(2) }), call: ({ opt }) => new MultiplicativeLR(opt, [() => 1]), error: ValueError, op: 'MultiplicativeLR', mentions: ['2 functions', 'got 1'] },
  { name: 'MultiplicativeLR.step: a factor that turns the rate negative', make: () => { const o = sgd(); const s = new MultiplicativeLR(o, (t) => (t === 2 ? -1 : 1)); s.step(); return { o, s }; }, call: ({ s }) => s.step(), error: ValueError, op: 'MultiplicativeLR.step', mentions: ['epoch 2'] },
  { name: 'PolynomialLR: totalIters 0', make: opt, call: ({ opt }) => new PolynomialLR(opt, { totalIters: 0 }), error: ValueError, op: 'PolynomialLR', mentions: ['totalIters', 'got 0'] },
  { name: 'PolynomialLR: power NaN', make: opt, call: ({ opt }) => new PolynomialLR(opt, { power: NaN }), error: ValueError, op: 'PolynomialLR', mentions: ['power', 'NaN'] },
  { name: 'CosineAnnealingWarmRestarts: t0 0', make: opt, call: ({ opt }) => new CosineAnnealingWarmRestarts(opt, { t0: 0 }), error: ValueError, op: 'CosineAnnealingWarmRestarts', mentions: ['t0', 'got 0'] },
  { name: 'CosineAnnealingWarmRestarts: tMult 1.5', make: opt, call: ({ opt }) => new CosineAnnealingWarmRestarts(opt, { t0: 2, tMult: 1.5 }), error: ValueError, op: 'CosineAnnealingWarmRestarts', mentions: ['tMult', '1.5'] },
  { name: 'CosineAnnealingWarmRestarts: etaMin -1', make: opt, call: ({ opt }) => new CosineAnnealingWarmRestarts(opt, { t0: 2, etaMin: -1 }), error: ValueError, op: 'CosineAnnealingWarmRestarts', mentions: ['etaMin', '-1'] },
  { name: 'CyclicLR: no maxLr', make: opt, call: ({ opt }) => new CyclicLR(opt, { baseLr: 0.01 } as never), error: ValueError, op: 'CyclicLR', mentions: ['maxLr'] },
  { name: 'CyclicLR: three baseLr for one group', make: opt, call: ({ opt }) => new CyclicLR(opt, { baseLr: [0.1, 0.2, 0.3], maxLr: 1 }), error: ValueError, op: 'CyclicLR', mentions: ['baseLr', '3 values'] },
  { name: 'CyclicLR: stepSizeUp 0', make: opt, call: ({ opt }) => new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 0 }), error: ValueError, op: 'CyclicLR', mentions: ['stepSizeUp', 'got 0'] },
  { name: "CyclicLR: mode 'sine'", make: opt, call: ({ opt }) => new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, mode: 'sine' as never }), error: ValueError, op: 'CyclicLR', mentions: ["'sine'"] },
  { name: 'CyclicLR: cycleMomentum on Adagrad', make: adagrad, call: ({ opt }) => new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1 }), error: ValueError, op: 'CyclicLR', mentions: ['momentum', 'cycleMomentum: false'] },
  { name: 'CyclicLR: a negative maxMomentum', make: opt, call: ({ opt }) => new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, maxMomentum: -0.9 }), error: ValueError, op: 'CyclicLR', mentions: ['maxMomentum', '-0.9'] },
  { name: 'CyclicLR: a scale function that goes negative', make: () => { const o = sgd(); return { o, s: new CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 1, scaleFn: () => -100, cycleMomentum: false }) }; }, call: ({ s }) => s.step(), error: ValueError, op: 'CyclicLR.step', mentions: ['epoch 1'] },
  { name: 'OneCycleLR: neither totalSteps nor epochs', make: opt, call: ({ opt }) => new OneCycleLR(opt, { maxLr: 0.1 }), error: ValueError, op: 'OneCycleLR', mentions: ['totalSteps'] },
  { name: 'OneCycleLR: totalSteps 2.5', make: opt, call: ({ opt }) => new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 2.5 }), error: ValueError, op: 'OneCycleLR', mentions: ['2.5'] },
  { name: 'OneCycleLR: pctStart 1.2', make: opt, call: ({ opt }) => new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10, pctStart: 1.2 }), error: ValueError, op: 'OneCycleLR', mentions: ['pctStart', '1.2'] },
  { name: "OneCycleLR: annealStrategy 'exp'", make: opt, call: ({ opt }) => new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10, annealStrategy: 'exp' as never }), error: ValueError, op: 'OneCycleLR', mentions: ["'exp'"] },
  { name: 'OneCycleLR: divFactor 0', make: opt, call: ({ opt }) => new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10, divFactor: 0 }), error: ValueError, op: 'OneCycleLR', mentions: ['divFactor', 'got 0'] },
  { name: 'OneCycleLR: cycleMomentum on Adagrad', make: adagrad, call: ({ opt }) => new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10 }), error: ValueError, op: 'OneCycleLR', mentions: ['momentum'] },
  { name: 'OneCycleLR: a first phase of zero steps (NaN rate; initialLr left as it was)', make: opt, call: ({ opt }) => new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 2, pctStart: 0.5, cycleMomentum: false }), error: ValueError, op: 'OneCycleLR', mentions: ['NaN'] },
  { name: 'OneCycleLR.loadStateDict: a lastEpoch past totalSteps', make: () => { const o = sgd(); return { o, s: new OneCycleLR(o, { maxLr: 0.1, totalSteps: 5, cycleMomentum: false }) }; }, call: ({ s }) => s.loadStateDict({ lastEpoch: 9, baseLrs: [0.004] }), error: ValueError, op: 'OneCycleLR.step', mentions: ['9'] },
];
runCases('schedulers added for PyTorch parity', parity);
