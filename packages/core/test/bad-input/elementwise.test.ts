/** Bad input to core's element-wise ops: shapes, dtypes, numbers, disposed tensors, two backends. */
import { beforeAll } from 'vitest';
import * as pf from '@profundo/core';
import { BackendError, DTypeError, DisposedError, ShapeError, ValueError, ones, type Tensor } from '@profundo/core';
import { runCases, type BadInputCase } from './runner.js';
import { bool, disposed, f32, i32, onOther, useBackends } from './fixtures.js';

beforeAll(useBackends);

type Binary = (a: pf.TensorLike, b: pf.TensorLike) => Tensor;
const BINARY: [string, Binary][] = [
  ['add', pf.add], ['sub', pf.sub], ['mul', pf.mul], ['div', pf.div], ['pow', pf.pow],
  ['maximum', pf.maximum], ['minimum', pf.minimum],
  ['eq', pf.eq], ['ne', pf.ne], ['lt', pf.lt], ['le', pf.le], ['gt', pf.gt], ['ge', pf.ge],
];

const binaryCases: BadInputCase[] = BINARY.flatMap(([op, fn]): BadInputCase[] => [
  { name: `${op}: shapes that do not broadcast`, make: () => [f32([2, 3]), f32([4])], call: ([a, b]) => fn(a, b), error: ShapeError, op, mentions: ['[2,3]', '[4]'] },
  { name: `${op}: float32 with int32`, make: () => [f32([3]), i32([3])], call: ([a, b]) => fn(a, b), error: DTypeError, op, mentions: ['float32', 'int32'] },
  { name: `${op}: a disposed operand`, make: () => [f32([2, 3]), disposed(f32([2, 3]))], call: ([a, b]) => fn(a, b), error: DisposedError, op, mentions: ['[2,3]', 'disposed'] },
  { name: `${op}: a disposed tensor with a number`, make: () => [disposed(f32([4]))], call: ([a]) => fn(a, 2), error: DisposedError, op, mentions: ['[4]'] },
  { name: `${op}: tensors of two backends`, make: async () => [f32([3]), await onOther(() => f32([3]))], call: ([a, b]) => fn(a, b), error: BackendError, op, mentions: ["'ref'", "'other'"] },
  { name: `${op}: a fractional number with an int32 tensor`, make: () => [i32([3])], call: ([a]) => fn(a, 0.5), error: DTypeError, op, mentions: ['0.5', 'int32'] },
  { name: `${op}: two numbers`, make: () => [], call: () => fn(1, 2), error: DTypeError, op, mentions: ['two numbers'] },
]);

const moreBinary: BadInputCase[] = [
  { name: 'add: an int32 number operand outside the int32 range', make: () => [i32([2])], call: ([a]) => pf.add(a, 2 ** 31), error: ValueError, op: 'add', mentions: ['2147483648'] },
  { name: 'mul: a number operand of NaN with an int32 tensor', make: () => [i32([2])], call: ([a]) => pf.mul(a, NaN), error: DTypeError, op: 'mul', mentions: ['NaN'] },
  { name: 'sub: a number first, a bool tensor second, 2 is not a bool', make: () => [bool([2])], call: ([a]) => pf.sub(2, a), error: DTypeError, op: 'sub', mentions: ['bool'] },
  { name: 'Tensor.add: shapes that do not broadcast (method form)', make: () => [f32([2, 2]), f32([3, 1, 3])], call: ([a, b]) => a.add(b), error: ShapeError, op: 'add', mentions: ['[2,2]', '[3,1,3]'] },
  { name: 'Tensor.div: int32 by float32 (method form)', make: () => [i32([2]), f32([2])], call: ([a, b]) => a.div(b), error: DTypeError, op: 'div', mentions: ['int32', 'float32'] },
  // Arithmetic is not defined on bool (the backend contract gives bool only or / and and comparisons).
  ...(['add', 'sub', 'mul', 'div', 'pow'] as const).map((op): BadInputCase => ({ name: `${op}: two bool tensors`, make: () => [bool([2]), bool([2])], call: ([a, b]) => pf[op](a, b), error: DTypeError, op, mentions: ['bool', 'cast'] })),
  { name: 'Tensor.mul: a bool tensor and the number 1 (method form)', make: () => [bool([3])], call: ([a]) => a.mul(1), error: DTypeError, op: 'mul', mentions: ['bool'] },
  { name: 'Tensor.pow: bool exponent on float32', make: () => [f32([2]), bool([2])], call: ([a, b]) => a.pow(b), error: DTypeError, op: 'pow', mentions: ['bool'] },
  { name: 'Tensor.eq: leading dims that differ', make: () => [f32([2, 1, 3]), f32([3, 2, 3])], call: ([a, b]) => a.eq(b), error: ShapeError, op: 'eq', mentions: ['[2,1,3]', '[3,2,3]'] },
];

