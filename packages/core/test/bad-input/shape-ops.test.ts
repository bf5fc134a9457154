/**
 * Bad input to core's reductions, matmul, movement, indexing, activations, cast, conv2d,
 * pooling and batchNorm: wrong ranks, shapes, dims, dtypes, indices, options, empty and disposed
 * tensors, tensors of two backends, NaN / Infinity options.
 */
import { beforeAll } from 'vitest';
import * as pf from '@profundo/core';
import { BackendError, DTypeError, DisposedError, ShapeError, ValueError, ones, scalar, zeros } from '@profundo/core';
import { runCases, type BadInputCase } from './runner.js';
import { bool, disposed, f32, i32, onOther, useBackends } from './fixtures.js';

beforeAll(useBackends);

const reductions: BadInputCase[] = [
  { name: 'sum: dim out of range', make: () => [f32([2, 3])], call: ([x]) => pf.sum(x, 2), error: ShapeError, op: 'sum', mentions: ['dim 2', 'rank 2'] },
  { name: 'sum: a dim listed twice', make: () => [f32([2, 3])], call: ([x]) => pf.sum(x, [0, 0]), error: ShapeError, op: 'sum', mentions: ['[0,0]'] },
  { name: 'sum: a fractional dim', make: () => [f32([2, 3])], call: ([x]) => pf.sum(x, 0.5), error: ShapeError, op: 'sum', mentions: ['0.5'] },
  { name: 'sum: a disposed tensor', make: () => [disposed(f32([2, 3]))], call: ([x]) => pf.sum(x), error: DisposedError, op: 'sum', mentions: ['[2,3]'] },
  { name: 'Tensor.sum: a NaN dim (method form)', make: () => [f32([2, 3])], call: ([x]) => x.sum(NaN), error: ShapeError, op: 'sum', mentions: ['NaN'] },
  { name: 'mean: an int32 tensor', make: () => [i32([2, 3])], call: ([x]) => pf.mean(x), error: DTypeError, op: 'mean', mentions: ['int32'] },
  { name: 'mean: a negative dim out of range', make: () => [f32([2, 3])], call: ([x]) => pf.mean(x, -3), error: ShapeError, op: 'mean', mentions: ['dim -3'] },
  { name: 'mean: a disposed tensor', make: () => [disposed(f32([4]))], call: ([x]) => pf.mean(x), error: DisposedError, op: 'mean', mentions: ['[4]'] },
  { name: 'mean: dims listed twice (1 and -1)', make: () => [f32([2, 3])], call: ([x]) => pf.mean(x, [1, -1]), error: ShapeError, op: 'mean', mentions: ['[1,-1]'] },
  { name: 'max: a bool tensor', make: () => [bool([4])], call: ([x]) => pf.max(x), error: DTypeError, op: 'max', mentions: ['bool'] },
  { name: 'max: dim out of range', make: () => [f32([2, 3])], call: ([x]) => pf.max(x, 5), error: ShapeError, op: 'max', mentions: ['dim 5'] },
  { name: 'max: an empty dim', make: () => [zeros([2, 0])], call: ([x]) => pf.max(x, 1), error: ValueError, op: 'max', mentions: ['size 0', '[2,0]'] },
  { name: 'max: a disposed tensor', make: () => [disposed(f32([3]))], call: ([x]) => pf.max(x), error: DisposedError, op: 'max', mentions: ['[3]'] },
  { name: 'min: a bool tensor', make: () => [bool([4])], call: ([x]) => pf.min(x, 0), error: DTypeError, op: 'min', mentions: ['bool'] },
  { name: 'min: dim out of range', make: () => [f32([2, 3])], call: ([x]) => pf.min(x, 3), error: ShapeError, op: 'min', mentions: ['dim 3'] },
  { name: 'min: an empty tensor', make: () => [zeros([0])], call: ([x]) => pf.min(x), error: ValueError, op: 'min', mentions: ['size 0'] },
  { name: 'min: a disposed tensor', make: () => [disposed(i32([3]))], call: ([x]) => x.min(), error: DisposedError, op: 'min', mentions: ['[3]'] },
  { name: 'argmax: a bool tensor', make: () => [bool([4])], call: ([x]) => pf.argmax(x), error: DTypeError, op: 'argmax', mentions: ['bool'] },
  { name: 'argmax: dim out of range', make: () => [f32([2, 3])], call: ([x]) => pf.argmax(x, 2), error: ShapeError, op: 'argmax', mentions: ['dim 2'] },
  { name: 'argmax: an empty dim', make: () => [zeros([0, 3])], call: ([x]) => pf.argmax(x, 0), error: ValueError, op: 'argmax', mentions: ['dim 0', 'size 0'] },
  { name: 'argmax: a disposed tensor', make: () => [disposed(f32([3]))], call: ([x]) => x.argmax(0), error: DisposedError, op: 'argmax', mentions: ['[3]'] },
];

