/**
 * `step` and `loadStateDict` are atomic, for every optimizer: they check every parameter's
 * gradient (live, float32, same shape and backend as the parameter), every group's options and
 * the whole state dict before they change anything, and commit a step's new values and state
 * (step counters included) only once every parameter's update has been computed. A failure
 * leaves the parameters, the optimizer's state and options, and `memory()` as they were.
 */
import {
  BackendError,
  DTypeError,
  DisposedError,
  ShapeError,
  ValueError,
  listBackends,
  memory,
  registerBackend,
  setBackend,
  tensor,
  type Tensor,
} from '@profundo/core';
import { createReferenceBackend } from '@profundo/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adadelta,
  Adagrad,
  Adam,
  AdamW,
  LambdaLR,
  ReduceLROnPlateau,
  RMSprop,
  SGD,
  StepLR,
  type BaseOptions,
  type Optimizer,
  type OptimizerStateDict,
  type ParamState,
} from '../src/index.js';
import { CPU, param, useCpu } from './helpers.js';

useCpu();

beforeAll(() => {
  // Core's reference backend, under a name of its own so that errors can tell the two apart.
  if (!listBackends().includes('other')) registerBackend('other', () => ({ ...createReferenceBackend(), name: 'other' }));
});

type Make = (params: Tensor[]) => Optimizer<BaseOptions>;
const makers: [string, Make][] = [
  ['SGD', (p) => new SGD(p, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 }) as Optimizer<BaseOptions>],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.1, lrDecay: 0.01 }) as Optimizer<BaseOptions>],
  ['Adadelta', (p) => new Adadelta(p, { rho: 0.9 }) as Optimizer<BaseOptions>],
  ['RMSprop', (p) => new RMSprop(p, { lr: 0.01, centered: true, momentum: 0.9 }) as Optimizer<BaseOptions>],
  ['Adam', (p) => new Adam(p, { lr: 0.01, amsgrad: true }) as Optimizer<BaseOptions>],
  ['AdamW', (p) => new AdamW(p, { lr: 0.01 }) as Optimizer<BaseOptions>],
];

/** Everything a failed call must leave as it was. */
interface Snapshot {
  params: number[][];
  states: (Record<string, number | number[]> | undefined)[];
  stateTensors: (Tensor | number)[][];
  groups: string;
  memory: ReturnType<typeof memory>;
}

function snapshot(opt: Optimizer<BaseOptions>, params: Tensor[]): Snapshot {
  const read = (s: Readonly<ParamState> | undefined) =>
    s && Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : Array.from(v.dataSync())]));
  return {
    params: params.map((p) => Array.from(p.dataSync())),
    states: params.map((p) => read(opt.getState(p))),
    stateTensors: params.map((p) => Object.values(opt.getState(p) ?? {})),
    groups: JSON.stringify(opt.paramGroups.map(({ params: _p, ...o }) => o)),
    memory: memory(),
  };
}

function expectUnchanged(opt: Optimizer<BaseOptions>, params: Tensor[], before: Snapshot): void {
  const now = snapshot(opt, params);
  expect(now.params).toEqual(before.params);
  expect(now.states).toEqual(before.states);
  // The same state tensors (not copies), none of them disposed.
  now.stateTensors.forEach((values, i) => values.forEach((v, k) => expect(v).toBe(before.stateTensors[i]![k])));
  expect(now.stateTensors.flat().every((v) => typeof v === 'number' || !v.isDisposed)).toBe(true);
  expect(now.groups).toBe(before.groups);
  expect(now.memory).toEqual(before.memory);
}

/** Three parameters that have each taken one step, with fresh valid gradients for the next. */
function setup(make: Make): { opt: Optimizer<BaseOptions>; params: Tensor[] } {
  const params = [param([1, 2]), param([3, 4, 5]), param([6])];
  const opt = make(params);
  const grads = () => params.forEach((p, i) => (p.grad = tensor(Array.from({ length: p.size }, (_, k) => 0.5 + i - k))));
  grads();
  opt.step();
  params.forEach((p) => p.grad!.dispose());
  grads();
  return { opt, params };
}

/** Runs `fn`, which must throw; returns the error. */
function failure(fn: () => unknown): Error {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a throw').toBeInstanceOf(Error);
  return error as Error;
}

