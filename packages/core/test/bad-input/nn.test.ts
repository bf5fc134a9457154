/**
 * Bad input to core's nn: Linear, Sequential, Dropout, the activation modules, Parameter,
 * Module.loadStateDict, the initializers and the losses. A failed call leaves the module's
 * parameters and buffers (and the inputs, and memory()) as they were.
 */
import { beforeAll } from 'vitest';
import * as pf from '@profundo/core';
import { BackendError, DTypeError, DisposedError, ShapeError, ValueError, nn, ones, zeros, type Tensor } from '@profundo/core';
import { runCases, type BadInputCase } from './runner.js';
import { bool, disposed, f32, i32, onOther, useBackends } from './fixtures.js';

beforeAll(useBackends);

const none = (): [] => [];
const lin = () => ({ m: new nn.Linear(3, 2), x: f32([4, 3]) });
const mlp = () => new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));

const layers: BadInputCase[] = [
  { name: 'Linear: inFeatures 0', make: none, call: () => new nn.Linear(0, 2), error: ValueError, op: 'Linear', mentions: ['inFeatures', 'got 0'] },
  { name: 'Linear: outFeatures NaN', make: none, call: () => new nn.Linear(3, NaN), error: ValueError, op: 'Linear', mentions: ['outFeatures', 'NaN'] },
  { name: 'Linear: an int32 input', make: () => ({ ...lin(), x: i32([4, 3]) }), call: ({ m, x }) => m.forward(x), error: DTypeError, op: 'Linear', mentions: ['int32', '[4,3]'] },
  { name: 'Linear: a bool input', make: () => ({ ...lin(), x: bool([3]) }), call: ({ m, x }) => m.forward(x), error: DTypeError, op: 'Linear', mentions: ['bool'] },
  { name: 'Linear: the wrong last dim', make: () => ({ ...lin(), x: f32([4, 5]) }), call: ({ m, x }) => m.forward(x), error: ShapeError, op: 'Linear', mentions: ['[4,5]', '3'] },
  { name: 'Linear: a scalar input', make: () => ({ ...lin(), x: pf.scalar(1) }), call: ({ m, x }) => m.forward(x), error: ShapeError, op: 'Linear', mentions: ['[]'] },
  { name: 'Linear: a disposed input', make: () => ({ ...lin(), x: disposed(f32([4, 3])) }), call: ({ m, x }) => m.forward(x), error: DisposedError, op: 'Linear', mentions: ['[4,3]'] },
  { name: 'Linear: an input on another backend', make: async () => ({ ...lin(), x: await onOther(() => f32([4, 3])) }), call: ({ m, x }) => m.forward(x), error: BackendError, op: 'Linear', mentions: ["'other'"] },
  { name: 'Sequential: a later Linear of the wrong size (earlier outputs freed)', make: () => ({ m: new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(5, 2)), x: f32([2, 3]) }), call: ({ m, x }) => m.forward(x), error: ShapeError, op: 'Linear', mentions: ['[2,4]'] },
  { name: 'Sequential: a later softmax over a dim out of range', make: () => ({ m: new nn.Sequential(new nn.Linear(3, 4), new nn.Softmax(2)), x: f32([2, 3]) }), call: ({ m, x }) => m.forward(x), error: ShapeError, op: 'softmax', mentions: ['dim 2'] },
  { name: 'Sequential: an int32 input', make: () => ({ m: mlp(), x: i32([2, 3]) }), call: ({ m, x }) => m.forward(x), error: DTypeError, op: 'Linear', mentions: ['int32'] },
  { name: 'Dropout: p 2', make: none, call: () => new nn.Dropout(2), error: ValueError, op: 'Dropout', mentions: ['got 2'] },
  { name: 'Dropout: p NaN', make: none, call: () => new nn.Dropout(NaN), error: ValueError, op: 'Dropout', mentions: ['NaN'] },
  { name: 'Dropout: an int32 input in training', make: () => ({ m: new nn.Dropout(0.5), x: i32([4]) }), call: ({ m, x }) => m.forward(x), error: DTypeError, op: 'Dropout', mentions: ['int32'] },
  { name: 'Dropout: a bool input in evaluation', make: () => ({ m: new nn.Dropout(0.5).eval(), x: bool([4]) }), call: ({ m, x }) => m.forward(x), error: DTypeError, op: 'Dropout', mentions: ['bool'] },
  { name: 'dropout: p -0.1', make: () => [f32([4])], call: ([x]) => nn.dropout(x, -0.1), error: ValueError, op: 'dropout', mentions: ['-0.1'] },
  { name: 'dropout: a disposed input', make: () => [disposed(f32([4]))], call: ([x]) => nn.dropout(x, 0.5), error: DisposedError, op: 'dropout', mentions: ['[4]'] },
  { name: 'ReLU: a bool input', make: () => ({ m: new nn.ReLU(), x: bool([3]) }), call: ({ m, x }) => m.forward(x), error: DTypeError, op: 'relu', mentions: ['bool'] },
  { name: 'Sigmoid: an int32 input', make: () => ({ m: new nn.Sigmoid(), x: i32([3]) }), call: ({ m, x }) => m.forward(x), error: DTypeError, op: 'sigmoid', mentions: ['int32'] },
  { name: 'Tanh: a disposed input', make: () => ({ m: new nn.Tanh(), x: disposed(f32([3])) }), call: ({ m, x }) => m.forward(x), error: DisposedError, op: 'tanh', mentions: ['[3]'] },
  { name: 'GELU: an int32 input', make: () => ({ m: new nn.GELU(), x: i32([3]) }), call: ({ m, x }) => m.forward(x), error: DTypeError, op: 'gelu', mentions: ['int32'] },
  { name: 'Softmax: dim out of range', make: () => ({ m: new nn.Softmax(1), x: f32([3]) }), call: ({ m, x }) => m.forward(x), error: ShapeError, op: 'softmax', mentions: ['dim 1'] },
  { name: 'LogSoftmax: an int32 input', make: () => ({ m: new nn.LogSoftmax(), x: i32([2, 3]) }), call: ({ m, x }) => m.forward(x), error: DTypeError, op: 'logSoftmax', mentions: ['int32'] },
  { name: 'Parameter: an int32 tensor', make: () => [i32([2])], call: ([t]) => new nn.Parameter(t), error: DTypeError, op: 'Parameter', mentions: ['int32'] },
  { name: 'Parameter: a disposed tensor', make: () => [disposed(f32([2]))], call: ([t]) => new nn.Parameter(t), error: DisposedError, op: 'Parameter', mentions: ['[2]'] },
];