const matmuls: BadInputCase[] = [
  { name: 'matmul: a scalar operand', make: () => [scalar(2), f32([2])], call: ([a, b]) => pf.matmul(a, b), error: ShapeError, op: 'matmul', mentions: ['[] and [2]'] },
  { name: 'matmul: inner dims that differ', make: () => [f32([2, 3]), f32([4, 2])], call: ([a, b]) => pf.matmul(a, b), error: ShapeError, op: 'matmul', mentions: ['[2,3]', '[4,2]'] },
  { name: 'matmul: vectors of two lengths', make: () => [f32([3]), f32([4])], call: ([a, b]) => pf.matmul(a, b), error: ShapeError, op: 'matmul', mentions: ['[3]', '[4]'] },
  { name: 'matmul: batch dims that do not broadcast', make: () => [f32([2, 2, 3]), f32([3, 3, 4])], call: ([a, b]) => a.matmul(b), error: ShapeError, op: 'matmul', mentions: ['[2]', '[3]'] },
  { name: 'matmul: an int32 first operand', make: () => [i32([2, 2]), f32([2, 2])], call: ([a, b]) => pf.matmul(a, b), error: DTypeError, op: 'matmul', mentions: ['first operand', 'int32'] },
  { name: 'matmul: a bool second operand', make: () => [f32([2, 2]), bool([2, 2])], call: ([a, b]) => pf.matmul(a, b), error: DTypeError, op: 'matmul', mentions: ['second operand', 'bool'] },
  { name: 'matmul: a disposed operand', make: () => [f32([2, 2]), disposed(f32([2, 2]))], call: ([a, b]) => pf.matmul(a, b), error: DisposedError, op: 'matmul', mentions: ['[2,2]'] },
  { name: 'matmul: operands of two backends', make: async () => [f32([2, 3]), await onOther(() => f32([3, 2]))], call: ([a, b]) => pf.matmul(a, b), error: BackendError, op: 'matmul', mentions: ["'other'"] },
  { name: 'matmul: a 1-D operand of another backend', make: async () => [f32([3]), await onOther(() => f32([3, 2]))], call: ([a, b]) => pf.matmul(a, b), error: BackendError, op: 'matmul', mentions: ["'other'"] },
];

