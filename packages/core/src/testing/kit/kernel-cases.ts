/**
 * Kernel cases: every primitive kernel called directly on random inputs, on every dtype the
 * contract gives it, with broadcasting, lower-rank operands, size-1 and size-0 dims, compared
 * with the reference backend (exactly for int32 and bool). {@link callKernel} checks around
 * every call that inputs are unchanged and the result is fresh and of the right type.
 *
 * @internal
 * @module
 */
import type { Backend, BinaryOp, DataHandle, DType, TensorInfo, UnaryOp } from '../../backend/backend.js';
import { bools, big, callKernel, expectClose, idx, ints, normal, pos, randomInput, rngFor, small, type KitCase, type RandomInput } from './harness.js';

interface KernelSpec {
  /** The kernel and what the case exercises, e.g. `binary add int32 broadcast`. */
  label: string;
  inputs: readonly RandomInput[];
  call: (be: Backend, xs: TensorInfo[]) => DataHandle;
  out: { shape: readonly number[]; dtype: DType };
}

const FLOAT_UNARY: readonly UnaryOp[] = ['neg', 'abs', 'sign', 'exp', 'relu', 'sigmoid', 'tanh', 'erf', 'sin', 'cos'];
const INT_UNARY: readonly UnaryOp[] = ['neg', 'abs', 'sign', 'relu'];
const ARITH: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];
const COMPARE: readonly BinaryOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];
const isCmp = (op: BinaryOp): boolean => COMPARE.includes(op);

const unary = (op: UnaryOp, x: RandomInput, dtype: DType, note = ''): KernelSpec => ({
  label: `unary ${op} ${dtype}${note}`,
  inputs: [x],
  call: (be, [a]) => be.unary(op, a!),
  out: { shape: x.shape, dtype },
});

const binary = (op: BinaryOp, a: RandomInput, b: RandomInput, outShape: readonly number[], dtype: DType, note: string): KernelSpec => ({
  label: `binary ${op} ${dtype} ${note}`,
  inputs: [a, b],
  call: (be, [x, y]) => be.binary(op, x!, y!, outShape),
  out: { shape: outShape, dtype: isCmp(op) ? 'bool' : dtype },
});