/** A model and a state dict for it whose values differ from the model's. */
const sd = () => {
  const m = mlp();
  const state = Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, f32(v.shape)]));
  return { m, state: state as Record<string, Tensor> };
};
const stateDicts: BadInputCase[] = [
  { name: 'loadStateDict: a missing key', make: () => { const c = sd(); delete c.state['2.bias']; return c; }, call: ({ m, state }) => m.loadStateDict(state), error: ValueError, op: 'loadStateDict', mentions: ['2.bias'] },
  { name: 'loadStateDict: an unexpected key', make: () => { const c = sd(); c.state['3.weight'] = f32([2]); return c; }, call: ({ m, state }) => m.loadStateDict(state), error: ValueError, op: 'loadStateDict', mentions: ['3.weight'] },
  { name: 'loadStateDict: the last tensor of the wrong shape', make: () => { const c = sd(); c.state['2.bias'] = f32([3]); return c; }, call: ({ m, state }) => m.loadStateDict(state), error: ShapeError, op: 'loadStateDict', mentions: ['2.bias', '[3]'] },
  { name: 'loadStateDict: an int32 tensor', make: () => { const c = sd(); c.state['0.bias'] = i32([4]); return c; }, call: ({ m, state }) => m.loadStateDict(state), error: DTypeError, op: 'loadStateDict', mentions: ['0.bias', 'int32'] },
  { name: 'loadStateDict: a disposed tensor', make: () => { const c = sd(); c.state['2.weight'] = disposed(f32([2, 4])); return c; }, call: ({ m, state }) => m.loadStateDict(state), error: DisposedError, op: 'loadStateDict', mentions: ['2.weight'] },
  { name: 'loadStateDict: a number instead of a tensor', make: () => { const c = sd(); (c.state as Record<string, unknown>)['0.weight'] = 1; return c; }, call: ({ m, state }) => m.loadStateDict(state), error: ValueError, op: 'loadStateDict', mentions: ['0.weight', 'number'] },
  { name: 'loadStateDict: null', make: () => ({ m: mlp() }), call: ({ m }) => m.loadStateDict(null as never), error: ValueError, op: 'loadStateDict', mentions: ['null'] },
  { name: 'loadStateDict: not strict, still the wrong shape', make: () => ({ m: mlp(), state: { '0.weight': f32([4, 2]) } }), call: ({ m, state }) => m.loadStateDict(state, { strict: false }), error: ShapeError, op: 'loadStateDict', mentions: ['[4,2]'] },
];