describe.each(makers)('%s.step', (name, make) => {
  // Each spoils parameter 1's gradient (or parameter 2's), after parameter 0's valid one.
  const bad: [string, (params: Tensor[]) => void, new (...args: never[]) => Error, RegExp][] = [
    ['a gradient of another shape', (p) => (p[1]!.grad = tensor([1, 1])), ShapeError, /parameter 1.*\[3\].*\[2\]/],
    ['a gradient that broadcasts', (p) => (p[1]!.grad = tensor([[1], [1], [1]])), ShapeError, /parameter 1.*\[3\].*\[3,1\]/],
    ['an int32 gradient', (p) => (p[1]!.grad = tensor([1, 1, 1], { dtype: 'int32' })), DTypeError, /parameter 1.*int32/],
    ['a disposed gradient', (p) => p[2]!.grad!.dispose(), DisposedError, /parameter 2.*disposed/],
    ['a disposed parameter', (p) => p[2]!.dispose(), DisposedError, /parameter 2.*disposed/],
  ];

  it.each(bad)('with %s changes nothing', (_what, spoil, type, message) => {
    const { opt, params } = setup(make);
    spoil(params);
    const live = params.filter((p) => !p.isDisposed);
    const before = snapshot(opt, live);
    const e = failure(() => opt.step());
    expect(e).toBeInstanceOf(type);
    expect(e.message).toMatch(new RegExp(`^${name}\\.step: `));
    expect(e.message).toMatch(message);
    expectUnchanged(opt, live, before);
  });

  it('with a gradient on another backend changes nothing (BackendError)', async () => {
    const { opt, params } = setup(make);
    await setBackend('other');
    params[1]!.grad = tensor([1, 1, 1]);
    await setBackend(CPU.name);
    const before = snapshot(opt, params);
    const e = failure(() => opt.step());
    expect(e).toBeInstanceOf(BackendError);
    expect(e.message).toMatch(new RegExp(`^${name}\\.step: .*parameter 1.*'other'.*'cpu'`));
    expectUnchanged(opt, params, before);
  });

  it('with an option made invalid between steps changes nothing', () => {
    const { opt, params } = setup(make);
    opt.paramGroups[0]!.lr = -1;
    const before = snapshot(opt, params);
    const e = failure(() => opt.step());
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toMatch(/lr must be >= 0, got -1/);
    expectUnchanged(opt, params, before);
  });

  it('whose update fails part-way commits nothing (values, state, step counters)', () => {
    const { opt, params } = setup(make);
    // Parameter 2's update fails after parameters 0 and 1 computed theirs.
    const update = (opt as unknown as { update: (...a: unknown[]) => Tensor }).update.bind(opt);
    (opt as unknown as { update: (...a: unknown[]) => Tensor }).update = (p, ...rest) => {
      if (p === params[2]) throw new Error('device lost');
      return update(p, ...rest);
    };
    const before = snapshot(opt, params);
    expect(() => opt.step()).toThrow('device lost');
    expectUnchanged(opt, params, before);
  });

  it('then succeeds once the gradient is fixed, exactly as an uninterrupted step', () => {
    const a = setup(make);
    const b = setup(make);
    const good = b.params[1]!.grad!;
    b.params[1]!.grad = tensor([1, 1]);
    expect(() => b.opt.step()).toThrow(ShapeError);
    b.params[1]!.grad!.dispose();
    b.params[1]!.grad = good;
    a.opt.step();
    b.opt.step();
    expect(b.params.map((p) => Array.from(p.dataSync()))).toEqual(a.params.map((p) => Array.from(p.dataSync())));
    expect(snapshot(b.opt, b.params).states).toEqual(snapshot(a.opt, a.params).states);
  });
});

describe.each(makers)('%s.loadStateDict', (name, make) => {
  type Dict = OptimizerStateDict<BaseOptions>;
  const bad: [string, (d: Dict) => void, new (...args: never[]) => Error, RegExp][] = [
    ['lr: -1', (d) => (d.paramGroups[0]!.lr = -1), ValueError, /lr must be >= 0, got -1/],
    ['lr: NaN', (d) => (d.paramGroups[0]!.lr = Number.NaN), ValueError, /lr must be >= 0, got NaN/],
    ['a step counter that is not a count', (d) => (d.state[1]!['step'] = -1), ValueError, /'step' of parameter 1.*-1/],
    ['a state entry that is not a tensor or number', (d) => (d.state[1]!['x'] = 'y' as never), ValueError, /'x' of parameter 1/],
    ['an int32 state tensor', (d) => (d.state[2]!['x'] = tensor([1], { dtype: 'int32' })), DTypeError, /'x' of parameter 2.*int32/],
    ['a state tensor of another shape', (d) => (d.state[2]!['x'] = tensor([1, 2])), ValueError, /'x' of parameter 2.*\[2\].*\[1\]/],
  ];

  it.each(bad)('with %s changes nothing', (_what, spoil, type, message) => {
    const { opt, params } = setup(make);
    const dict = opt.stateDict();
    // A valid dict from a different point of training, spoiled in its last part.
    const other = setup(make);
    other.opt.step();
    const valid = other.opt.stateDict();
    dict.state = valid.state;
    dict.paramGroups = valid.paramGroups.map((g) => ({ ...g, lr: 0.5 }));
    spoil(dict);
    const before = snapshot(opt, params);
    const e = failure(() => opt.loadStateDict(dict));
    expect(e).toBeInstanceOf(type);
    expect(e.message).toMatch(new RegExp(`^${name}(\\.loadStateDict)?: `));
    expect(e.message).toMatch(message);
    expectUnchanged(opt, params, before);
  });

  it('with an option that fails its own optimizer\'s check changes nothing', () => {
    const { opt, params } = setup(make);
    const dict = opt.stateDict();
    const key = ({ SGD: 'momentum', Adagrad: 'lrDecay', Adadelta: 'rho', RMSprop: 'alpha', Adam: 'eps', AdamW: 'weightDecay' } as Record<string, string>)[name]!;
    (dict.paramGroups[0] as unknown as Record<string, number>)[key] = -1;
    const before = snapshot(opt, params);
    const e = failure(() => opt.loadStateDict(dict));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toMatch(new RegExp(key));
    expectUnchanged(opt, params, before);
  });
});