const movement: BadInputCase[] = [
  { name: 'reshape: another number of elements', make: () => [f32([2, 3])], call: ([x]) => pf.reshape(x, [4]), error: ShapeError, op: 'reshape', mentions: ['[2,3]', '[4]'] },
  { name: 'reshape: two -1 entries', make: () => [f32([2, 3])], call: ([x]) => x.reshape(-1, -1), error: ShapeError, op: 'reshape', mentions: ['[-1,-1]'] },
  { name: 'reshape: a -1 that cannot be inferred', make: () => [f32([2, 3])], call: ([x]) => pf.reshape(x, [-1, 4]), error: ShapeError, op: 'reshape', mentions: ['[-1,4]', '6'] },
  { name: 'reshape: negative dims', make: () => [f32([2, 3])], call: ([x]) => pf.reshape(x, [-2, -3]), error: ValueError, op: 'reshape', mentions: ['[-2,-3]'] },
  { name: 'reshape: a NaN dim', make: () => [f32([2, 3])], call: ([x]) => pf.reshape(x, [NaN, 6]), error: ValueError, op: 'reshape', mentions: ['NaN'] },
  { name: 'reshape: a disposed tensor', make: () => [disposed(f32([2, 3]))], call: ([x]) => pf.reshape(x, [6]), error: DisposedError, op: 'reshape', mentions: ['[2,3]'] },
  { name: 'flatten: startDim after endDim', make: () => [f32([2, 3, 4])], call: ([x]) => pf.flatten(x, 2, 1), error: ShapeError, op: 'flatten', mentions: ['startDim 2', 'endDim 1'] },
  { name: 'flatten: startDim out of range', make: () => [f32([2, 3])], call: ([x]) => x.flatten(3), error: ShapeError, op: 'flatten', mentions: ['dim 3'] },
  { name: 'flatten: a disposed tensor', make: () => [disposed(f32([2, 3]))], call: ([x]) => pf.flatten(x), error: DisposedError, op: 'flatten', mentions: ['[2,3]'] },
  { name: 'permute: too few dims', make: () => [f32([2, 3, 4])], call: ([x]) => pf.permute(x, [0, 1]), error: ShapeError, op: 'permute', mentions: ['[2,3,4]', '[0,1]'] },
  { name: 'permute: a repeated dim', make: () => [f32([2, 3, 4])], call: ([x]) => x.permute(0, 0, 1), error: ShapeError, op: 'permute', mentions: ['[0,0,1]'] },
  { name: 'permute: a dim out of range', make: () => [f32([2, 3, 4])], call: ([x]) => pf.permute(x, [0, 1, 3]), error: ShapeError, op: 'permute', mentions: ['dim 3'] },
  { name: 'permute: a disposed tensor', make: () => [disposed(f32([2, 3]))], call: ([x]) => pf.permute(x, [1, 0]), error: DisposedError, op: 'permute', mentions: ['[2,3]'] },
  { name: 'transpose: a dim out of range', make: () => [f32([2, 3])], call: ([x]) => pf.transpose(x, 0, 2), error: ShapeError, op: 'transpose', mentions: ['dim 2'] },
  { name: 'transpose: a vector (default dims -2, -1)', make: () => [f32([3])], call: ([x]) => x.transpose(), error: ShapeError, op: 'transpose', mentions: ['dim -2', 'rank 1'] },
  { name: 'squeeze: a dim of size 2', make: () => [f32([2, 3])], call: ([x]) => pf.squeeze(x, 0), error: ShapeError, op: 'squeeze', mentions: ['size 2', '[2,3]'] },
  { name: 'squeeze: a dim out of range', make: () => [f32([1, 3])], call: ([x]) => x.squeeze(5), error: ShapeError, op: 'squeeze', mentions: ['dim 5'] },
  { name: 'unsqueeze: a dim out of range', make: () => [f32([2, 3])], call: ([x]) => pf.unsqueeze(x, 4), error: ShapeError, op: 'unsqueeze', mentions: ['dim 4'] },
  { name: 'unsqueeze: a disposed tensor', make: () => [disposed(f32([2]))], call: ([x]) => x.unsqueeze(0), error: DisposedError, op: 'unsqueeze', mentions: ['[2]'] },
  { name: 'expand: fewer dims', make: () => [f32([2, 3])], call: ([x]) => pf.expand(x, [3]), error: ShapeError, op: 'expand', mentions: ['[2,3]', '[3]'] },
  { name: 'expand: a dim of size 2 to 4', make: () => [f32([2, 3])], call: ([x]) => x.expand(4, 3), error: ShapeError, op: 'expand', mentions: ['[4,3]', 'size 2'] },
  { name: 'expand: a negative size', make: () => [f32([1, 3])], call: ([x]) => pf.expand(x, [-2, 3]), error: ValueError, op: 'expand', mentions: ['-2'] },
  { name: 'expand: a disposed tensor', make: () => [disposed(f32([1, 3]))], call: ([x]) => pf.expand(x, [2, 3]), error: DisposedError, op: 'expand', mentions: ['[1,3]'] },
  { name: 'slice: begin with too few entries', make: () => [f32([2, 3])], call: ([x]) => pf.slice(x, [0]), error: ShapeError, op: 'slice', mentions: ['[0]', '[2,3]'] },
  { name: 'slice: a box past the end', make: () => [f32([2, 3])], call: ([x]) => pf.slice(x, [1, 1], [2, 1]), error: ShapeError, op: 'slice', mentions: ['begin [1,1]', '[2,3]'] },
  { name: 'slice: a negative begin', make: () => [f32([2, 3])], call: ([x]) => x.slice([-1, 0]), error: ShapeError, op: 'slice', mentions: ['[-1,0]'] },
  { name: 'slice: a fractional size', make: () => [f32([2, 3])], call: ([x]) => pf.slice(x, [0, 0], [1, 1.5]), error: ShapeError, op: 'slice', mentions: ['1.5'] },
  { name: 'slice: a disposed tensor', make: () => [disposed(f32([2, 3]))], call: ([x]) => pf.slice(x, [0, 0], [1, 1]), error: DisposedError, op: 'slice', mentions: ['[2,3]'] },
  { name: 'narrow: past the end of dim 0', make: () => [f32([2, 3])], call: ([x]) => pf.narrow(x, 0, 1, 2), error: ShapeError, op: 'narrow', mentions: ['start 1', 'length 2', 'size 2'] },
  { name: 'narrow: a dim out of range', make: () => [f32([2, 3])], call: ([x]) => pf.narrow(x, 2, 0, 1), error: ShapeError, op: 'narrow', mentions: ['dim 2'] },
  { name: 'narrow: a negative length', make: () => [f32([2, 3])], call: ([x]) => x.narrow(1, 0, -1), error: ShapeError, op: 'narrow', mentions: ['length -1'] },
  { name: 'narrow: a disposed tensor', make: () => [disposed(f32([2, 3]))], call: ([x]) => pf.narrow(x, 0, 0, 1), error: DisposedError, op: 'narrow', mentions: ['[2,3]'] },
  { name: 'pad: too few pairs', make: () => [f32([2, 3])], call: ([x]) => pf.pad(x, [[1, 1]]), error: ShapeError, op: 'pad', mentions: ['2', 'got 1'] },
  { name: 'pad: a negative amount', make: () => [f32([3])], call: ([x]) => pf.pad(x, [[-1, 0]]), error: ValueError, op: 'pad', mentions: ['[-1, 0]'] },
  { name: 'pad: a fractional amount', make: () => [f32([3])], call: ([x]) => pf.pad(x, [[0, 0.5]]), error: ValueError, op: 'pad', mentions: ['0.5'] },
  { name: 'pad: a disposed tensor', make: () => [disposed(f32([3]))], call: ([x]) => pf.pad(x, [[1, 1]]), error: DisposedError, op: 'pad', mentions: ['[3]'] },
  { name: 'cat: no tensors', make: () => [], call: () => pf.cat([]), error: ValueError, op: 'cat', mentions: ['at least one'] },
  { name: 'cat: two dtypes', make: () => [f32([2]), i32([2])], call: (xs) => pf.cat(xs), error: DTypeError, op: 'cat', mentions: ['float32', 'int32'] },
  { name: 'cat: shapes that differ outside dim', make: () => [f32([2, 3]), f32([2, 4])], call: (xs) => pf.cat(xs, 0), error: ShapeError, op: 'cat', mentions: ['[2,3]', '[2,4]'] },
  { name: 'cat: two ranks', make: () => [f32([2, 3]), f32([3])], call: (xs) => pf.cat(xs), error: ShapeError, op: 'cat', mentions: ['[2,3]', '[3]'] },
  { name: 'cat: dim out of range', make: () => [f32([2]), f32([2])], call: (xs) => pf.cat(xs, 1), error: ShapeError, op: 'cat', mentions: ['dim 1'] },
  { name: 'cat: two backends', make: async () => [f32([2]), await onOther(() => f32([2]))], call: (xs) => pf.cat(xs), error: BackendError, op: 'cat', mentions: ["'other'"] },
  { name: 'cat: a disposed tensor', make: () => [f32([2]), disposed(f32([3]))], call: (xs) => pf.cat(xs), error: DisposedError, op: 'cat', mentions: ['[3]'] },
  { name: 'stack: no tensors', make: () => [], call: () => pf.stack([]), error: ValueError, op: 'stack', mentions: ['at least one'] },
  { name: 'stack: shapes that differ', make: () => [f32([2, 3]), f32([3, 2])], call: (xs) => pf.stack(xs), error: ShapeError, op: 'stack', mentions: ['[2,3]', '[3,2]'] },
  { name: 'stack: dim out of range', make: () => [f32([2]), f32([2])], call: (xs) => pf.stack(xs, -3), error: ShapeError, op: 'stack', mentions: ['dim -3'] },
  { name: 'stack: a disposed tensor', make: () => [disposed(f32([2])), f32([2])], call: (xs) => pf.stack(xs), error: DisposedError, op: 'stack', mentions: ['[2]'] },
  { name: 'stack: two backends (after a view would be made)', make: async () => [f32([2]), await onOther(() => f32([2])), f32([2])], call: (xs) => pf.stack(xs, 1), error: BackendError, op: 'stack', mentions: ["'other'"] },
];