const inits: BadInputCase[] = [
  { name: 'init.xavierUniform: a rank-1 tensor', make: () => [zeros([3])], call: ([t]) => nn.init.xavierUniform(t), error: ShapeError, op: 'xavierUniform', mentions: ['[3]'] },
  { name: 'init.xavierNormal: a scalar', make: () => [pf.scalar(0)], call: ([t]) => nn.init.xavierNormal(t), error: ShapeError, op: 'xavierNormal', mentions: ['[]'] },
  { name: 'init.xavierUniform: a NaN gain', make: () => [zeros([2, 3])], call: ([t]) => nn.init.xavierUniform(t, NaN), error: ValueError, op: 'xavierUniform', mentions: ['NaN'] },
  { name: 'init.kaimingUniform: an int32 tensor', make: () => [i32([2, 3])], call: ([t]) => nn.init.kaimingUniform(t), error: DTypeError, op: 'kaimingUniform', mentions: ['int32'] },
  { name: 'init.kaimingNormal: an unknown mode', make: () => [zeros([2, 3])], call: ([t]) => nn.init.kaimingNormal(t, { mode: 'fanAvg' as never }), error: ValueError, op: 'kaimingNormal', mentions: ["'fanAvg'"] },
  { name: 'init.kaimingUniform: an unknown nonlinearity', make: () => [zeros([2, 3])], call: ([t]) => nn.init.kaimingUniform(t, { nonlinearity: 'swish' as never }), error: ValueError, op: 'kaimingUniform', mentions: ["'swish'"] },
  { name: 'init.calculateGain: an unknown nonlinearity', make: none, call: () => nn.init.calculateGain('swish' as never), error: ValueError, op: 'calculateGain', mentions: ["'swish'"] },
  { name: 'init.uniform: low above high', make: () => [zeros([3])], call: ([t]) => nn.init.uniform(t, 1, 0), error: ValueError, op: 'uniform', mentions: ['1', '0'] },
  { name: 'init.uniform: a disposed tensor', make: () => [disposed(zeros([3]))], call: ([t]) => nn.init.uniform(t), error: DisposedError, op: 'uniform', mentions: ['[3]'] },
  { name: 'init.normal: a negative std', make: () => [zeros([3])], call: ([t]) => nn.init.normal(t, 0, -1), error: ValueError, op: 'normal', mentions: ['-1'] },
  { name: 'init.normal: a bool tensor', make: () => [bool([3])], call: ([t]) => nn.init.normal(t), error: DTypeError, op: 'normal', mentions: ['bool'] },
  { name: 'init.constant: a fractional value for int32', make: () => [i32([3])], call: ([t]) => nn.init.constant(t, 0.5), error: DTypeError, op: 'constant', mentions: ['0.5'] },
  { name: 'init.constant: 2 for bool', make: () => [bool([3])], call: ([t]) => nn.init.constant(t, 2), error: DTypeError, op: 'constant', mentions: ['value 2'] },
  { name: 'init.constant: an int32 value of 2^31', make: () => [i32([3])], call: ([t]) => nn.init.constant(t, 2 ** 31), error: ValueError, op: 'constant', mentions: ['2147483648'] },
];

