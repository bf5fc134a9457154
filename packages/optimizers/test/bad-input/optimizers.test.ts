/**
 * Bad input to the optimizers, regularizers and gradient clipping: bad options (negative, NaN),
 * parameters that are not float32 or were disposed, gradients of another shape, dtype or backend
 * or disposed, and state dicts that do not fit. A failed call changes nothing: parameters,
 * gradients, optimizer state and options, `memory()`.
 */
import {
  BackendError,
  DTypeError,
  DisposedError,
  ShapeError,
  ValueError,
  tensor,
  type Tensor,
} from '@profundo/core';
import {
  Adadelta,
  Adagrad,
  Adam,
  AdamW,
  RMSprop,
  SGD,
  clipGradNorm,
  clipGradValue,
  l1Penalty,
  l2Penalty,
  type BaseOptions,
  type Optimizer,
} from '../../src/index.js';
import { CPU } from '../helpers.js';
import { runCases, useBackends, type BadInputCase } from './runner.js';

const onOther = useBackends(CPU.name, CPU.create);

const f32 = (shape: number[], start = 1): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, (_, i) => start + ((i % 5) - 2) / 4), { shape });
};
const i32 = (shape: number[]): Tensor => tensor(new Int32Array(shape.reduce((a, b) => a * b, 1)), { shape, dtype: 'int32' });
const disposed = (t: Tensor): Tensor => {
  t.dispose();
  return t;
};

/** Two parameters, p0 [2, 3] and p1 [3], with gradients. */
function params(): Tensor[] {
  const p = [f32([2, 3]).requiresGrad_(), f32([3], 2).requiresGrad_()];
  p.forEach((q, i) => (q.grad = f32(q.shape as number[], 0.5 + i)));
  return p;
}

type Make = (p: Tensor[], extra?: object) => Optimizer<BaseOptions>;
const OPTIMIZERS: [string, Make][] = [
  ['SGD', (p, o) => new SGD(p, { lr: 0.1, momentum: 0.9, ...o }) as Optimizer<BaseOptions>],
  ['Adagrad', (p, o) => new Adagrad(p, { lr: 0.1, ...o }) as Optimizer<BaseOptions>],
  ['Adadelta', (p, o) => new Adadelta(p, { ...o }) as Optimizer<BaseOptions>],
  ['RMSprop', (p, o) => new RMSprop(p, { lr: 0.01, momentum: 0.5, centered: true, ...o }) as Optimizer<BaseOptions>],
  ['Adam', (p, o) => new Adam(p, { lr: 0.01, amsgrad: true, ...o }) as Optimizer<BaseOptions>],
  ['AdamW', (p, o) => new AdamW(p, { lr: 0.01, ...o }) as Optimizer<BaseOptions>],
];

/** An optimizer over params() that took one step (so it has state), with fresh gradients. */
function stepped(make: Make): { p: Tensor[]; opt: Optimizer<BaseOptions> } {
  const p = params();
  const opt = make(p);
  opt.step();
  p.forEach((q, i) => {
    q.grad!.dispose();
    q.grad = f32(q.shape as number[], 1.5 + i);
  });
  return { p, opt };
}

/** The state dict of `opt` with the first tensor of parameter 1's state replaced by `value(old)`. */
function spoiled(opt: Optimizer<BaseOptions>, value: (old: Tensor) => Tensor | number) {
  const dict = opt.stateDict();
  const s = dict.state[1]!;
  const key = Object.keys(s).find((k) => typeof s[k] !== 'number')!;
  const old = s[key] as Tensor;
  s[key] = value(old);
  old.dispose();
  return { dict, key };
}