const indexing: BadInputCase[] = [
  { name: 'gather: a float32 index', make: () => [f32([2, 3]), f32([2, 1])], call: ([x, i]) => pf.gather(x, 1, i), error: DTypeError, op: 'gather', mentions: ['index', 'float32'] },
  { name: 'gather: an index of another rank', make: () => [f32([2, 3]), i32([2])], call: ([x, i]) => pf.gather(x, 1, i), error: ShapeError, op: 'gather', mentions: ['[2]', '[2,3]'] },
  { name: 'gather: an index larger than the input outside dim', make: () => [f32([2, 3]), i32([3, 1])], call: ([x, i]) => pf.gather(x, 1, i), error: ShapeError, op: 'gather', mentions: ['[3,1]', '[2,3]'] },
  { name: 'gather: an index value past the end', make: () => [f32([2, 3]), i32([2, 1], [0, 3])], call: ([x, i]) => pf.gather(x, 1, i), error: ValueError, op: 'gather', mentions: ['index 3', 'size 3'] },
  { name: 'gather: a negative index value', make: () => [f32([2, 3]), i32([2, 1], [-1, 0])], call: ([x, i]) => x.gather(1, i), error: ValueError, op: 'gather', mentions: ['index -1'] },
  { name: 'gather: dim out of range', make: () => [f32([2, 3]), i32([2, 1])], call: ([x, i]) => pf.gather(x, 2, i), error: ShapeError, op: 'gather', mentions: ['dim 2'] },
  { name: 'gather: a disposed index', make: () => [f32([2, 3]), disposed(i32([2, 1]))], call: ([x, i]) => pf.gather(x, 1, i), error: DisposedError, op: 'gather', mentions: ['[2,1]'] },
  { name: 'gather: a disposed input', make: () => [disposed(f32([2, 3])), i32([2, 1])], call: ([x, i]) => pf.gather(x, 1, i), error: DisposedError, op: 'gather', mentions: ['[2,3]'] },
  { name: 'gather: an index on another backend', make: async () => [f32([2, 3]), await onOther(() => i32([2, 1]))], call: ([x, i]) => pf.gather(x, 1, i), error: BackendError, op: 'gather', mentions: ["'other'"] },
  { name: 'indexSelect: a 2-D index', make: () => [f32([2, 3]), i32([1, 2])], call: ([x, i]) => pf.indexSelect(x, 0, i), error: ShapeError, op: 'indexSelect', mentions: ['[1,2]'] },
  { name: 'indexSelect: a bool index', make: () => [f32([2, 3]), bool([2])], call: ([x, i]) => pf.indexSelect(x, 0, i), error: DTypeError, op: 'indexSelect', mentions: ['bool'] },
  { name: 'indexSelect: an index value past the end', make: () => [f32([2, 3]), i32([2], [1, 2])], call: ([x, i]) => pf.indexSelect(x, 0, i), error: ValueError, op: 'indexSelect', mentions: ['index 2', 'size 2'] },
  { name: 'indexSelect: dim out of range', make: () => [f32([2, 3]), i32([1])], call: ([x, i]) => x.indexSelect(-3, i), error: ShapeError, op: 'indexSelect', mentions: ['dim -3'] },
  { name: 'indexSelect: an index on another backend', make: async () => [f32([2, 3]), await onOther(() => i32([1]))], call: ([x, i]) => pf.indexSelect(x, 0, i), error: BackendError, op: 'indexSelect', mentions: ["'other'"] },
  { name: 'indexSelect: a disposed input', make: () => [disposed(f32([2, 3])), i32([1])], call: ([x, i]) => pf.indexSelect(x, 0, i), error: DisposedError, op: 'indexSelect', mentions: ['[2,3]'] },
];