const cls = (input = f32([3, 4]), target = i32([3], [0, 3, 1])) => [input, target];
const losses: BadInputCase[] = [
  { name: 'mseLoss: shapes that differ (no broadcasting)', make: () => [f32([2, 3]), f32([3])], call: ([a, b]) => nn.mseLoss(a, b), error: ShapeError, op: 'mseLoss', mentions: ['[2,3]', '[3]'] },
  { name: 'mseLoss: an int32 target', make: () => [f32([3]), i32([3])], call: ([a, b]) => nn.mseLoss(a, b), error: DTypeError, op: 'mseLoss', mentions: ['int32'] },
  { name: "mseLoss: reduction 'avg'", make: () => [f32([3]), f32([3])], call: ([a, b]) => nn.mseLoss(a, b, { reduction: 'avg' as never }), error: ValueError, op: 'mseLoss', mentions: ["'avg'"] },
  { name: 'mseLoss: a disposed input', make: () => [disposed(f32([3])), f32([3])], call: ([a, b]) => nn.mseLoss(a, b), error: DisposedError, op: 'mseLoss', mentions: ['[3]'] },
  { name: 'mseLoss: a target on another backend', make: async () => [f32([3]), await onOther(() => f32([3]))], call: ([a, b]) => nn.mseLoss(a, b), error: BackendError, op: 'mseLoss', mentions: ["'other'"] },
  { name: 'crossEntropy: a float32 target', make: () => cls(undefined, f32([3])), call: ([a, t]) => nn.crossEntropy(a, t), error: DTypeError, op: 'crossEntropy', mentions: ['float32'] },
  { name: 'crossEntropy: a class index past the end', make: () => cls(undefined, i32([3], [0, 4, 1])), call: ([a, t]) => nn.crossEntropy(a, t), error: ValueError, op: 'crossEntropy', mentions: ['index 4', 'size 4'] },
  { name: 'crossEntropy: a negative class index', make: () => cls(undefined, i32([3], [0, -1, 1])), call: ([a, t]) => nn.crossEntropy(a, t), error: ValueError, op: 'crossEntropy', mentions: ['index -1'] },
  { name: 'crossEntropy: rank-3 logits with a target missing their last dim', make: () => cls(f32([3, 4, 2])), call: ([a, t]) => nn.crossEntropy(a, t), error: ShapeError, op: 'crossEntropy', mentions: ['[3,4,2]'] },
  { name: 'crossEntropy: a target of another length', make: () => cls(undefined, i32([2], [0, 1])), call: ([a, t]) => nn.crossEntropy(a, t), error: ShapeError, op: 'crossEntropy', mentions: ['[3,4]', '[2]'] },
  { name: 'crossEntropy: int32 logits', make: () => cls(i32([3, 4])), call: ([a, t]) => nn.crossEntropy(a, t), error: DTypeError, op: 'crossEntropy', mentions: ['int32'] },
  { name: 'crossEntropy: a target on another backend', make: async () => [f32([3, 4]), await onOther(() => i32([3], [0, 1, 2]))], call: ([a, t]) => nn.crossEntropy(a, t), error: BackendError, op: 'crossEntropy', mentions: ["'other'"] },
  { name: 'crossEntropy: a disposed target', make: () => cls(undefined, disposed(i32([3], [0, 1, 2]))), call: ([a, t]) => nn.crossEntropy(a, t), error: DisposedError, op: 'crossEntropy', mentions: ['[3]'] },
  { name: 'nllLoss: a bool input', make: () => cls(bool([3, 4])), call: ([a, t]) => nn.nllLoss(a, t), error: DTypeError, op: 'nllLoss', mentions: ['bool'] },
  { name: 'nllLoss: a 2-D target', make: () => cls(undefined, i32([3, 1], [0, 1, 2])), call: ([a, t]) => nn.nllLoss(a, t), error: ShapeError, op: 'nllLoss', mentions: ['[3,1]'] },
  { name: 'nllLoss: a class index past the end', make: () => cls(undefined, i32([3], [0, 1, 9])), call: ([a, t]) => nn.nllLoss(a, t, { reduction: 'sum' }), error: ValueError, op: 'nllLoss', mentions: ['index 9'] },
  { name: 'binaryCrossEntropy: a probability of 1.5', make: () => [pf.tensor([0.5, 1.5]), pf.tensor([0, 1])], call: ([p, t]) => nn.binaryCrossEntropy(p, t), error: ValueError, op: 'binaryCrossEntropy', mentions: ['1.5', 'position 1'] },
  { name: 'binaryCrossEntropy: a NaN probability', make: () => [pf.tensor([NaN, 0.5]), pf.tensor([0, 1])], call: ([p, t]) => nn.binaryCrossEntropy(p, t), error: ValueError, op: 'binaryCrossEntropy', mentions: ['NaN', 'position 0'] },
  { name: 'binaryCrossEntropy: a negative probability', make: () => [pf.tensor([-0.1]), pf.tensor([0])], call: ([p, t]) => nn.binaryCrossEntropy(p, t), error: ValueError, op: 'binaryCrossEntropy', mentions: ['-0.1'] },
  { name: 'binaryCrossEntropy: an infinite probability', make: () => [pf.tensor([0.5, Infinity]), pf.tensor([0, 1])], call: ([p, t]) => nn.binaryCrossEntropy(p, t), error: ValueError, op: 'binaryCrossEntropy', mentions: ['Infinity'] },
  { name: 'binaryCrossEntropy: shapes that differ', make: () => [ones([2]).mul(0.5), ones([2, 1])], call: ([p, t]) => nn.binaryCrossEntropy(p, t), error: ShapeError, op: 'binaryCrossEntropy', mentions: ['[2]', '[2,1]'] },
  { name: 'binaryCrossEntropy: an int32 target', make: () => [ones([2]).mul(0.5), i32([2])], call: ([p, t]) => nn.binaryCrossEntropy(p, t), error: DTypeError, op: 'binaryCrossEntropy', mentions: ['int32'] },
];