const generic: BadInputCase[] = OPTIMIZERS.flatMap(([name, make]): BadInputCase[] => [
  { name: `${name}: lr -1`, make: () => ({ p: params() }), call: ({ p }) => make(p, { lr: -1 }), error: ValueError, op: name, mentions: ['lr', '-1'] },
  { name: `${name}: lr NaN in a parameter group`, make: () => ({ p: params() }), call: ({ p }) => make([{ params: [p[0]!] }, { params: [p[1]!], lr: NaN }] as never), error: ValueError, op: name, mentions: ['lr', 'NaN'] },
  { name: `${name}: no parameters`, make: () => ({}), call: () => make([]), error: ValueError, op: name, mentions: ['no parameters'] },
  { name: `${name}: an int32 parameter`, make: () => ({ p: [...params(), i32([2])] }), call: ({ p }) => make(p), error: DTypeError, op: name, mentions: ['int32'] },
  { name: `${name}: a disposed parameter`, make: () => ({ p: [params()[0]!, disposed(f32([4]).requiresGrad_())] }), call: ({ p }) => make(p), error: DisposedError, op: name, mentions: ['[4]'] },
  { name: `${name}: a parameter listed twice`, make: () => { const p = params(); return { p: [p[0]!, p[1]!, p[0]!] }; }, call: ({ p }) => make(p), error: ValueError, op: name, mentions: ['more than one'] },
  { name: `${name}.step: parameter 1's gradient of another shape`, make: () => { const c = stepped(make); c.p[1]!.grad!.dispose(); c.p[1]!.grad = f32([4]); return c; }, call: ({ opt }) => opt.step(), error: ShapeError, op: `${name}.step`, mentions: ['parameter 1', '[3]', '[4]'] },
  { name: `${name}.step: an int32 gradient`, make: () => { const c = stepped(make); c.p[1]!.grad!.dispose(); c.p[1]!.grad = i32([3]); return c; }, call: ({ opt }) => opt.step(), error: DTypeError, op: `${name}.step`, mentions: ['parameter 1', 'int32'] },
  { name: `${name}.step: a disposed gradient`, make: () => { const c = stepped(make); c.p[1]!.grad!.dispose(); return c; }, call: ({ opt }) => opt.step(), error: DisposedError, op: `${name}.step`, mentions: ['parameter 1', '[3]'] },
  { name: `${name}.step: a gradient on another backend`, make: async () => { const c = stepped(make); c.p[1]!.grad!.dispose(); c.p[1]!.grad = await onOther(() => f32([3])); return c; }, call: ({ opt }) => opt.step(), error: BackendError, op: `${name}.step`, mentions: ['parameter 1', "'other'"] },
  { name: `${name}.step: lr set to NaN between steps`, make: () => { const c = stepped(make); c.opt.paramGroups[0]!.lr = NaN; return c; }, call: ({ opt }) => opt.step(), error: ValueError, op: `${name}.step`, mentions: ['group 0', 'NaN'] },
  { name: `${name}.loadStateDict: lr -1`, make: () => { const c = stepped(make); const dict = c.opt.stateDict(); dict.paramGroups[0]!.lr = -1; return { ...c, dict }; }, call: ({ opt, dict }) => opt.loadStateDict(dict), error: ValueError, op: `${name}.loadStateDict`, mentions: ['-1'] },
  { name: `${name}.loadStateDict: two groups for one`, make: () => { const c = stepped(make); const dict = c.opt.stateDict(); dict.paramGroups.push({ ...dict.paramGroups[0]!, params: [] }); return { ...c, dict }; }, call: ({ opt, dict }) => opt.loadStateDict(dict), error: ValueError, op: `${name}.loadStateDict`, mentions: ['got 2'] },
  { name: `${name}.loadStateDict: null`, make: () => stepped(make), call: ({ opt }) => opt.loadStateDict(null as never), error: ValueError, op: `${name}.loadStateDict`, mentions: ['null'] },
  { name: `${name}.loadStateDict: state for parameter 5 of 2`, make: () => { const c = stepped(make); const dict = c.opt.stateDict(); dict.state[5] = dict.state[0]!; return { ...c, dict }; }, call: ({ opt, dict }) => opt.loadStateDict(dict), error: ValueError, op: `${name}.loadStateDict`, mentions: ['parameter 5'] },
  { name: `${name}.loadStateDict: a state tensor of another shape`, make: () => { const c = stepped(make); return { ...c, ...spoiled(c.opt, () => f32([2, 2])) }; }, call: ({ opt, dict }) => opt.loadStateDict(dict), error: ValueError, op: `${name}.loadStateDict`, mentions: ['parameter 1', '[2,2]'] },
  { name: `${name}.loadStateDict: an int32 state tensor`, make: () => { const c = stepped(make); return { ...c, ...spoiled(c.opt, () => i32([3])) }; }, call: ({ opt, dict }) => opt.loadStateDict(dict), error: DTypeError, op: `${name}.loadStateDict`, mentions: ['int32'] },
  { name: `${name}.loadStateDict: a disposed state tensor`, make: () => { const c = stepped(make); return { ...c, ...spoiled(c.opt, () => disposed(f32([3]))) }; }, call: ({ opt, dict }) => opt.loadStateDict(dict), error: DisposedError, op: `${name}.loadStateDict`, mentions: ['parameter 1'] },
  { name: `${name}.loadStateDict: a state tensor on another backend`, make: async () => { const c = stepped(make); const other = await onOther(() => f32([3])); return { ...c, ...spoiled(c.opt, () => other) }; }, call: ({ opt, dict }) => opt.loadStateDict(dict), error: BackendError, op: `${name}.loadStateDict`, mentions: ["'other'"] },
]);