const activations: BadInputCase[] = [
  { name: 'softmax: an int32 tensor', make: () => [i32([2, 3])], call: ([x]) => pf.softmax(x), error: DTypeError, op: 'softmax', mentions: ['int32'] },
  { name: 'softmax: dim out of range', make: () => [f32([2, 3])], call: ([x]) => pf.softmax(x, 2), error: ShapeError, op: 'softmax', mentions: ['dim 2'] },
  { name: 'softmax: a disposed tensor', make: () => [disposed(f32([2, 3]))], call: ([x]) => x.softmax(), error: DisposedError, op: 'softmax', mentions: ['[2,3]'] },
  { name: 'logSoftmax: a bool tensor', make: () => [bool([2, 3])], call: ([x]) => pf.logSoftmax(x), error: DTypeError, op: 'logSoftmax', mentions: ['bool'] },
  { name: 'logSoftmax: dim out of range', make: () => [f32([3])], call: ([x]) => x.logSoftmax(1), error: ShapeError, op: 'logSoftmax', mentions: ['dim 1'] },
  { name: 'logSoftmax: a disposed tensor', make: () => [disposed(f32([3]))], call: ([x]) => pf.logSoftmax(x), error: DisposedError, op: 'logSoftmax', mentions: ['[3]'] },
  { name: 'cast: an unknown dtype', make: () => [f32([3])], call: ([x]) => pf.cast(x, 'float64' as never), error: DTypeError, op: 'cast', mentions: ['float64'] },
  { name: 'cast: a disposed tensor', make: () => [disposed(f32([3]))], call: ([x]) => pf.cast(x, 'int32'), error: DisposedError, op: 'cast', mentions: ['[3]'] },
  { name: 'Tensor.int: a disposed tensor', make: () => [disposed(f32([3]))], call: ([x]) => x.int(), error: DisposedError, op: 'cast', mentions: ['[3]'] },
];

