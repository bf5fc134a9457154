/**
 * Checkpoints: saving optimizer (and scheduler) state mid-training and restoring it into a
 * fresh model and optimizer continues training bit for bit on the CPU backend. The
 * checkpoint goes through plain arrays (as a file would), not shared tensors.
 *
 * The same exact comparison holds on the gpu.js backend (headless-gl): its kernels are
 * deterministic, so the resumed run issues the same float32 kernels on the same bits and its
 * parameters match the uninterrupted run's bit for bit at every step, for every optimizer.
 */
import { manualSeed, nn, randn, tensor, type Tensor } from '@profundo/core';
import { describe, expect, it } from 'vitest';
import {
  Adadelta,
  Adagrad,
  Adam,
  AdamW,
  RMSprop,
  SGD,
  StepLR,
  type BaseOptions,
  type Optimizer,
  type OptimizerStateDict,
  type ParamGroupInput,
} from '../src/index.js';
import { BACKENDS, trainStep, useBackend } from './helpers.js';

type Make = (groups: ParamGroupInput<BaseOptions>[]) => Optimizer<BaseOptions>;
const makers: [string, Make][] = [
  ['SGD', (g) => new SGD(g as never, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ['Adagrad', (g) => new Adagrad(g as never, { lr: 0.05, lrDecay: 0.01, initialAccumulatorValue: 0.1, weightDecay: 1e-3 })],
  ['Adadelta', (g) => new Adadelta(g as never, { rho: 0.95, weightDecay: 1e-3 })],
  ['RMSprop', (g) => new RMSprop(g as never, { lr: 0.01, centered: true, momentum: 0.9, weightDecay: 1e-3 })],
  ['Adam', (g) => new Adam(g as never, { lr: 0.01, amsgrad: true, weightDecay: 1e-3 })],
  ['AdamW', (g) => new AdamW(g as never, { lr: 0.01, amsgrad: true, weightDecay: 0.1 })],
];

interface Saved {
  shape: number[];
  data: number[];
}
type SavedState = Record<number, Record<string, Saved | number>>;

/** The state dict as plain data: what a checkpoint file would hold. */
function serialize(dict: OptimizerStateDict<BaseOptions>): { state: SavedState; paramGroups: string } {
  const state: SavedState = {};
  for (const [i, s] of Object.entries(dict.state)) {
    state[Number(i)] = Object.fromEntries(
      Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : { shape: [...v.shape], data: Array.from(v.dataSync()) }]),
    );
  }
  return { state, paramGroups: JSON.stringify(dict.paramGroups) };
}

function deserialize(saved: { state: SavedState; paramGroups: string }): OptimizerStateDict<BaseOptions> {
  const state: OptimizerStateDict<BaseOptions>['state'] = {};
  for (const [i, s] of Object.entries(saved.state)) {
    state[Number(i)] = Object.fromEntries(
      Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : tensor(new Float32Array(v.data), { shape: v.shape })]),
    );
  }
  return { state, paramGroups: JSON.parse(saved.paramGroups) as OptimizerStateDict<BaseOptions>['paramGroups'] };
}

/** Whether two float32 arrays hold the same bits. */
function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  const bits = (x: Float32Array): Uint32Array => new Uint32Array(x.buffer, x.byteOffset, x.length);
  const [ua, ub] = [bits(a), bits(b)];
  return ua.length === ub.length && ua.every((v, i) => v === ub[i]);
}

function build(seed: number, make: Make) {
  manualSeed(seed);
  const model = new nn.Sequential(new nn.Linear(5, 8), new nn.Tanh(), new nn.Linear(8, 2));
  const named = model.namedParameters();
  // Two groups: weights at the default lr, biases at their own.
  const opt = make([
    { params: named.filter(([n]) => n.endsWith('weight')).map(([, p]) => p) },
    { params: named.filter(([n]) => n.endsWith('bias')).map(([, p]) => p), lr: 0.02 },
  ]);
  const sched = new StepLR(opt, { stepSize: 4, gamma: 0.5 });
  return { model, opt, sched, params: opt.paramGroups.flatMap((g) => g.params) };
}

