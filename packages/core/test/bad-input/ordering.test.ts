/**
 * Bad input to the ops added for PyTorch parity: maxWithIndices, minWithIndices, argmin, topk,
 * sort, argsort, cumsum, gelu's `approximate` and the functional layerNorm: wrong dtypes, dims,
 * k, options, empty dims, shapes of weight / bias, disposed tensors, tensors of two backends.
 */
import { beforeAll } from 'vitest';
import * as pf from '@profundo/core';
import { BackendError, DTypeError, DisposedError, ShapeError, ValueError, nn, zeros } from '@profundo/core';
import { runCases, type BadInputCase } from './runner.js';
import { bool, disposed, f32, i32, onOther, useBackends } from './fixtures.js';

beforeAll(useBackends);

const none = (): [] => [];
const cases: BadInputCase[] = [
  { name: 'maxWithIndices: a bool tensor', make: () => [bool([4])], call: ([x]) => pf.maxWithIndices(x, 0), error: DTypeError, op: 'maxWithIndices', mentions: ['bool'] },
  { name: 'maxWithIndices: dim out of range', make: () => [f32([2, 3])], call: ([x]) => pf.maxWithIndices(x, 2), error: ShapeError, op: 'maxWithIndices', mentions: ['dim 2'] },
  { name: 'maxWithIndices: an empty dim', make: () => [zeros([2, 0])], call: ([x]) => pf.maxWithIndices(x, 1), error: ValueError, op: 'maxWithIndices', mentions: ['size 0', '[2,0]'] },
  { name: 'maxWithIndices: a disposed tensor', make: () => [disposed(f32([3]))], call: ([x]) => pf.maxWithIndices(x, 0), error: DisposedError, op: 'maxWithIndices', mentions: ['[3]'] },
  { name: 'maxWithIndices: dims as a list', make: () => [f32([2, 3])], call: ([x]) => pf.maxWithIndices(x, [0, 1] as never), error: ValueError, op: 'maxWithIndices', mentions: ['object'] },
  { name: 'minWithIndices: a fractional dim', make: () => [f32([2, 3])], call: ([x]) => pf.minWithIndices(x, 0.5), error: ShapeError, op: 'minWithIndices', mentions: ['0.5'] },
  { name: 'argmin: a bool tensor', make: () => [bool([3])], call: ([x]) => pf.argmin(x), error: DTypeError, op: 'argmin', mentions: ['bool'] },
  { name: 'argmin: an empty tensor', make: () => [zeros([0])], call: ([x]) => pf.argmin(x), error: ValueError, op: 'argmin', mentions: ['[0]'] },
  { name: 'argmin: an empty dim', make: () => [zeros([3, 0])], call: ([x]) => pf.argmin(x, 1), error: ValueError, op: 'argmin', mentions: ['size 0'] },
  { name: 'Tensor.argmin: dim out of range (method form)', make: () => [f32([2, 3])], call: ([x]) => x.argmin(-3), error: ShapeError, op: 'argmin', mentions: ['dim -3'] },
  { name: 'topk: k larger than the dim', make: () => [f32([2, 3])], call: ([x]) => pf.topk(x, 4), error: ValueError, op: 'topk', mentions: ['got 4', '[0, 3]'] },
  { name: 'topk: a negative k', make: () => [f32([3])], call: ([x]) => pf.topk(x, -1), error: ValueError, op: 'topk', mentions: ['-1'] },
  { name: 'topk: a fractional k', make: () => [f32([3])], call: ([x]) => pf.topk(x, 1.5), error: ValueError, op: 'topk', mentions: ['1.5'] },
  { name: 'topk: dim out of range', make: () => [f32([2, 3])], call: ([x]) => pf.topk(x, 1, { dim: 2 }), error: ShapeError, op: 'topk', mentions: ['dim 2'] },
  { name: 'topk: largest not a boolean', make: () => [f32([3])], call: ([x]) => pf.topk(x, 1, { largest: 'no' as never }), error: ValueError, op: 'topk', mentions: ['no'] },
  { name: 'topk: a bool tensor', make: () => [bool([3])], call: ([x]) => pf.topk(x, 1), error: DTypeError, op: 'topk', mentions: ['bool'] },
  { name: 'topk: a disposed tensor', make: () => [disposed(f32([3]))], call: ([x]) => pf.topk(x, 1), error: DisposedError, op: 'topk', mentions: ['[3]'] },
  { name: 'sort: dim out of range', make: () => [f32([2, 3])], call: ([x]) => pf.sort(x, { dim: -3 }), error: ShapeError, op: 'sort', mentions: ['dim -3'] },
  { name: 'sort: descending not a boolean', make: () => [f32([3])], call: ([x]) => pf.sort(x, { descending: 1 as never }), error: ValueError, op: 'sort', mentions: ['descending', '1'] },
  { name: 'sort: a bool tensor', make: () => [bool([3])], call: ([x]) => pf.sort(x), error: DTypeError, op: 'sort', mentions: ['bool'] },
  { name: 'argsort: a disposed tensor', make: () => [disposed(f32([3]))], call: ([x]) => pf.argsort(x), error: DisposedError, op: 'argsort', mentions: ['[3]'] },
  { name: 'cumsum: dim out of range', make: () => [f32([2, 3])], call: ([x]) => pf.cumsum(x, 2), error: ShapeError, op: 'cumsum', mentions: ['dim 2'] },
  { name: 'cumsum: no dim', make: () => [f32([3])], call: ([x]) => pf.cumsum(x, undefined as never), error: ValueError, op: 'cumsum', mentions: ['undefined'] },
  { name: 'cumsum: a disposed tensor', make: () => [disposed(i32([3]))], call: ([x]) => pf.cumsum(x, 0), error: DisposedError, op: 'cumsum', mentions: ['[3]'] },
  { name: "gelu: approximate 'erf'", make: () => [f32([3])], call: ([x]) => pf.gelu(x, { approximate: 'erf' as never }), error: ValueError, op: 'gelu', mentions: ["'erf'"] },
  { name: 'gelu: an int32 input with approximate tanh', make: () => [i32([3])], call: ([x]) => pf.gelu(x, { approximate: 'tanh' }), error: DTypeError, op: 'gelu', mentions: ['int32'] },
  { name: "GELU: approximate 'fast'", make: none, call: () => new nn.GELU({ approximate: 'fast' as never }), error: ValueError, op: 'GELU', mentions: ["'fast'"] },
  { name: 'layerNorm: normalizedShape not trailing', make: () => [f32([2, 3])], call: ([x]) => pf.layerNorm(x, [2]), error: ShapeError, op: 'layerNorm', mentions: ['[2,3]', '2'] },
  { name: 'layerNorm: normalizedShape 0', make: () => [f32([2, 3])], call: ([x]) => pf.layerNorm(x, 0), error: ShapeError, op: 'layerNorm', mentions: ['got 0'] },
  { name: 'layerNorm: an empty normalizedShape', make: () => [f32([2, 3])], call: ([x]) => pf.layerNorm(x, []), error: ShapeError, op: 'layerNorm', mentions: ['[]'] },
  { name: 'layerNorm: a weight of another shape', make: () => [f32([2, 3]), f32([2])], call: ([x, w]) => pf.layerNorm(x, 3, { weight: w }), error: ShapeError, op: 'layerNorm', mentions: ['weight', '[2]'] },
  { name: 'layerNorm: an int32 bias', make: () => [f32([2, 3]), i32([3])], call: ([x, b]) => pf.layerNorm(x, 3, { bias: b }), error: DTypeError, op: 'layerNorm', mentions: ['bias', 'int32'] },
  { name: 'layerNorm: a weight on another backend', make: async () => [f32([2, 3]), await onOther(() => f32([3]))], call: ([x, w]) => pf.layerNorm(x, 3, { weight: w }), error: BackendError, op: 'layerNorm', mentions: ["'other'"] },
  { name: 'layerNorm: eps -1', make: () => [f32([2, 3])], call: ([x]) => pf.layerNorm(x, 3, { eps: -1 }), error: ValueError, op: 'layerNorm', mentions: ['-1'] },
  { name: 'layerNorm: an int32 input', make: () => [i32([2, 3])], call: ([x]) => pf.layerNorm(x, 3), error: DTypeError, op: 'layerNorm', mentions: ['int32'] },
  { name: "pad: mode 'reflect' with a pad as large as the dim", make: () => [f32([2, 3])], call: ([x]) => pf.pad(x, [[0, 0], [3, 0]], { mode: 'reflect' }), error: ValueError, op: 'pad', mentions: ["'reflect'", '[3, 0]', 'size 3'] },
  { name: "pad: mode 'circular' with a pad past the dim", make: () => [f32([2, 3])], call: ([x]) => pf.pad(x, [[3, 0], [0, 0]], { mode: 'circular' }), error: ValueError, op: 'pad', mentions: ["'circular'", 'size 2'] },
  { name: "pad: a value with mode 'replicate'", make: () => [f32([3])], call: ([x]) => pf.pad(x, [[1, 1]], { mode: 'replicate', value: 2 }), error: ValueError, op: 'pad', mentions: ["'replicate'"] },
  { name: "pad: mode 'edge'", make: () => [f32([3])], call: ([x]) => pf.pad(x, [[1, 1]], { mode: 'edge' as never }), error: ValueError, op: 'pad', mentions: ["'edge'"] },
  { name: "pad: mode 'reflect' on a disposed tensor", make: () => [disposed(f32([3]))], call: ([x]) => pf.pad(x, [[1, 1]], { mode: 'reflect' }), error: DisposedError, op: 'pad', mentions: ['[3]'] },
  { name: 'maxPool2d: dilation 0', make: () => [f32([1, 1, 4, 4])], call: ([x]) => pf.maxPool2d(x, { kernelSize: 2, dilation: 0 }), error: ValueError, op: 'maxPool2d', mentions: ['dilation'] },
  { name: 'maxPool2d: a dilated window larger than the input', make: () => [f32([1, 1, 4, 4])], call: ([x]) => pf.maxPool2d(x, { kernelSize: 2, dilation: 4 }), error: ShapeError, op: 'maxPool2d', mentions: ['[5,5]', '[1,1,4,4]'] },
  { name: 'maxPool2dWithIndices: an int32 input', make: () => [i32([1, 1, 4, 4])], call: ([x]) => pf.maxPool2dWithIndices(x, 2), error: DTypeError, op: 'maxPool2dWithIndices', mentions: ['int32'] },
  { name: 'maxPool2dWithIndices: ceilMode a number', make: () => [f32([1, 1, 4, 4])], call: ([x]) => pf.maxPool2dWithIndices(x, { kernelSize: 2, ceilMode: 1 as never }), error: ValueError, op: 'maxPool2dWithIndices', mentions: ['ceilMode'] },
  { name: 'avgPool2d: divisorOverride 0.5', make: () => [f32([1, 1, 4, 4])], call: ([x]) => pf.avgPool2d(x, { kernelSize: 2, divisorOverride: 0.5 }), error: ValueError, op: 'avgPool2d', mentions: ['divisorOverride', '0.5'] },
  { name: 'matmul: transposeB on a rank-1 operand', make: () => [f32([2, 3]), f32([3])], call: ([a, b]) => pf.matmul(a, b, { transposeB: true }), error: ShapeError, op: 'matmul', mentions: ['transposeB', '[3]'] },
  { name: 'matmul: transposeA whose inner dims differ', make: () => [f32([2, 3]), f32([3, 4])], call: ([a, b]) => pf.matmul(a, b, { transposeA: true }), error: ShapeError, op: 'matmul', mentions: ['[2,3]ᵀ', '(2 vs 3)'] },
];

runCases('ordering ops, cumsum, gelu, layerNorm, pad modes, pooling options, matmul flags', cases);