const newLosses: BadInputCase[] = [
  { name: 'crossEntropy: a weight of the wrong length', make: () => [...cls(), f32([3])], call: ([a, t, w]) => nn.crossEntropy(a, t, { weight: w }), error: ShapeError, op: 'crossEntropy', mentions: ['weight [3]', '[4]'] },
  { name: 'crossEntropy: an int32 weight', make: () => [...cls(), i32([4])], call: ([a, t, w]) => nn.crossEntropy(a, t, { weight: w }), error: DTypeError, op: 'crossEntropy', mentions: ['weight', 'int32'] },
  { name: 'crossEntropy: a 2-D weight', make: () => [...cls(), f32([1, 4])], call: ([a, t, w]) => nn.crossEntropy(a, t, { weight: w }), error: ShapeError, op: 'crossEntropy', mentions: ['[1,4]'] },
  { name: 'crossEntropy: a disposed weight', make: () => [...cls(), disposed(f32([4]))], call: ([a, t, w]) => nn.crossEntropy(a, t, { weight: w }), error: DisposedError, op: 'crossEntropy', mentions: ['[4]'] },
  { name: 'crossEntropy: a weight on another backend', make: async () => [...cls(), await onOther(() => f32([4]))], call: ([a, t, w]) => nn.crossEntropy(a, t, { weight: w }), error: BackendError, op: 'crossEntropy', mentions: ["'other'"] },
  { name: 'crossEntropy: labelSmoothing 1.5', make: () => cls(), call: ([a, t]) => nn.crossEntropy(a, t, { labelSmoothing: 1.5 }), error: ValueError, op: 'crossEntropy', mentions: ['labelSmoothing', '1.5'] },
  { name: 'crossEntropy: labelSmoothing NaN', make: () => cls(), call: ([a, t]) => nn.crossEntropy(a, t, { labelSmoothing: NaN }), error: ValueError, op: 'crossEntropy', mentions: ['NaN'] },
  { name: 'crossEntropy: a fractional ignoreIndex', make: () => cls(), call: ([a, t]) => nn.crossEntropy(a, t, { ignoreIndex: 0.5 }), error: ValueError, op: 'crossEntropy', mentions: ['ignoreIndex', '0.5'] },
  { name: 'crossEntropy: ignoreIndex with probability targets', make: () => [f32([3, 4]), f32([3, 4])], call: ([a, t]) => nn.crossEntropy(a, t, { ignoreIndex: 1 }), error: ValueError, op: 'crossEntropy', mentions: ['ignoreIndex', 'probabilities'] },
  { name: 'crossEntropy: [N, C, d] logits with a target missing d', make: () => cls(f32([3, 4, 2])), call: ([a, t]) => nn.crossEntropy(a, t), error: ShapeError, op: 'crossEntropy', mentions: ['[3,4,2]', '[3]'] },
  { name: 'crossEntropy: probability targets of another shape', make: () => [f32([3, 4]), f32([3, 5])], call: ([a, t]) => nn.crossEntropy(a, t), error: DTypeError, op: 'crossEntropy', mentions: ['[3,5]', '[3,4]'] },
  { name: 'crossEntropy: scalar logits', make: () => [pf.scalar(1), pf.tensor(0, { dtype: 'int32' })], call: ([a, t]) => nn.crossEntropy(a, t), error: ShapeError, op: 'crossEntropy', mentions: ['[]'] },
  { name: 'crossEntropy: a class index past the end in [N, C, d]', make: () => cls(f32([2, 3, 2]), i32([2, 2], [0, 1, 3, 2])), call: ([a, t]) => nn.crossEntropy(a, t, { reduction: 'none' }), error: ValueError, op: 'crossEntropy', mentions: ['index 3', 'size 3'] },
  { name: "crossEntropy: reduction 'batchmean'", make: () => cls(), call: ([a, t]) => nn.crossEntropy(a, t, { reduction: 'batchmean' as never }), error: ValueError, op: 'crossEntropy', mentions: ["'batchmean'"] },
  { name: 'nllLoss: a labelSmoothing option', make: () => cls(), call: ([a, t]) => nn.nllLoss(a, t, { labelSmoothing: 0.1 } as never), error: ValueError, op: 'nllLoss', mentions: ['labelSmoothing'] },
  { name: 'nllLoss: -100 ignored, but -1 is out of range', make: () => cls(undefined, i32([3], [-100, -1, 0])), call: ([a, t]) => nn.nllLoss(a, t), error: ValueError, op: 'nllLoss', mentions: ['index -1', 'position 1'] },
  { name: 'nllLoss: a float32 target', make: () => cls(undefined, f32([3, 4])), call: ([a, t]) => nn.nllLoss(a, t), error: DTypeError, op: 'nllLoss', mentions: ['float32'] },
  { name: 'binaryCrossEntropyWithLogits: a posWeight that does not broadcast', make: () => [f32([2, 3]), f32([2, 3]), f32([4])], call: ([a, t, w]) => nn.binaryCrossEntropyWithLogits(a, t, { posWeight: w }), error: ShapeError, op: 'binaryCrossEntropyWithLogits', mentions: ['[4]', '[2,3]'] },
  { name: 'binaryCrossEntropyWithLogits: a weight that would grow the result', make: () => [f32([2, 3]), f32([2, 3]), f32([4, 1, 3])], call: ([a, t, w]) => nn.binaryCrossEntropyWithLogits(a, t, { weight: w }), error: ShapeError, op: 'binaryCrossEntropyWithLogits', mentions: ['[4,1,3]', '[2,3]'] },
  { name: 'binaryCrossEntropyWithLogits: a bool weight', make: () => [f32([3]), f32([3]), bool([3])], call: ([a, t, w]) => nn.binaryCrossEntropyWithLogits(a, t, { weight: w }), error: DTypeError, op: 'binaryCrossEntropyWithLogits', mentions: ['bool'] },
  { name: 'binaryCrossEntropyWithLogits: a disposed posWeight', make: () => [f32([3]), f32([3]), disposed(f32([3]))], call: ([a, t, w]) => nn.binaryCrossEntropyWithLogits(a, t, { posWeight: w }), error: DisposedError, op: 'binaryCrossEntropyWithLogits', mentions: ['[3]'] },
  { name: 'binaryCrossEntropyWithLogits: an int32 target', make: () => [f32([3]), i32([3])], call: ([a, t]) => nn.binaryCrossEntropyWithLogits(a, t), error: DTypeError, op: 'binaryCrossEntropyWithLogits', mentions: ['int32'] },
  { name: 'binaryCrossEntropyWithLogits: shapes that differ', make: () => [f32([3]), f32([3, 1])], call: ([a, t]) => nn.binaryCrossEntropyWithLogits(a, t), error: ShapeError, op: 'binaryCrossEntropyWithLogits', mentions: ['[3]', '[3,1]'] },
  { name: 'l1Loss: shapes that differ', make: () => [f32([2, 3]), f32([3])], call: ([a, b]) => nn.l1Loss(a, b), error: ShapeError, op: 'l1Loss', mentions: ['[2,3]', '[3]'] },
  { name: 'l1Loss: a disposed target', make: () => [f32([3]), disposed(f32([3]))], call: ([a, b]) => nn.l1Loss(a, b), error: DisposedError, op: 'l1Loss', mentions: ['[3]'] },
  { name: 'smoothL1Loss: beta -1', make: () => [f32([3]), f32([3])], call: ([a, b]) => nn.smoothL1Loss(a, b, { beta: -1 }), error: ValueError, op: 'smoothL1Loss', mentions: ['beta', '-1'] },
  { name: 'smoothL1Loss: an int32 input', make: () => [i32([3]), f32([3])], call: ([a, b]) => nn.smoothL1Loss(a, b), error: DTypeError, op: 'smoothL1Loss', mentions: ['int32'] },
  { name: 'huberLoss: delta 0', make: () => [f32([3]), f32([3])], call: ([a, b]) => nn.huberLoss(a, b, { delta: 0 }), error: ValueError, op: 'huberLoss', mentions: ['delta', 'got 0'] },
  { name: 'huberLoss: delta Infinity', make: () => [f32([3]), f32([3])], call: ([a, b]) => nn.huberLoss(a, b, { delta: Infinity }), error: ValueError, op: 'huberLoss', mentions: ['Infinity'] },
  { name: 'huberLoss: a target on another backend', make: async () => [f32([3]), await onOther(() => f32([3]))], call: ([a, b]) => nn.huberLoss(a, b), error: BackendError, op: 'huberLoss', mentions: ["'other'"] },
  { name: "klDiv: reduction 'batch'", make: () => [f32([2, 3]), f32([2, 3])], call: ([a, b]) => nn.klDiv(a, b, { reduction: 'batch' as never }), error: ValueError, op: 'klDiv', mentions: ["'batch'"] },
  { name: "klDiv: 'batchmean' of a scalar", make: () => [pf.scalar(1), pf.scalar(1)], call: ([a, b]) => nn.klDiv(a, b, { reduction: 'batchmean' }), error: ShapeError, op: 'klDiv', mentions: ['[]'] },
  { name: 'klDiv: logTarget not a boolean', make: () => [f32([3]), f32([3])], call: ([a, b]) => nn.klDiv(a, b, { logTarget: 1 as never }), error: ValueError, op: 'klDiv', mentions: ['logTarget', '1'] },
  { name: 'klDiv: shapes that differ', make: () => [f32([2, 3]), f32([3])], call: ([a, b]) => nn.klDiv(a, b), error: ShapeError, op: 'klDiv', mentions: ['[2,3]', '[3]'] },
];