describe.each(BACKENDS)('on $name', (backend) => {
  useBackend(backend);

  describe.each(makers)('%s', (_name, make) => {
    it('continues bit for bit after saving and restoring its state mid-training', () => {
      manualSeed(123);
      const x = randn([16, 5]);
      const y = randn([16, 2]);
      const run = (s: ReturnType<typeof build>, steps: number): Float32Array[][] => {
        const out: Float32Array[][] = [];
        for (let k = 0; k < steps; k++) {
          trainStep(s.opt, () => nn.mseLoss(s.model.forward(x), y));
          s.sched.step();
          out.push(s.params.map((p) => p.dataSync() as Float32Array));
        }
        return out;
      };

      const a = build(1, make);
      run(a, 7);
      const checkpoint = {
        params: a.params.map((p) => ({ shape: [...p.shape], data: Array.from(p.dataSync()) })),
        opt: serialize(a.opt.stateDict()),
        sched: JSON.stringify(a.sched.stateDict()),
        lrs: a.opt.paramGroups.map((g) => g.lr),
      };
      const continued = run(a, 8);

      const b = build(2, make); // a different initialization, overwritten by the checkpoint
      b.params.forEach((p, i) => p.assign(tensor(new Float32Array(checkpoint.params[i]!.data), { shape: checkpoint.params[i]!.shape })));
      b.opt.loadStateDict(deserialize(checkpoint.opt));
      b.sched.loadStateDict(JSON.parse(checkpoint.sched));
      expect(b.opt.paramGroups.map((g) => g.lr)).toEqual(checkpoint.lrs);
      const resumed = run(b, 8);

      // Without the optimizer state the continuation differs, so the comparison below has teeth.
      const c = build(3, make);
      c.params.forEach((p, i) => p.assign(tensor(new Float32Array(checkpoint.params[i]!.data), { shape: checkpoint.params[i]!.shape })));
      c.sched.loadStateDict(JSON.parse(checkpoint.sched));
      const fresh = run(c, 1);
      expect(fresh[0]!.some((v, i) => !bitsEqual(v, continued[0]![i]!))).toBe(true);

      resumed.forEach((step, k) =>
        step.forEach((values, i) => {
          const expected = continued[k]![i]!;
          expect(bitsEqual(values, expected), `step ${k}, parameter ${i}`).toBe(true);
        }),
      );
    });
  });

  describe('stateDict / loadStateDict', () => {
    const p = (): Tensor => tensor([1, 2, 3], { requiresGrad: true });

    it('lays the dict out like PyTorch: state by flat index, groups with their options and parameter indices', () => {
      const [a, b, c] = [p(), p(), p()];
      const opt = new Adam([{ params: [a, b] }, { params: [c], lr: 0.1 }], { lr: 0.01 });
      trainStep(opt, () => a.add(c).square().sum());
      const dict = opt.stateDict();
      expect(Object.keys(dict.state)).toEqual(['0', '2']); // b had no gradient, so no state
      expect(dict.state[0]!['step']).toBe(1);
      expect(Object.keys(dict.state[0]!).sort()).toEqual(['expAvg', 'expAvgSq', 'step']);
      expect(dict.paramGroups).toEqual([
        { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, params: [0, 1] },
        { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, params: [2] },
      ]);
    });

    it('keeps the dict valid after more steps (state tensors are immutable)', () => {
      const w = p();
      const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
      trainStep(opt, () => w.square().sum());
      const dict = opt.stateDict();
      const before = Array.from((dict.state[0]!['momentumBuffer'] as Tensor).dataSync());
      trainStep(opt, () => w.square().sum());
      expect(Array.from((dict.state[0]!['momentumBuffer'] as Tensor).dataSync())).toEqual(before);
    });

    it('rejects a dict that does not fit the optimizer', () => {
      const [a, b] = [p(), p()];
      const opt = new SGD([a, b], { lr: 0.1, momentum: 0.9 });
      trainStep(opt, () => a.add(b).square().sum());
      const dict = opt.stateDict();
      const other = new SGD([tensor([1, 2], { requiresGrad: true }), p()], { lr: 0.1, momentum: 0.9 });
      expect(() => other.loadStateDict(dict)).toThrow(/shape/);
      const twoGroups = new SGD([{ params: [p()] }, { params: [p()] }], { lr: 0.1 });
      expect(() => twoGroups.loadStateDict(dict)).toThrow(/groups/);
      const three = new SGD([p(), p(), p()], { lr: 0.1 });
      expect(() => three.loadStateDict(dict)).toThrow(/parameters/);
    });
  });
});