const o = (): { p: Tensor[] } => ({ p: params() });
const options: BadInputCase[] = [
  { name: 'SGD: momentum -0.5', make: o, call: ({ p }) => new SGD(p, { lr: 0.1, momentum: -0.5 }), error: ValueError, op: 'SGD', mentions: ['momentum', '-0.5'] },
  { name: 'SGD: weightDecay NaN', make: o, call: ({ p }) => new SGD(p, { lr: 0.1, weightDecay: NaN }), error: ValueError, op: 'SGD', mentions: ['weightDecay', 'NaN'] },
  { name: 'SGD: Nesterov without momentum', make: o, call: ({ p }) => new SGD(p, { lr: 0.1, nesterov: true }), error: ValueError, op: 'SGD', mentions: ['Nesterov', 'momentum'] },
  { name: 'SGD: dampening NaN', make: o, call: ({ p }) => new SGD(p, { lr: 0.1, momentum: 0.9, dampening: NaN }), error: ValueError, op: 'SGD', mentions: ['dampening', 'NaN'] },
  { name: 'SGD: lr missing', make: o, call: ({ p }) => new SGD(p, {} as never), error: ValueError, op: 'SGD', mentions: ['lr', 'undefined'] },
  { name: 'Adagrad: lrDecay -1', make: o, call: ({ p }) => new Adagrad(p, { lrDecay: -1 }), error: ValueError, op: 'Adagrad', mentions: ['lrDecay', '-1'] },
  { name: 'Adagrad: initialAccumulatorValue -1', make: o, call: ({ p }) => new Adagrad(p, { initialAccumulatorValue: -1 }), error: ValueError, op: 'Adagrad', mentions: ['initialAccumulatorValue', '-1'] },
  { name: 'Adagrad: eps NaN', make: o, call: ({ p }) => new Adagrad(p, { eps: NaN }), error: ValueError, op: 'Adagrad', mentions: ['eps', 'NaN'] },
  { name: 'Adadelta: rho 1.5', make: o, call: ({ p }) => new Adadelta(p, { rho: 1.5 }), error: ValueError, op: 'Adadelta', mentions: ['rho', '1.5'] },
  { name: 'Adadelta: weightDecay -1', make: o, call: ({ p }) => new Adadelta(p, { weightDecay: -1 }), error: ValueError, op: 'Adadelta', mentions: ['weightDecay', '-1'] },
  { name: 'RMSprop: alpha -1', make: o, call: ({ p }) => new RMSprop(p, { alpha: -1 }), error: ValueError, op: 'RMSprop', mentions: ['alpha', '-1'] },
  { name: 'RMSprop: momentum NaN', make: o, call: ({ p }) => new RMSprop(p, { momentum: NaN }), error: ValueError, op: 'RMSprop', mentions: ['momentum', 'NaN'] },
  { name: 'Adam: betas[0] of 1', make: o, call: ({ p }) => new Adam(p, { betas: [1, 0.999] }), error: ValueError, op: 'Adam', mentions: ['betas[0]', '1'] },
  { name: 'Adam: betas[1] NaN', make: o, call: ({ p }) => new Adam(p, { betas: [0.9, NaN] }), error: ValueError, op: 'Adam', mentions: ['betas[1]', 'NaN'] },
  { name: 'Adam: one beta', make: o, call: ({ p }) => new Adam(p, { betas: [0.9] as never }), error: ValueError, op: 'Adam', mentions: ['betas', '[0.9]'] },
  { name: 'Adam: eps -1', make: o, call: ({ p }) => new Adam(p, { eps: -1 }), error: ValueError, op: 'Adam', mentions: ['eps', '-1'] },
  { name: 'AdamW: weightDecay -0.1', make: o, call: ({ p }) => new AdamW(p, { weightDecay: -0.1 }), error: ValueError, op: 'AdamW', mentions: ['weightDecay', '-0.1'] },
  { name: 'Adam.addParamGroup: a parameter already in a group', make: () => { const p = params(); return { p, opt: new Adam([p[0]!]) }; }, call: ({ p, opt }) => opt.addParamGroup({ params: [p[1]!, p[0]!] }), error: ValueError, op: 'Adam', mentions: ['more than one'] },
  { name: 'SGD.addParamGroup: lr -2', make: () => { const p = params(); return { p, opt: new SGD([p[0]!], { lr: 0.1 }) }; }, call: ({ p, opt }) => opt.addParamGroup({ params: [p[1]!], lr: -2 }), error: ValueError, op: 'SGD', mentions: ['-2'] },
  { name: 'Adam.loadStateDict: a negative step count', make: () => { const c = stepped(OPTIMIZERS[4]![1]); const dict = c.opt.stateDict(); dict.state[0]!['step'] = -1; return { ...c, dict }; }, call: ({ opt, dict }) => opt.loadStateDict(dict), error: ValueError, op: 'Adam.loadStateDict', mentions: ['step', '-1'] },
  { name: 'AdamW.loadStateDict: a fractional step count', make: () => { const c = stepped(OPTIMIZERS[5]![1]); const dict = c.opt.stateDict(); dict.state[1]!['step'] = 1.5; return { ...c, dict }; }, call: ({ opt, dict }) => opt.loadStateDict(dict), error: ValueError, op: 'AdamW.loadStateDict', mentions: ['step', '1.5'] },
  { name: 'Adam.loadStateDict: betas of three numbers', make: () => { const c = stepped(OPTIMIZERS[4]![1]); const dict = c.opt.stateDict(); (dict.paramGroups[0] as unknown as { betas: number[] }).betas = [0.9, 0.99, 2]; return { ...c, dict }; }, call: ({ opt, dict }) => opt.loadStateDict(dict), error: ValueError, op: 'Adam.loadStateDict', mentions: ['betas'] },
];