const lossModules: BadInputCase[] = [
  { name: 'CrossEntropyLoss: labelSmoothing -0.1', make: none, call: () => new nn.CrossEntropyLoss({ labelSmoothing: -0.1 }), error: ValueError, op: 'CrossEntropyLoss', mentions: ['-0.1'] },
  { name: 'CrossEntropyLoss: an int32 weight', make: () => [i32([3])], call: ([w]) => new nn.CrossEntropyLoss({ weight: w }), error: DTypeError, op: 'CrossEntropyLoss', mentions: ['int32'] },
  { name: 'CrossEntropyLoss: a target of the wrong shape (at forward)', make: () => ({ m: new nn.CrossEntropyLoss(), x: f32([3, 4]), t: i32([4]) }), call: ({ m, x, t }) => m.forward(x, t), error: ShapeError, op: 'crossEntropy', mentions: ['[3,4]', '[4]'] },
  { name: 'NLLLoss: ignoreIndex NaN', make: none, call: () => new nn.NLLLoss({ ignoreIndex: NaN }), error: ValueError, op: 'NLLLoss', mentions: ['NaN'] },
  { name: "BCEWithLogitsLoss: reduction 'avg'", make: none, call: () => new nn.BCEWithLogitsLoss({ reduction: 'avg' as never }), error: ValueError, op: 'BCEWithLogitsLoss', mentions: ["'avg'"] },
  { name: "MSELoss: reduction 'avg'", make: none, call: () => new nn.MSELoss({ reduction: 'avg' as never }), error: ValueError, op: 'MSELoss', mentions: ["'avg'"] },
  { name: "BCELoss: reduction 'max'", make: none, call: () => new nn.BCELoss({ reduction: 'max' as never }), error: ValueError, op: 'BCELoss', mentions: ["'max'"] },
  { name: "L1Loss: reduction 'batchmean'", make: none, call: () => new nn.L1Loss({ reduction: 'batchmean' as never }), error: ValueError, op: 'L1Loss', mentions: ["'batchmean'"] },
  { name: 'SmoothL1Loss: beta NaN', make: none, call: () => new nn.SmoothL1Loss({ beta: NaN }), error: ValueError, op: 'SmoothL1Loss', mentions: ['NaN'] },
  { name: 'HuberLoss: delta -1', make: none, call: () => new nn.HuberLoss({ delta: -1 }), error: ValueError, op: 'HuberLoss', mentions: ['-1'] },
  { name: "KLDivLoss: reduction 'avg'", make: none, call: () => new nn.KLDivLoss({ reduction: 'avg' as never }), error: ValueError, op: 'KLDivLoss', mentions: ["'avg'"] },
  { name: 'KLDivLoss: logTarget a string', make: none, call: () => new nn.KLDivLoss({ logTarget: 'yes' as never }), error: ValueError, op: 'KLDivLoss', mentions: ['yes'] },
];

runCases('nn layers', layers);
runCases('Module.loadStateDict', stateDicts);
runCases('nn.init', inits);
runCases('losses', losses);
runCases('losses: weights, ignored targets, smoothing, new losses', newLosses);
runCases('loss modules', lossModules);