// conv2d: x [1, 3, 5, 5], w [4, 3, 3, 3] unless said otherwise.
const conv = (x = f32([1, 3, 5, 5]), w = f32([4, 3, 3, 3])) => [x, w];
const convs: BadInputCase[] = [
  { name: 'conv2d: a rank-2 input', make: () => conv(f32([5, 5])), call: ([x, w]) => pf.conv2d(x, w), error: ShapeError, op: 'conv2d', mentions: ['[5,5]'] },
  { name: 'conv2d: a rank-3 weight', make: () => conv(undefined, f32([4, 3, 3])), call: ([x, w]) => pf.conv2d(x, w), error: ShapeError, op: 'conv2d', mentions: ['[4,3,3]'] },
  { name: 'conv2d: an int32 input', make: () => conv(i32([1, 3, 5, 5])), call: ([x, w]) => pf.conv2d(x, w), error: DTypeError, op: 'conv2d', mentions: ['int32'] },
  { name: 'conv2d: an int32 weight', make: () => conv(undefined, i32([4, 3, 3, 3])), call: ([x, w]) => pf.conv2d(x, w), error: DTypeError, op: 'conv2d', mentions: ['weight', 'int32'] },
  { name: 'conv2d: a bias of the wrong size', make: () => [...conv(), f32([3])], call: ([x, w, b]) => pf.conv2d(x, w, b), error: ShapeError, op: 'conv2d', mentions: ['[4]', '[3]'] },
  { name: 'conv2d: an int32 bias', make: () => [...conv(), i32([4])], call: ([x, w, b]) => pf.conv2d(x, w, b), error: DTypeError, op: 'conv2d', mentions: ['bias', 'int32'] },
  { name: 'conv2d: groups 0', make: () => conv(), call: ([x, w]) => pf.conv2d(x, w, null, { groups: 0 }), error: ValueError, op: 'conv2d', mentions: ['groups', '0'] },
  { name: 'conv2d: groups that do not divide the channels', make: () => conv(), call: ([x, w]) => pf.conv2d(x, w, null, { groups: 2 }), error: ValueError, op: 'conv2d', mentions: ['channels 3', 'groups 2'] },
  { name: 'conv2d: input channels that do not match the weight', make: () => conv(f32([1, 2, 5, 5])), call: ([x, w]) => pf.conv2d(x, w), error: ShapeError, op: 'conv2d', mentions: ['2 channels', '[4,3,3,3]'] },
  { name: 'conv2d: stride 0', make: () => conv(), call: ([x, w]) => pf.conv2d(x, w, null, { stride: 0 }), error: ValueError, op: 'conv2d', mentions: ['stride', '0'] },
  { name: 'conv2d: stride NaN', make: () => conv(), call: ([x, w]) => pf.conv2d(x, w, null, { stride: NaN }), error: ValueError, op: 'conv2d', mentions: ['stride', 'NaN'] },
  { name: 'conv2d: a fractional dilation', make: () => conv(), call: ([x, w]) => pf.conv2d(x, w, null, { dilation: [1, 1.5] }), error: ValueError, op: 'conv2d', mentions: ['dilation', '1.5'] },
  { name: "conv2d: padding 'full'", make: () => conv(), call: ([x, w]) => pf.conv2d(x, w, null, { padding: 'full' as never }), error: ValueError, op: 'conv2d', mentions: ["'full'"] },
  { name: "conv2d: padding 'same' with stride 2", make: () => conv(), call: ([x, w]) => pf.conv2d(x, w, null, { padding: 'same', stride: 2 }), error: ValueError, op: 'conv2d', mentions: ['[2,2]'] },
  { name: 'conv2d: a negative padding', make: () => conv(), call: ([x, w]) => pf.conv2d(x, w, null, { padding: -1 }), error: ValueError, op: 'conv2d', mentions: ['padding', '-1'] },
  { name: 'conv2d: a padding of three numbers', make: () => conv(), call: ([x, w]) => pf.conv2d(x, w, null, { padding: [1, 2, 3] as never }), error: ValueError, op: 'conv2d', mentions: ['[1,2,3]'] },
  { name: 'conv2d: an input smaller than the kernel', make: () => conv(f32([1, 3, 2, 2])), call: ([x, w]) => pf.conv2d(x, w), error: ShapeError, op: 'conv2d', mentions: ['2×2', '[1,3,2,2]'] },
  { name: 'conv2d: a dilated kernel larger than the input', make: () => conv(), call: ([x, w]) => pf.conv2d(x, w, null, { dilation: 3 }), error: ShapeError, op: 'conv2d', mentions: ['7×7', '5×5'] },
  { name: 'conv2d: a weight on another backend', make: async () => [f32([1, 3, 5, 5]), await onOther(() => f32([4, 3, 3, 3]))], call: ([x, w]) => pf.conv2d(x, w), error: BackendError, op: 'conv2d', mentions: ["'other'"] },
  { name: 'conv2d: a bias on another backend', make: async () => [...conv(), await onOther(() => f32([4]))], call: ([x, w, b]) => pf.conv2d(x, w, b), error: BackendError, op: 'conv2d', mentions: ["'other'"] },
  { name: 'conv2d: a disposed input', make: () => conv(disposed(f32([1, 3, 5, 5]))), call: ([x, w]) => pf.conv2d(x, w), error: DisposedError, op: 'conv2d', mentions: ['[1,3,5,5]'] },
  { name: 'conv2d: an unbatched input with an empty kernel', make: () => conv(f32([3, 5, 5]), zeros([4, 3, 0, 3])), call: ([x, w]) => pf.conv2d(x, w), error: ShapeError, op: 'conv2d', mentions: ['[4,3,0,3]'] },
];