describe('scheduler loadStateDict', () => {
  /** The scheduler's state and the groups' lr. */
  const look = (sched: { stateDict(): unknown; optimizer: { paramGroups: { lr: number }[] } }) =>
    JSON.stringify([sched.stateDict(), sched.optimizer.paramGroups.map((g) => g.lr)]);

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['a negative lastEpoch', { lastEpoch: -1, baseLrs: [0.1] }, /lastEpoch.*-1/],
    ['a fractional lastEpoch', { lastEpoch: 2.5, baseLrs: [0.1] }, /lastEpoch.*2\.5/],
    ['a negative base lr', { lastEpoch: 3, baseLrs: [-1] }, /baseLrs\[0\].*-1/],
    ['a NaN base lr', { lastEpoch: 3, baseLrs: [Number.NaN] }, /baseLrs\[0\].*NaN/],
  ];
  it.each(bad)('StepLR with %s changes nothing', (_what, state, message) => {
    const opt = new SGD([param([1])], { lr: 0.1 });
    const sched = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    sched.step();
    const before = look(sched);
    const e = failure(() => sched.loadStateDict(state as never));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toMatch(/^StepLR\.loadStateDict: /);
    expect(e.message).toMatch(message);
    expect(look(sched)).toBe(before);
  });

  it('LambdaLR whose lambda fails at the loaded epoch changes nothing', () => {
    const opt = new SGD([param([1])], { lr: 0.1 });
    const sched = new LambdaLR(opt, (epoch) => {
      if (epoch > 3) throw new Error('no schedule past epoch 3');
      return 1 / (epoch + 1);
    });
    sched.step();
    const before = look(sched);
    expect(() => sched.loadStateDict({ lastEpoch: 5, baseLrs: [0.2] })).toThrow('no schedule past epoch 3');
    expect(look(sched)).toBe(before);
  });

  it('LambdaLR whose lambda gives a negative factor at the loaded epoch changes nothing', () => {
    const opt = new SGD([param([1])], { lr: 0.1 });
    const sched = new LambdaLR(opt, (epoch) => 1 - epoch);
    const before = look(sched);
    const e = failure(() => sched.loadStateDict({ lastEpoch: 5, baseLrs: [0.2] }));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toMatch(/LambdaLR\.loadStateDict: .*group 0.*-0\.8/);
    expect(look(sched)).toBe(before);
  });

  const plateau: [string, Record<string, unknown>, RegExp][] = [
    ['a negative numBadEpochs', { numBadEpochs: -1 }, /numBadEpochs.*-1/],
    ['a fractional cooldownCounter', { cooldownCounter: 0.5 }, /cooldownCounter.*0\.5/],
    ['a NaN best', { best: Number.NaN }, /best.*NaN/],
    ['a missing lastEpoch', { lastEpoch: undefined }, /lastEpoch.*undefined/],
  ];
  it.each(plateau)('ReduceLROnPlateau with %s changes nothing', (_what, change, message) => {
    const opt = new SGD([param([1])], { lr: 0.1 });
    const sched = new ReduceLROnPlateau(opt, { patience: 1 });
    sched.step(1);
    sched.step(2);
    const before = look(sched);
    const e = failure(() => sched.loadStateDict({ ...sched.stateDict(), ...change } as never));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toMatch(/^ReduceLROnPlateau\.loadStateDict: /);
    expect(e.message).toMatch(message);
    expect(look(sched)).toBe(before);
  });
});