const withGrads = (): { p: Tensor[] } => ({ p: params() });
const clipping: BadInputCase[] = [
  { name: 'clipGradNorm: maxNorm -1', make: withGrads, call: ({ p }) => clipGradNorm(p, -1), error: ValueError, op: 'clipGradNorm', mentions: ['maxNorm', '-1'] },
  { name: 'clipGradNorm: maxNorm NaN', make: withGrads, call: ({ p }) => clipGradNorm(p, NaN), error: ValueError, op: 'clipGradNorm', mentions: ['NaN'] },
  { name: 'clipGradNorm: normType 0', make: withGrads, call: ({ p }) => clipGradNorm(p, 1, 0), error: ValueError, op: 'clipGradNorm', mentions: ['normType', 'got 0'] },
  { name: 'clipGradNorm: normType NaN', make: withGrads, call: ({ p }) => clipGradNorm(p, 1, NaN), error: ValueError, op: 'clipGradNorm', mentions: ['NaN'] },
  { name: 'clipGradNorm: a disposed gradient', make: () => { const c = withGrads(); c.p[1]!.grad!.dispose(); return c; }, call: ({ p }) => clipGradNorm(p, 1), error: DisposedError, op: 'clipGradNorm', mentions: ['parameter 1', '[3]'] },
  { name: 'clipGradNorm: an int32 gradient', make: () => { const c = withGrads(); c.p[0]!.grad!.dispose(); c.p[0]!.grad = i32([2, 3]); return c; }, call: ({ p }) => clipGradNorm(p, 1), error: DTypeError, op: 'clipGradNorm', mentions: ['parameter 0', 'int32'] },
  { name: 'clipGradNorm: gradients on two backends', make: async () => { const c = withGrads(); c.p[1]!.grad!.dispose(); c.p[1]!.grad = await onOther(() => f32([3])); return c; }, call: ({ p }) => clipGradNorm(p, 1), error: BackendError, op: 'clipGradNorm', mentions: ['parameter 1', "'other'"] },
  { name: 'clipGradValue: clipValue -1', make: withGrads, call: ({ p }) => clipGradValue(p, -1), error: ValueError, op: 'clipGradValue', mentions: ['clipValue', '-1'] },
  { name: 'clipGradValue: clipValue NaN', make: withGrads, call: ({ p }) => clipGradValue(p, NaN), error: ValueError, op: 'clipGradValue', mentions: ['NaN'] },
  { name: 'clipGradValue: a disposed gradient (the other one not clipped)', make: () => { const c = withGrads(); c.p[1]!.grad!.dispose(); return c; }, call: ({ p }) => clipGradValue(p, 0.1), error: DisposedError, op: 'clipGradValue', mentions: ['parameter 1'] },
  { name: 'clipGradValue: a bool gradient', make: () => { const c = withGrads(); c.p[1]!.grad!.dispose(); c.p[1]!.grad = tensor([true, false, true]); return c; }, call: ({ p }) => clipGradValue(p, 0.1), error: DTypeError, op: 'clipGradValue', mentions: ['parameter 1', 'bool'] },
  { name: 'l2Penalty: lambda -1', make: withGrads, call: ({ p }) => l2Penalty(p, -1), error: ValueError, op: 'l2Penalty', mentions: ['lambda', '-1'] },
  { name: 'l2Penalty: lambda Infinity', make: withGrads, call: ({ p }) => l2Penalty(p, Infinity), error: ValueError, op: 'l2Penalty', mentions: ['Infinity'] },
  { name: 'l2Penalty: no parameters', make: () => ({}), call: () => l2Penalty([], 0.1), error: ValueError, op: 'l2Penalty', mentions: ['no parameters'] },
  { name: 'l2Penalty: an int32 parameter', make: () => ({ p: [f32([2]), i32([2])] }), call: ({ p }) => l2Penalty(p, 0.1), error: DTypeError, op: 'l2Penalty', mentions: ['int32'] },
  { name: 'l2Penalty: a disposed parameter', make: () => ({ p: [f32([2]), disposed(f32([5]))] }), call: ({ p }) => l2Penalty(p, 0.1), error: DisposedError, op: 'l2Penalty', mentions: ['[5]'] },
  { name: 'l2Penalty: parameters on two backends', make: async () => ({ p: [f32([2]), await onOther(() => f32([2]))] }), call: ({ p }) => l2Penalty(p, 0.1), error: BackendError, op: 'l2Penalty', mentions: ["'other'"] },
  { name: 'l1Penalty: lambda NaN', make: withGrads, call: ({ p }) => l1Penalty(p, NaN), error: ValueError, op: 'l1Penalty', mentions: ['NaN'] },
  { name: 'l1Penalty: a bool parameter', make: () => ({ p: [tensor([true, false])] }), call: ({ p }) => l1Penalty(p, 0.1), error: DTypeError, op: 'l1Penalty', mentions: ['bool'] },
  { name: 'l1Penalty: a disposed parameter', make: () => ({ p: [disposed(f32([3]))] }), call: ({ p }) => l1Penalty(p, 0.1), error: DisposedError, op: 'l1Penalty', mentions: ['[3]'] },
];

runCases('optimizers: options, parameters, step and loadStateDict', generic);
runCases('optimizers: their own options', options);
runCases('gradient clipping and penalties', clipping);