const img = (shape = [1, 2, 4, 4]) => [f32(shape)];
const pools: BadInputCase[] = [
  { name: 'maxPool2d: a rank-2 input', make: () => img([4, 4]), call: ([x]) => pf.maxPool2d(x, 2), error: ShapeError, op: 'maxPool2d', mentions: ['[4,4]'] },
  { name: 'maxPool2d: an int32 input', make: () => [i32([1, 2, 4, 4])], call: ([x]) => pf.maxPool2d(x, 2), error: DTypeError, op: 'maxPool2d', mentions: ['int32'] },
  { name: 'maxPool2d: kernel size 0', make: () => img(), call: ([x]) => pf.maxPool2d(x, 0), error: ValueError, op: 'maxPool2d', mentions: ['kernelSize', '0'] },
  { name: 'maxPool2d: kernel size Infinity', make: () => img(), call: ([x]) => pf.maxPool2d(x, Infinity), error: ValueError, op: 'maxPool2d', mentions: ['kernelSize', 'Infinity'] },
  { name: 'maxPool2d: stride 0', make: () => img(), call: ([x]) => pf.maxPool2d(x, { kernelSize: 2, stride: 0 }), error: ValueError, op: 'maxPool2d', mentions: ['stride', '0'] },
  { name: 'maxPool2d: padding more than half the kernel', make: () => img(), call: ([x]) => pf.maxPool2d(x, { kernelSize: 2, padding: 2 }), error: ValueError, op: 'maxPool2d', mentions: ['[2, 2]'] },
  { name: 'maxPool2d: a kernel larger than the input', make: () => img(), call: ([x]) => pf.maxPool2d(x, 5), error: ShapeError, op: 'maxPool2d', mentions: ['[5,5]', '[1,2,4,4]'] },
  { name: 'maxPool2d: a disposed input', make: () => [disposed(f32([1, 2, 4, 4]))], call: ([x]) => pf.maxPool2d(x, 2), error: DisposedError, op: 'maxPool2d', mentions: ['[1,2,4,4]'] },
  { name: 'avgPool2d: a rank-5 input', make: () => img([1, 1, 1, 4, 4]), call: ([x]) => pf.avgPool2d(x, 2), error: ShapeError, op: 'avgPool2d', mentions: ['[1,1,1,4,4]'] },
  { name: 'avgPool2d: a bool input', make: () => [bool([1, 2, 4, 4])], call: ([x]) => pf.avgPool2d(x, 2), error: DTypeError, op: 'avgPool2d', mentions: ['bool'] },
  { name: 'avgPool2d: a kernel size of one number in an array', make: () => img(), call: ([x]) => pf.avgPool2d(x, [2] as never), error: ValueError, op: 'avgPool2d', mentions: ['[2]'] },
  { name: 'avgPool2d: a kernel larger than the input', make: () => img(), call: ([x]) => pf.avgPool2d(x, { kernelSize: [1, 5] }), error: ShapeError, op: 'avgPool2d', mentions: ['[1,5]'] },
  { name: 'avgPool2d: a negative padding', make: () => img(), call: ([x]) => pf.avgPool2d(x, { kernelSize: 2, padding: -1 }), error: ValueError, op: 'avgPool2d', mentions: ['padding', '-1'] },
  { name: 'adaptiveAvgPool2d: output size 0', make: () => img(), call: ([x]) => pf.adaptiveAvgPool2d(x, 0), error: ValueError, op: 'adaptiveAvgPool2d', mentions: ['outputSize', '0'] },
  { name: 'adaptiveAvgPool2d: a negative output size', make: () => img(), call: ([x]) => pf.adaptiveAvgPool2d(x, [2, -1]), error: ValueError, op: 'adaptiveAvgPool2d', mentions: ['[2,-1]'] },
  { name: 'adaptiveAvgPool2d: an int32 input', make: () => [i32([1, 2, 4, 4])], call: ([x]) => pf.adaptiveAvgPool2d(x, 2), error: DTypeError, op: 'adaptiveAvgPool2d', mentions: ['int32'] },
  { name: 'adaptiveAvgPool2d: a rank-2 input', make: () => img([4, 4]), call: ([x]) => pf.adaptiveAvgPool2d(x, 2), error: ShapeError, op: 'adaptiveAvgPool2d', mentions: ['[4,4]'] },
  { name: 'adaptiveAvgPool2d: an empty spatial dim', make: () => [zeros([1, 2, 0, 4])], call: ([x]) => pf.adaptiveAvgPool2d(x, 2), error: ShapeError, op: 'adaptiveAvgPool2d', mentions: ['[1,2,0,4]'] },
  { name: 'adaptiveAvgPool2d: a disposed input', make: () => [disposed(f32([1, 2, 4, 4]))], call: ([x]) => pf.adaptiveAvgPool2d(x, 1), error: DisposedError, op: 'adaptiveAvgPool2d', mentions: ['[1,2,4,4]'] },
];