const specs: KernelSpec[] = [
  // ----- unary
  ...FLOAT_UNARY.map((op) => unary(op, normal(3, 7), 'float32')),
  unary('log', pos(9), 'float32'),
  unary('sqrt', pos(9), 'float32'),
  unary('sigmoid', big(2, 6), 'float32', ' large magnitude'),
  ...INT_UNARY.map((op) => unary(op, ints(-50, 50, 4, 5), 'int32')),
  unary('exp', normal(0, 3), 'float32', ' empty [0, 3]'),
  unary('neg', ints(-5, 5, 2, 0), 'int32', ' empty [2, 0]'),
  unary('tanh', normal(1, 1, 1), 'float32', ' size-1 [1, 1, 1]'),
  unary('abs', ints(-5, 5), 'int32', ' scalar []'),

  // ----- binary: float32 every op, broadcasting with a lower-rank operand
  ...[...ARITH, ...COMPARE].map((op) => binary(op, COMPARE.includes(op) ? small(2, 1, 3) : normal(2, 1, 3), COMPARE.includes(op) ? small(4, 1) : op === 'div' ? pos(4, 1) : normal(4, 1), [2, 4, 3], 'float32', '[2,1,3] with lower-rank [4,1]')),
  binary('pow', pos(2, 3), normal(3), [2, 3], 'float32', '[2,3] with lower-rank [3]'),
  binary('pow', small(5, 2), small(2), [5, 2], 'float32', 'integer exponents of negative bases'),
  binary('add', normal(), normal(2, 3), [2, 3], 'float32', 'scalar [] with [2,3]'),
  binary('mul', normal(3), normal(4, 1, 3), [2, 4, 5, 3], 'float32', 'both lower rank ([3] and [4,1,3] to [2,4,5,3])'),
  binary('sub', normal(0, 3), normal(3), [0, 3], 'float32', 'empty [0,3] with [3]'),
  binary('maximum', normal(1), normal(1, 1), [1, 1], 'float32', 'size-1 [1] with [1,1]'),
  binary('lt', normal(2, 0), normal(1, 1), [2, 0], 'float32', 'empty [2,0] with [1,1]'),
  // ----- binary: int32 every op
  ...[...ARITH, ...COMPARE].map((op) => binary(op, ints(-40, 40, 3, 1, 4), ints(-6, 6, 5, 1), [3, 5, 4], 'int32', '[3,1,4] with lower-rank [5,1] (zeros included)')),
  binary('pow', ints(-4, 4, 3, 6), ints(-3, 7, 6), [3, 6], 'int32', 'negative bases, negative and zero exponents'),
  binary('div', ints(-1000, 1000, 40), ints(-9, 9, 40), [40], 'int32', 'same shape'),
  binary('add', ints(-3, 3, 0, 2), ints(-3, 3, 2), [0, 2], 'int32', 'empty [0,2] with [2]'),
  // ----- binary: bool (or, and, comparisons)
  ...(['maximum', 'minimum', ...COMPARE] as const).map((op) => binary(op, bools(2, 1, 3), bools(4, 1), [2, 4, 3], 'bool', '[2,1,3] with lower-rank [4,1]')),
  binary('maximum', bools(0), bools(1), [0], 'bool', 'empty [0] with [1]'),

  // ----- where: cond bool; a and b any dtype, result a's
  { label: 'where float32 lower-rank a [3] and b [2,1]', inputs: [bools(2, 3), normal(3), normal(2, 1)], call: (be, [c, a, b]) => be.where(c!, a!, b!, [2, 3]), out: { shape: [2, 3], dtype: 'float32' } },
  { label: 'where float32 lower-rank cond [4]', inputs: [bools(4), normal(3, 4), normal(3, 1)], call: (be, [c, a, b]) => be.where(c!, a!, b!, [3, 4]), out: { shape: [3, 4], dtype: 'float32' } },
  { label: 'where int32', inputs: [bools(3, 1), ints(-100, 100, 3, 4), ints(-100, 100)], call: (be, [c, a, b]) => be.where(c!, a!, b!, [3, 4]), out: { shape: [3, 4], dtype: 'int32' } },
  { label: 'where bool', inputs: [bools(2, 5), bools(5), bools(2, 1)], call: (be, [c, a, b]) => be.where(c!, a!, b!, [2, 5]), out: { shape: [2, 5], dtype: 'bool' } },
  { label: 'where empty [0,3]', inputs: [bools(0, 3), normal(3), normal(0, 1)], call: (be, [c, a, b]) => be.where(c!, a!, b!, [0, 3]), out: { shape: [0, 3], dtype: 'float32' } },
  { label: 'where size-1', inputs: [bools(1), normal(1, 1), normal()], call: (be, [c, a, b]) => be.where(c!, a!, b!, [1, 1]), out: { shape: [1, 1], dtype: 'float32' } },

  // ----- cast: every pair of dtypes
  ...(
    [
      ['float32', big(3, 5)],
      ['int32', ints(-1000, 1000, 3, 5)],
      ['bool', bools(3, 5)],
    ] as const
  ).flatMap(([from, x]) =>
    (['float32', 'int32', 'bool'] as const).map(
      (to): KernelSpec => ({ label: `cast ${from}→${to}`, inputs: [x], call: (be, [a]) => be.cast(a!, to), out: { shape: [3, 5], dtype: to } }),
    ),
  ),
  { label: 'cast empty [0]', inputs: [normal(0)], call: (be, [a]) => be.cast(a!, 'int32'), out: { shape: [0], dtype: 'int32' } },
  { label: 'cast size-1 [1, 1]', inputs: [normal(1, 1)], call: (be, [a]) => be.cast(a!, 'bool'), out: { shape: [1, 1], dtype: 'bool' } },
  { label: 'cast scalar []', inputs: [ints(-9, 9)], call: (be, [a]) => be.cast(a!, 'float32'), out: { shape: [], dtype: 'float32' } },

  // ----- reduce
  { label: 'reduce sum float32 axes [0,2]', inputs: [normal(3, 4, 5)], call: (be, [x]) => be.reduce('sum', x!, [0, 2]), out: { shape: [4], dtype: 'float32' } },
  { label: 'reduce sum float32 all axes', inputs: [normal(4, 3)], call: (be, [x]) => be.reduce('sum', x!, [0, 1]), out: { shape: [], dtype: 'float32' } },
  { label: 'reduce sum float32 over an empty axis gives 0', inputs: [normal(2, 0)], call: (be, [x]) => be.reduce('sum', x!, [1]), out: { shape: [2], dtype: 'float32' } },
  { label: 'reduce sum float32 with an empty kept axis', inputs: [normal(0, 3)], call: (be, [x]) => be.reduce('sum', x!, [1]), out: { shape: [0], dtype: 'float32' } },
  { label: 'reduce sum float32 over a size-1 axis', inputs: [normal(3, 1, 2)], call: (be, [x]) => be.reduce('sum', x!, [1]), out: { shape: [3, 2], dtype: 'float32' } },
  { label: 'reduce max float32 axis 1', inputs: [normal(3, 6, 2)], call: (be, [x]) => be.reduce('max', x!, [1]), out: { shape: [3, 2], dtype: 'float32' } },
  { label: 'reduce max float32 axes [0,2]', inputs: [normal(4, 3, 5)], call: (be, [x]) => be.reduce('max', x!, [0, 2]), out: { shape: [3], dtype: 'float32' } },
  { label: 'reduce max float32 with ties', inputs: [small(5, 4)], call: (be, [x]) => be.reduce('max', x!, [0]), out: { shape: [4], dtype: 'float32' } },
  { label: 'reduce max float32 with an empty kept axis', inputs: [normal(3, 0)], call: (be, [x]) => be.reduce('max', x!, [0]), out: { shape: [0], dtype: 'float32' } },
  { label: 'reduce sum int32 all axes', inputs: [ints(-1000, 1000, 4, 3)], call: (be, [x]) => be.reduce('sum', x!, [0, 1]), out: { shape: [], dtype: 'int32' } },
  { label: 'reduce sum int32 over an empty axis gives 0', inputs: [ints(0, 5, 0, 3)], call: (be, [x]) => be.reduce('sum', x!, [0]), out: { shape: [3], dtype: 'int32' } },
  { label: 'reduce max int32 axis 0 (negative values)', inputs: [ints(-1000, -1, 5, 3)], call: (be, [x]) => be.reduce('max', x!, [0]), out: { shape: [3], dtype: 'int32' } },

  // ----- argmax
  { label: 'argmax float32 axis 0', inputs: [normal(5, 3)], call: (be, [x]) => be.argmax(x!, 0), out: { shape: [3], dtype: 'int32' } },
  { label: 'argmax float32 last axis', inputs: [normal(3, 2, 7)], call: (be, [x]) => be.argmax(x!, 2), out: { shape: [3, 2], dtype: 'int32' } },
  { label: 'argmax float32 middle axis with ties', inputs: [small(2, 6, 3)], call: (be, [x]) => be.argmax(x!, 1), out: { shape: [2, 3], dtype: 'int32' } },
  { label: 'argmax int32 with ties', inputs: [ints(-3, 3, 4, 6)], call: (be, [x]) => be.argmax(x!, 1), out: { shape: [4], dtype: 'int32' } },
  { label: 'argmax over a size-1 axis', inputs: [normal(3, 1)], call: (be, [x]) => be.argmax(x!, 1), out: { shape: [3], dtype: 'int32' } },
  { label: 'argmax with an empty kept axis', inputs: [normal(0, 4)], call: (be, [x]) => be.argmax(x!, 1), out: { shape: [0], dtype: 'int32' } },

  // ----- matmul
  { label: 'matmul', inputs: [normal(1, 5, 7), normal(1, 7, 3)], call: (be, [a, b]) => be.matmul(a!, b!, false, false), out: { shape: [1, 5, 3], dtype: 'float32' } },
  { label: 'matmul transA transB', inputs: [normal(2, 7, 5), normal(2, 3, 7)], call: (be, [a, b]) => be.matmul(a!, b!, true, true), out: { shape: [2, 5, 3], dtype: 'float32' } },
  { label: 'matmul transA', inputs: [normal(2, 4, 3), normal(2, 4, 5)], call: (be, [a, b]) => be.matmul(a!, b!, true, false), out: { shape: [2, 3, 5], dtype: 'float32' } },
  { label: 'matmul batch broadcast transB', inputs: [normal(3, 4, 6), normal(1, 2, 6)], call: (be, [a, b]) => be.matmul(a!, b!, false, true), out: { shape: [3, 4, 2], dtype: 'float32' } },
  { label: 'matmul batch broadcast of a', inputs: [normal(1, 2, 3), normal(4, 3, 2)], call: (be, [a, b]) => be.matmul(a!, b!, false, false), out: { shape: [4, 2, 2], dtype: 'float32' } },
  { label: 'matmul larger than a block', inputs: [normal(1, 67, 129), normal(1, 129, 70)], call: (be, [a, b]) => be.matmul(a!, b!, false, false), out: { shape: [1, 67, 70], dtype: 'float32' } },
  { label: 'matmul size-1 dims', inputs: [normal(1, 1, 1), normal(1, 1, 1)], call: (be, [a, b]) => be.matmul(a!, b!, false, false), out: { shape: [1, 1, 1], dtype: 'float32' } },
  { label: 'matmul K = 0 gives zeros', inputs: [normal(2, 3, 0), normal(2, 0, 4)], call: (be, [a, b]) => be.matmul(a!, b!, false, false), out: { shape: [2, 3, 4], dtype: 'float32' } },
  { label: 'matmul M = 0', inputs: [normal(1, 0, 3), normal(1, 3, 4)], call: (be, [a, b]) => be.matmul(a!, b!, false, false), out: { shape: [1, 0, 4], dtype: 'float32' } },
  { label: 'matmul N = 0 transB', inputs: [normal(1, 2, 3), normal(1, 0, 3)], call: (be, [a, b]) => be.matmul(a!, b!, false, true), out: { shape: [1, 2, 0], dtype: 'float32' } },
  { label: 'matmul batch 0', inputs: [normal(0, 2, 3), normal(1, 3, 2)], call: (be, [a, b]) => be.matmul(a!, b!, false, false), out: { shape: [0, 2, 2], dtype: 'float32' } },

  // ----- movement, on every dtype
  ...(
    [
      ['float32', (...s: number[]) => normal(...s)],
      ['int32', (...s: number[]) => ints(-1000, 1000, ...s)],
      ['bool', (...s: number[]) => bools(...s)],
    ] as const
  ).flatMap(([dtype, make]): KernelSpec[] => [
    { label: `permute ${dtype}`, inputs: [make(2, 3, 4)], call: (be, [x]) => be.permute(x!, [2, 0, 1]), out: { shape: [4, 2, 3], dtype } },
    { label: `expand ${dtype}`, inputs: [make(1, 3, 1)], call: (be, [x]) => be.expand(x!, [2, 3, 4]), out: { shape: [2, 3, 4], dtype } },
    { label: `slice ${dtype}`, inputs: [make(4, 5, 3)], call: (be, [x]) => be.slice(x!, [1, 0, 2], [2, 5, 1]), out: { shape: [2, 5, 1], dtype } },
    { label: `pad ${dtype}`, inputs: [make(2, 3)], call: (be, [x]) => be.pad(x!, [[0, 2], [1, 1]], dtype === 'float32' ? -1.5 : dtype === 'int32' ? -7 : 1), out: { shape: [4, 5], dtype } },
    { label: `concat ${dtype} axis 1`, inputs: [make(2, 1, 3), make(2, 4, 3), make(2, 0, 3)], call: (be, xs) => be.concat(xs, 1), out: { shape: [2, 5, 3], dtype } },
    { label: `gather ${dtype} axis 1`, inputs: [make(3, 5), idx([3, 4], 5)], call: (be, [x, i]) => be.gather(x!, i!, 1), out: { shape: [3, 4], dtype } },
  ]),
  { label: 'permute empty [0,2,3]', inputs: [normal(0, 2, 3)], call: (be, [x]) => be.permute(x!, [2, 0, 1]), out: { shape: [3, 0, 2], dtype: 'float32' } },
  { label: 'permute size-1 dims', inputs: [normal(1, 3, 1)], call: (be, [x]) => be.permute(x!, [2, 1, 0]), out: { shape: [1, 3, 1], dtype: 'float32' } },
  { label: 'expand a size-1 dim to 0', inputs: [normal(1, 3)], call: (be, [x]) => be.expand(x!, [0, 3]), out: { shape: [0, 3], dtype: 'float32' } },
  { label: 'expand a scalar-like [1,1]', inputs: [normal(1, 1)], call: (be, [x]) => be.expand(x!, [3, 2]), out: { shape: [3, 2], dtype: 'float32' } },
  { label: 'slice size-1 dims', inputs: [normal(1, 4, 1)], call: (be, [x]) => be.slice(x!, [0, 1, 0], [1, 2, 1]), out: { shape: [1, 2, 1], dtype: 'float32' } },
  { label: 'pad size-1 dims', inputs: [ints(-9, 9, 1, 1)], call: (be, [x]) => be.pad(x!, [[0, 1], [2, 0]], 5), out: { shape: [2, 3], dtype: 'int32' } },
  { label: 'concat size-1 parts', inputs: [bools(1, 1), bools(1, 1)], call: (be, xs) => be.concat(xs, 1), out: { shape: [1, 2], dtype: 'bool' } },
  { label: 'gather size-1 dims', inputs: [normal(1, 3), idx([1, 1], 3)], call: (be, [x, i]) => be.gather(x!, i!, 1), out: { shape: [1, 1], dtype: 'float32' } },
  { label: 'scatterAdd size-1 dims', inputs: [idx([1, 1], 2), normal(1, 1)], call: (be, [i, s]) => be.scatterAdd(i!, s!, 1, [1, 2]), out: { shape: [1, 2], dtype: 'float32' } },
  { label: 'slice of size 0', inputs: [normal(4, 3)], call: (be, [x]) => be.slice(x!, [2, 0], [0, 3]), out: { shape: [0, 3], dtype: 'float32' } },
  { label: 'slice of an empty tensor', inputs: [normal(0, 3)], call: (be, [x]) => be.slice(x!, [0, 1], [0, 2]), out: { shape: [0, 2], dtype: 'float32' } },
  { label: 'pad an empty tensor', inputs: [normal(0, 2)], call: (be, [x]) => be.pad(x!, [[1, 1], [0, 1]], 3), out: { shape: [2, 3], dtype: 'float32' } },
  { label: 'pad with -Infinity', inputs: [normal(2, 2)], call: (be, [x]) => be.pad(x!, [[1, 0], [0, 1]], -Infinity), out: { shape: [3, 3], dtype: 'float32' } },
  { label: 'pad with zero padding', inputs: [ints(-9, 9, 2, 2)], call: (be, [x]) => be.pad(x!, [[0, 0], [0, 0]], 0), out: { shape: [2, 2], dtype: 'int32' } },
  { label: 'concat of empty parts only', inputs: [normal(2, 0), normal(2, 0)], call: (be, xs) => be.concat(xs, 1), out: { shape: [2, 0], dtype: 'float32' } },
  { label: 'concat of one part', inputs: [ints(-9, 9, 3, 2)], call: (be, xs) => be.concat(xs, 0), out: { shape: [3, 2], dtype: 'int32' } },
  { label: 'concat of eight parts axis 0', inputs: Array.from({ length: 8 }, (_, k) => normal(k % 3, 2)), call: (be, xs) => be.concat(xs, 0), out: { shape: [7, 2], dtype: 'float32' } },
  { label: 'gather axis 0 repeating rows', inputs: [normal(3, 4), idx([5, 4], 3)], call: (be, [x, i]) => be.gather(x!, i!, 0), out: { shape: [5, 4], dtype: 'float32' } },
  { label: 'gather with an index smaller than x on other axes', inputs: [normal(4, 5), idx([2, 3], 5)], call: (be, [x, i]) => be.gather(x!, i!, 1), out: { shape: [2, 3], dtype: 'float32' } },
  { label: 'gather with an empty index', inputs: [normal(3, 4), idx([3, 0], 4)], call: (be, [x, i]) => be.gather(x!, i!, 1), out: { shape: [3, 0], dtype: 'float32' } },
  { label: 'scatterAdd axis 0', inputs: [idx([6, 2], 3), normal(6, 2)], call: (be, [i, s]) => be.scatterAdd(i!, s!, 0, [3, 2]), out: { shape: [3, 2], dtype: 'float32' } },
  { label: 'scatterAdd axis 1 into a larger output', inputs: [idx([2, 5], 4), normal(2, 5)], call: (be, [i, s]) => be.scatterAdd(i!, s!, 1, [3, 4]), out: { shape: [3, 4], dtype: 'float32' } },
  { label: 'scatterAdd of an empty index gives zeros', inputs: [idx([0, 2], 3), normal(0, 2)], call: (be, [i, s]) => be.scatterAdd(i!, s!, 0, [3, 2]), out: { shape: [3, 2], dtype: 'float32' } },
];

/** The kernel cases. */
export const kernelCases: KitCase[] = specs.map((k) => {
  const name = `kernel: ${k.label}`;
  return {
    name,
    async run(ctx) {
      const rng = rngFor(name);
      const inputs = k.inputs.map((s) => randomInput(s, rng));
      const actual = await callKernel(ctx, ctx.backend, k.label, inputs, k.call, k.out);
      const expected = await callKernel({ name: 'reference backend' }, ctx.reference, k.label, inputs, k.call, k.out);
      expectClose(ctx, `kernel ${k.label}`, actual, expected, k.out.dtype, ctx.tol);
    },
  };
});