type Unary = (x: Tensor) => Tensor;
/** Ops on float32 only. */
const FLOAT_ONLY: [string, Unary][] = [
  ['exp', pf.exp], ['log', pf.log], ['sqrt', pf.sqrt], ['sigmoid', pf.sigmoid], ['tanh', pf.tanh],
  ['erf', pf.erf], ['sin', pf.sin], ['cos', pf.cos], ['gelu', pf.gelu],
];
/** Ops on float32 and int32. */
const NUMERIC: [string, Unary][] = [['neg', pf.neg], ['square', pf.square], ['abs', pf.abs], ['sign', pf.sign], ['relu', pf.relu]];

const unaryCases: BadInputCase[] = [
  ...FLOAT_ONLY.flatMap(([op, fn]): BadInputCase[] => [
    { name: `${op}: an int32 tensor`, make: () => [i32([2, 2])], call: ([x]) => fn(x), error: DTypeError, op, mentions: ['int32'] },
    { name: `${op}: a bool tensor`, make: () => [bool([3])], call: ([x]) => fn(x), error: DTypeError, op, mentions: ['bool'] },
    { name: `${op}: a disposed tensor`, make: () => [disposed(f32([5]))], call: ([x]) => fn(x), error: DisposedError, op, mentions: ['[5]'] },
  ]),
  ...NUMERIC.flatMap(([op, fn]): BadInputCase[] => [
    { name: `${op}: a bool tensor`, make: () => [bool([2, 2])], call: ([x]) => fn(x), error: DTypeError, op, mentions: ['bool'] },
    { name: `${op}: a disposed tensor`, make: () => [disposed(i32([3]))], call: ([x]) => fn(x), error: DisposedError, op, mentions: ['[3]'] },
  ]),
  { name: 'Tensor.relu: a bool tensor (method form)', make: () => [bool([2])], call: ([x]) => x.relu(), error: DTypeError, op: 'relu', mentions: ['bool'] },
  { name: 'Tensor.gelu: an int32 tensor (method form)', make: () => [i32([2])], call: ([x]) => x.gelu(), error: DTypeError, op: 'gelu', mentions: ['int32'] },
];

const clampWhereCases: BadInputCase[] = [
  { name: 'clamp: a bool tensor', make: () => [bool([3])], call: ([x]) => pf.clamp(x, 0, 1), error: DTypeError, op: 'clamp', mentions: ['bool'] },
  { name: 'clamp: a fractional upper bound on int32', make: () => [i32([3])], call: ([x]) => pf.clamp(x, undefined, 2.5), error: DTypeError, op: 'clamp', mentions: ['2.5'] },
  { name: 'clamp: a disposed tensor', make: () => [disposed(f32([2, 2]))], call: ([x]) => pf.clamp(x, 0), error: DisposedError, op: 'clamp', mentions: ['[2,2]'] },
  { name: 'clamp: an int32 bound outside the int32 range', make: () => [i32([3])], call: ([x]) => x.clamp(-(2 ** 32)), error: ValueError, op: 'clamp', mentions: ['-4294967296'] },
  { name: 'where: a float32 condition', make: () => [f32([2]), f32([2]), f32([2])], call: ([c, a, b]) => pf.where(c, a, b), error: DTypeError, op: 'where', mentions: ['condition', 'float32'] },
  { name: 'where: a condition that does not broadcast', make: () => [bool([3]), f32([2]), f32([2])], call: ([c, a, b]) => pf.where(c, a, b), error: ShapeError, op: 'where', mentions: ['[3]', '[2]'] },
  { name: 'where: branches of two dtypes', make: () => [bool([2]), f32([2]), i32([2])], call: ([c, a, b]) => pf.where(c, a, b), error: DTypeError, op: 'where', mentions: ['float32', 'int32'] },
  { name: 'where: a disposed condition', make: () => [disposed(bool([2])), f32([2]), f32([2])], call: ([c, a, b]) => pf.where(c, a, b), error: DisposedError, op: 'where', mentions: ['[2]'] },
  { name: 'where: a branch on another backend', make: async () => [bool([2]), f32([2]), await onOther(() => f32([2]))], call: ([c, a, b]) => pf.where(c, a, b), error: BackendError, op: 'where', mentions: ["'other'"] },
  { name: 'where: a fractional number with an int32 branch', make: () => [bool([2]), i32([2])], call: ([c, a]) => pf.where(c, a, 0.25), error: DTypeError, op: 'where', mentions: ['0.25'] },
  { name: 'where: two numbers', make: () => [bool([2])], call: ([c]) => pf.where(c, 1, 0), error: DTypeError, op: 'where', mentions: ['two numbers'] },
  { name: 'where: a disposed branch with a number', make: () => [bool([2]), disposed(f32([2]))], call: ([c, a]) => pf.where(c, a, 0), error: DisposedError, op: 'where', mentions: ['[2]'] },
];

runCases('element-wise binary ops', [...binaryCases, ...moreBinary]);
runCases('element-wise unary ops', unaryCases);
runCases('clamp and where', clampWhereCases);
void ones;