// batchNorm: x [2, 3, 4] with running statistics [3] unless said otherwise.
const bn = () => ({ x: f32([2, 3, 4]), rm: zeros([3]), rv: ones([3]) });
const norms: BadInputCase[] = [
  { name: 'batchNorm: a rank-1 input', make: () => ({ ...bn(), x: f32([3]) }), call: (c) => pf.batchNorm(c.x, { runningMean: c.rm, runningVar: c.rv }), error: ShapeError, op: 'batchNorm', mentions: ['[3]'] },
  { name: 'batchNorm: an int32 input', make: () => ({ ...bn(), x: i32([2, 3, 4]) }), call: (c) => pf.batchNorm(c.x, { runningMean: c.rm, runningVar: c.rv }), error: DTypeError, op: 'batchNorm', mentions: ['int32'] },
  { name: 'batchNorm: running mean of the wrong size (training)', make: () => ({ ...bn(), rm: zeros([4]) }), call: (c) => pf.batchNorm(c.x, { runningMean: c.rm, runningVar: c.rv, training: true }), error: ShapeError, op: 'batchNorm', mentions: ['runningMean', '[4]'] },
  { name: 'batchNorm: an int32 weight', make: () => ({ ...bn(), w: i32([3]) }), call: (c) => pf.batchNorm(c.x, { runningMean: c.rm, runningVar: c.rv, weight: c.w }), error: DTypeError, op: 'batchNorm', mentions: ['weight', 'int32'] },
  { name: 'batchNorm: a bias on another backend (training)', make: async () => ({ ...bn(), b: await onOther(() => zeros([3])) }), call: (c) => pf.batchNorm(c.x, { runningMean: c.rm, runningVar: c.rv, bias: c.b, training: true }), error: BackendError, op: 'batchNorm', mentions: ["'other'"] },
  { name: 'batchNorm: eps -1', make: bn, call: (c) => pf.batchNorm(c.x, { runningMean: c.rm, runningVar: c.rv, eps: -1 }), error: ValueError, op: 'batchNorm', mentions: ['eps', '-1'] },
  { name: 'batchNorm: eps NaN (training)', make: bn, call: (c) => pf.batchNorm(c.x, { runningMean: c.rm, runningVar: c.rv, eps: NaN, training: true }), error: ValueError, op: 'batchNorm', mentions: ['NaN'] },
  { name: 'batchNorm: momentum 2 (training)', make: bn, call: (c) => pf.batchNorm(c.x, { runningMean: c.rm, runningVar: c.rv, momentum: 2, training: true }), error: ValueError, op: 'batchNorm', mentions: ['momentum', '2'] },
  { name: 'batchNorm: evaluation without running statistics', make: bn, call: (c) => pf.batchNorm(c.x, { runningMean: c.rm }), error: ValueError, op: 'batchNorm', mentions: ['runningVar'] },
  { name: 'batchNorm: one value per channel in training', make: () => ({ ...bn(), x: f32([1, 3]) }), call: (c) => pf.batchNorm(c.x, { runningMean: c.rm, runningVar: c.rv, training: true }), error: ValueError, op: 'batchNorm', mentions: ['[1,3]'] },
  { name: 'batchNorm: a disposed running variance (training)', make: () => ({ ...bn(), rv: disposed(ones([3])) }), call: (c) => pf.batchNorm(c.x, { runningMean: c.rm, runningVar: c.rv, training: true }), error: DisposedError, op: 'batchNorm', mentions: ['[3]'] },
];

runCases('reductions', reductions);
runCases('matmul', matmuls);
runCases('movement', movement);
runCases('indexing', indexing);
runCases('softmax, logSoftmax and cast', activations);
runCases('conv2d', convs);
runCases('pooling', pools);
runCases('batchNorm', norms);
