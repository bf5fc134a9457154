/**
 * Edge-value cases: each rule of the contract about NaN, ±Infinity, ties, int32 arithmetic
 * (truncation, division by zero, wrapping, negative exponents), casts and output dtypes, checked
 * on literal inputs against expectations derived by hand (written out below, not computed by
 * the reference backend). A case is named after its kernel and rule, and so is its failure.
 *
 * @internal
 * @module
 */
import type { Backend, BinaryOp, DataHandle, DType, TensorInfo, UnaryOp } from '../../backend/backend.js';
import { b8, callKernel, expectValues, f32, fmt, fmtArray, i32, needsFullInt32, type Input, type KitCase } from './harness.js';

const N = NaN;
const I = Infinity;
const MAX = 2147483647;
const MIN = -2147483648;
/** 2^24: the largest integer float32 holds exactly (and backend-gpujs's maxExactInt). */
const E = 16777216;

interface EdgeSpec {
  /** The kernel as messages name it, e.g. `unary sign float32`. */
  kernel: string;
  /** The rule of the contract the case checks. */
  rule: string;
  inputs: Input[];
  call: (be: Backend, xs: TensorInfo[]) => DataHandle;
  out: { shape: readonly number[]; dtype: DType };
  expected: readonly number[];
  /** Describes element `i` in messages. */
  at?: (i: number) => string;
  /** Needs the full int32 range (skipped when the backend declares a smaller maxExactInt). */
  fullInt32?: boolean;
}

function unary(op: UnaryOp, dtype: 'float32' | 'int32', xs: readonly number[], expected: readonly number[], rule: string, fullInt32 = false): EdgeSpec {
  return {
    kernel: `unary ${op} ${dtype}`,
    rule,
    inputs: [dtype === 'float32' ? f32(xs) : i32(xs)],
    call: (be, [x]) => be.unary(op, x!),
    out: { shape: [xs.length], dtype },
    expected,
    at: (i) => `${op}(${fmt(xs[i]!)})`,
    fullInt32,
  };
}

const COMPARE: readonly BinaryOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];

function binary(op: BinaryOp, dtype: DType, a: readonly number[], b: readonly number[], expected: readonly number[], rule: string, fullInt32 = false): EdgeSpec {
  const make = dtype === 'float32' ? f32 : dtype === 'int32' ? i32 : b8;
  return {
    kernel: `binary ${op} ${dtype}`,
    rule,
    inputs: [make(a), make(b)],
    call: (be, [x, y]) => be.binary(op, x!, y!, [a.length]),
    out: { shape: [a.length], dtype: COMPARE.includes(op) ? 'bool' : dtype },
    expected,
    at: (i) => `${op}(${fmt(a[i]!)}, ${fmt(b[i]!)})`,
    fullInt32,
  };
}

function cast(from: DType, to: DType, xs: readonly number[], expected: readonly number[], rule: string, fullInt32 = false): EdgeSpec {
  const make = from === 'float32' ? f32 : from === 'int32' ? i32 : b8;
  return {
    kernel: `cast ${from}→${to}`,
    rule,
    inputs: [make(xs)],
    call: (be, [x]) => be.cast(x!, to),
    out: { shape: [xs.length], dtype: to },
    expected,
    at: (i) => `cast(${fmt(xs[i]!)})`,
    fullInt32,
  };
}

/** A reduction or argmax of `input` over `axes`; messages show the values each output element reduces. */
function along(kernel: string, rule: string, input: Input, axes: readonly number[], call: EdgeSpec['call'], out: EdgeSpec['out'], expected: readonly number[], fullInt32 = false): EdgeSpec {
  const what = kernel.split(' ').slice(0, -1).join(' ');
  return { kernel, rule, inputs: [input], call, out, expected, at: (i) => `${what} of ${fmtArray(reduced(input, axes, i))}`, fullInt32 };
}

/** The values of `x` that output element `i` of a reduction over `axes` reduces. */
function reduced(x: Input, axes: readonly number[], i: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < x.values.length; j++) {
    // The flat index in the output of input element j: its coordinates on the kept axes.
    let rem = j;
    let o = 0;
    let scale = 1;
    for (let d = x.shape.length - 1; d >= 0; d--) {
      const c = rem % x.shape[d]!;
      rem = Math.floor(rem / x.shape[d]!);
      if (!axes.includes(d)) {
        o += c * scale;
        scale *= x.shape[d]!;
      }
    }
    if (o === i) out.push(x.values[j]!);
  }
  return out;
}

// ----- unary ---------------------------------------------------------------------------------

/** f(0) (or f(1) for log and sqrt) for the NaN cases: [NaN, x0, NaN] → [NaN, f(x0), NaN]. */
const AT_ZERO: Record<UnaryOp, [number, number]> = {
  neg: [0, 0], abs: [0, 0], sign: [0, 0], exp: [0, 1], log: [1, 0], sqrt: [1, 1], relu: [0, 0],
  sigmoid: [0, 0.5], tanh: [0, 0], erf: [0, 0], sin: [0, 0], cos: [0, 1],
};

/** IEEE values of every unary op at ±Infinity and its domain's edges. */
const IEEE_UNARY: Record<UnaryOp, [readonly number[], readonly number[], string]> = {
  neg: [[I, -I, 1.5], [-I, I, -1.5], 'neg(±Inf) = ∓Inf'],
  abs: [[I, -I, -1.5], [I, I, 1.5], 'abs(±Inf) = Inf'],
  sign: [[I, -I, 2.5, -0.5, 0], [1, -1, 1, -1, 0], 'sign(±Inf) = ±1, sign(0) = 0'],
  exp: [[I, -I, 0, 1], [I, 0, 1, Math.E], 'exp(Inf) = Inf, exp(-Inf) = 0'],
  log: [[I, 0, -1, -I, 1], [I, -I, N, N, 0], 'log(Inf) = Inf, log(0) = -Inf, log(x < 0) = NaN'],
  sqrt: [[I, -I, -1, 0, 4], [I, N, N, 0, 2], 'sqrt(Inf) = Inf, sqrt(x < 0) = NaN'],
  relu: [[I, -I, -1, 2], [I, 0, 0, 2], 'relu(Inf) = Inf, relu(-Inf) = 0'],
  sigmoid: [[I, -I, 0], [1, 0, 0.5], 'sigmoid(Inf) = 1, sigmoid(-Inf) = 0'],
  tanh: [[I, -I, 0], [1, -1, 0], 'tanh(±Inf) = ±1'],
  erf: [[I, -I, 0], [1, -1, 0], 'erf(±Inf) = ±1'],
  sin: [[I, -I, 0], [N, N, 0], 'sin(±Inf) = NaN'],
  cos: [[I, -I, 0], [N, N, 1], 'cos(±Inf) = NaN'],
};

const UNARY_OPS = Object.keys(AT_ZERO) as UnaryOp[];

const unarySpecs: EdgeSpec[] = [
  ...UNARY_OPS.map((op) => {
    const [x0, y0] = AT_ZERO[op];
    return unary(op, 'float32', [N, x0, N], [N, y0, N], `every unary op of NaN is NaN (${op}(NaN) = NaN)`);
  }),
  ...UNARY_OPS.map((op) => {
    const [xs, ys, rule] = IEEE_UNARY[op];
    return unary(op, 'float32', xs, ys, `IEEE 754 values: ${rule}`);
  }),
  unary('neg', 'int32', [0, 1, -1, 7, -7, E, -E], [0, -1, 1, -7, 7, -E, E], 'int32 neg is exact'),
  unary('abs', 'int32', [0, 1, -1, 7, -7, E, -E], [0, 1, 1, 7, 7, E, E], 'int32 abs is exact'),
  unary('sign', 'int32', [0, 1, -1, 7, -7, E, -E], [0, 1, -1, 1, -1, 1, -1], 'int32 sign is -1, 0 or 1'),
  unary('relu', 'int32', [0, 1, -1, 7, -7, E, -E], [0, 1, 0, 7, 0, E, 0], 'int32 relu is max(x, 0)'),
  unary('neg', 'int32', [MAX, MIN, -MAX], [-MAX, MIN, MAX], 'int32 wraps modulo 2^32: neg(-2^31) = -2^31', true),
  unary('abs', 'int32', [MAX, MIN, -MAX], [MAX, MIN, MAX], 'int32 wraps modulo 2^32: abs(-2^31) = -2^31', true),
  unary('sign', 'int32', [MAX, MIN, -MAX], [1, -1, -1], 'int32 sign over the full range', true),
  unary('relu', 'int32', [MAX, MIN, -MAX], [MAX, 0, 0], 'int32 relu over the full range', true),
];

// ----- binary --------------------------------------------------------------------------------

const CMP_A = [N, 1, N, I, -I, I, 2];
const CMP_B = [1, N, N, I, -I, 3.4e38, 2];
const CMP_EXPECTED: Record<string, number[]> = {
  eq: [0, 0, 0, 1, 1, 0, 1],
  ne: [1, 1, 1, 0, 0, 1, 0],
  lt: [0, 0, 0, 0, 0, 0, 0],
  le: [0, 0, 0, 1, 1, 0, 1],
  gt: [0, 0, 0, 0, 0, 1, 0],
  ge: [0, 0, 0, 1, 1, 1, 1],
};

const INT_A = [-3, 5, -E, E - 1, 0];
const INT_B = [-4, 5, E, E, -1];
const INT_ORDER: Record<string, number[]> = {
  maximum: [-3, 5, E, E, 0],
  minimum: [-4, 5, -E, E - 1, -1],
  eq: [0, 1, 0, 0, 0],
  ne: [1, 0, 1, 1, 1],
  lt: [0, 0, 1, 1, 0],
  le: [0, 1, 1, 1, 0],
  gt: [1, 0, 0, 0, 1],
  ge: [1, 1, 0, 0, 1],
};

// Neighbours that float32 cannot tell apart: a backend computing int32 in float32 fails these.
const WIDE_A = [MAX, MIN, MAX - 1, MAX - 1];
const WIDE_B = [MAX - 1, MAX, MAX, MAX - 1];
const WIDE_ORDER: Record<string, number[]> = {
  maximum: [MAX, MAX, MAX, MAX - 1],
  minimum: [MAX - 1, MIN, MAX - 1, MAX - 1],
  eq: [0, 0, 0, 1],
  lt: [0, 1, 1, 0],
  ge: [1, 0, 0, 1],
};

const BOOL_A = [0, 0, 1, 1];
const BOOL_B = [0, 1, 0, 1];
const BOOL_TABLE: Record<string, [number[], string]> = {
  maximum: [[0, 1, 1, 1], 'bool maximum is logical or'],
  minimum: [[0, 0, 0, 1], 'bool minimum is logical and'],
  eq: [[1, 0, 0, 1], 'bool comparisons order false < true'],
  ne: [[0, 1, 1, 0], 'bool comparisons order false < true'],
  lt: [[0, 1, 0, 0], 'bool comparisons order false < true'],
  le: [[1, 1, 0, 1], 'bool comparisons order false < true'],
  gt: [[0, 0, 1, 0], 'bool comparisons order false < true'],
  ge: [[1, 0, 1, 1], 'bool comparisons order false < true'],
};

const binarySpecs: EdgeSpec[] = [
  binary('add', 'float32', [I, I, -I, N, 1, 3.4e38], [-I, 1, -1, 1, N, 3.4e38], [N, I, -I, N, N, I], 'IEEE 754: Inf + -Inf = NaN, NaN propagates, overflow gives Inf'),
  binary('sub', 'float32', [I, I, N, -I], [I, -I, 0, 1], [N, I, N, -I], 'IEEE 754: Inf - Inf = NaN, NaN propagates'),
  binary('mul', 'float32', [0, I, -I, N, 1e30], [I, -2, -I, 0, 1e30], [N, -I, I, N, I], 'IEEE 754: 0 · Inf = NaN, NaN · 0 = NaN, overflow gives Inf'),
  binary('div', 'float32', [1, -1, 0, N, I, 1, 6], [0, 0, 0, 1, I, I, -3], [I, -I, N, N, N, 0, -2], 'IEEE 754: x / 0 = ±Inf, 0 / 0 = NaN, Inf / Inf = NaN'),
  binary(
    'pow',
    'float32',
    [-2, -2, -2, 2, 0, N, 1, 0, 4, -I, -I, 2, 0.5],
    [3, 2, 0.5, -1, -1, 0, N, 0, 0.5, 3, 2, I, I],
    [-8, 4, N, 0.5, I, 1, N, 1, 2, -I, I, I, 0],
    "pow is JavaScript's Math.pow: (-2)^3 = -8, (-2)^0.5 = NaN, x^0 = 1, 0^-1 = Inf, 1^NaN = NaN",
  ),
  binary(
    'pow',
    'float32',
    [-I, -I, -1, 1, -0.5, -I],
    [0.5, -0.5, I, I, -I, 2.5],
    [I, 0, N, N, I, I],
    "pow of infinities is JavaScript's Math.pow: (-Inf)^0.5 = Inf, (-Inf)^-0.5 = 0, (±1)^Inf = NaN, (-0.5)^-Inf = Inf",
  ),
  binary('maximum', 'float32', [N, 1, N, -I, I, 2], [1, N, N, 1, 3, -I], [N, N, N, 1, I, 2], 'maximum is NaN when either input is NaN'),
  binary('minimum', 'float32', [N, 1, N, -I, I, 2], [1, N, N, 1, 3, -I], [N, N, N, -I, 3, -I], 'minimum is NaN when either input is NaN'),
  ...COMPARE.map((op) => binary(op, 'float32', CMP_A, CMP_B, CMP_EXPECTED[op]!, 'comparisons with NaN are false, except ne (true); ±Inf compare as numbers')),

  binary('div', 'int32', [7, -7, 7, -7, 1, -1, 6, -6, E - 1, -E], [2, 2, -2, -2, 3, 3, 3, -3, 2, 3], [3, -3, -3, 3, 0, 0, 2, 2, 8388607, -5592405], 'int32 div truncates toward zero (-7 / 2 = -3)'),
  binary('div', 'int32', [5, -5, 0, E, -E, 1], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], 'int32 x / 0 = 0 for every x'),
  binary('div', 'int32', [MIN, MIN, MAX, MAX], [-1, 1, -1, MAX], [MIN, MIN, -MAX, 1], 'int32 div wraps: -2^31 / -1 = -2^31', true),
  binary('add', 'int32', [MAX, MIN, MAX, 2 ** 30], [1, -1, MIN, 2 ** 30], [MIN, MAX, -1, MIN], 'int32 add wraps modulo 2^32', true),
  binary('sub', 'int32', [MIN, MAX, 0], [1, -1, MIN], [MAX, MIN, MIN], 'int32 sub wraps modulo 2^32', true),
  binary('mul', 'int32', [65536, 46341, MIN, MAX, 46340], [65536, 46341, -1, 2, 46340], [0, -2147479015, MIN, -2, 2147395600], 'int32 mul wraps modulo 2^32 and is exact', true),
  binary('pow', 'int32', [2, -3, -2, 0, 5, 0, 3, 4096, -1], [10, 3, 4, 0, 0, 5, 1, 2, 7], [1024, -27, 16, 1, 1, 0, 3, E, -1], 'int32 pow is integer exponentiation; x^0 = 1 (0^0 too)'),
  binary(
    'pow',
    'int32',
    [1, -1, -1, 0, 2, -2, 3, -7, 1],
    [-3, -3, -2, -1, -1, -1, -2, -5, -E],
    [1, -1, 1, 0, 0, 0, 0, 0, 1],
    'int32 pow with a negative exponent is the real result truncated toward zero (1^-n = 1, (-1)^-n = ±1, 0^-n = 0, else 0)',
  ),
  binary('pow', 'int32', [2, 3, -2, 2, 7], [31, 20, 31, 32, 15], [MIN, -808182895, MIN, 0, 1622647863], 'int32 pow wraps modulo 2^32', true),
  ...Object.entries(INT_ORDER).map(([op, e]) => binary(op as BinaryOp, 'int32', INT_A, INT_B, e, 'int32 maximum / minimum / comparisons use integer order')),
  ...Object.entries(WIDE_ORDER).map(([op, e]) => binary(op as BinaryOp, 'int32', WIDE_A, WIDE_B, e, 'int32 order is exact over the full range', true)),
  ...Object.entries(BOOL_TABLE).map(([op, [e, rule]]) => binary(op as BinaryOp, 'bool', BOOL_A, BOOL_B, e, rule)),
  {
    kernel: 'binary add float32',
    rule: 'lower-rank inputs are right-aligned to outShape ([2,1] + [3] → [2,3])',
    inputs: [f32([1, 2], [2, 1]), f32([10, 20, 30], [3])],
    call: (be, [a, b]) => be.binary('add', a!, b!, [2, 3]),
    out: { shape: [2, 3], dtype: 'float32' },
    expected: [11, 21, 31, 12, 22, 32],
  },
  {
    kernel: 'binary sub int32',
    rule: 'a scalar [] input broadcasts to outShape',
    inputs: [i32([5], []), i32([1, 2, 3, 4], [2, 1, 2])],
    call: (be, [a, b]) => be.binary('sub', a!, b!, [2, 1, 2]),
    out: { shape: [2, 1, 2], dtype: 'int32' },
    expected: [4, 3, 2, 1],
  },
];

// ----- where ---------------------------------------------------------------------------------

const whereSpecs: EdgeSpec[] = [
  {
    kernel: 'where float32',
    rule: 'cond, a and b are right-aligned to outShape (cond [3], a [2,1], b [])',
    inputs: [b8([1, 0, 1]), f32([1, 2], [2, 1]), f32([-1], [])],
    call: (be, [c, a, b]) => be.where(c!, a!, b!, [2, 3]),
    out: { shape: [2, 3], dtype: 'float32' },
    expected: [1, -1, 1, 2, -1, 2],
  },
  {
    kernel: 'where float32',
    rule: 'values are selected: NaN and ±Inf pass unchanged and never leak from the branch not taken',
    inputs: [b8([1, 0, 1, 0, 1]), f32([N, N, I, 1, -2]), f32([2, 3, N, -I, N])],
    call: (be, [c, a, b]) => be.where(c!, a!, b!, [5]),
    out: { shape: [5], dtype: 'float32' },
    expected: [N, 3, I, -I, -2],
  },
  {
    kernel: 'where int32',
    rule: "the result has a's dtype (int32), values exact",
    inputs: [b8([1, 0, 1, 0]), i32([E, 5, -3, 0]), i32([0, -E, 0, 7])],
    call: (be, [c, a, b]) => be.where(c!, a!, b!, [4]),
    out: { shape: [4], dtype: 'int32' },
    expected: [E, -E, -3, 7],
  },
  {
    kernel: 'where int32',
    rule: 'every int32 passes exactly',
    inputs: [b8([1, 0, 1]), i32([MAX, 0, MAX - 1]), i32([0, MIN, 0])],
    call: (be, [c, a, b]) => be.where(c!, a!, b!, [3]),
    out: { shape: [3], dtype: 'int32' },
    expected: [MAX, MIN, MAX - 1],
    fullInt32: true,
  },
  {
    kernel: 'where bool',
    rule: "the result has a's dtype (bool)",
    inputs: [b8([1, 0, 1, 0]), b8([1, 1, 0, 0]), b8([0, 1, 1, 0])],
    call: (be, [c, a, b]) => be.where(c!, a!, b!, [4]),
    out: { shape: [4], dtype: 'bool' },
    expected: [1, 1, 0, 0],
  },
];

// ----- cast ----------------------------------------------------------------------------------

const castSpecs: EdgeSpec[] = [
  cast('float32', 'int32', [1.9, -1.9, 0.5, -0.5, 2.5, -2.5, E, -7, 1e-30], [1, -1, 0, 0, 2, -2, E, -7, 0], 'float32 → int32 truncates toward zero'),
  cast(
    'float32',
    'int32',
    [N, I, -I, 3e9, -3e9, 2147483520, MIN, 1e30, -1e30],
    [0, MAX, MIN, MAX, MIN, 2147483520, MIN, MAX, MIN],
    'float32 → int32: NaN → 0; ±Inf and values outside the int32 range saturate to 2147483647 / -2147483648',
  ),
  cast('float32', 'bool', [0, -0, 1, -2, N, I, -I, 1e-30], [0, 0, 1, 1, 1, 1, 1, 1], 'float32 → bool is x != 0 (NaN → true)'),
  cast('float32', 'float32', [N, I, -I, 1.5, -0, 3.4e38], [N, I, -I, 1.5, -0, 3.4e38], 'a same-dtype cast copies every value'),
  cast('int32', 'float32', [0, -5, E, -E, 12345], [0, -5, E, -E, 12345], 'int32 → float32 is exact within 2^24'),
  cast('int32', 'float32', [E + 1, MAX, MIN, E + 3], [E, 2147483648, MIN, E + 4], 'int32 → float32 rounds to nearest, ties to even', true),
  cast('int32', 'bool', [0, 3, -1, E, -E], [0, 1, 1, 1, 1], 'int32 → bool is x != 0'),
  cast('int32', 'int32', [0, -E, E, 77], [0, -E, E, 77], 'a same-dtype cast copies every value'),
  cast('bool', 'float32', [0, 1, 1, 0], [0, 1, 1, 0], 'bool → float32 gives 0 / 1'),
  cast('bool', 'int32', [0, 1, 1, 0], [0, 1, 1, 0], 'bool → int32 gives 0 / 1'),
  cast('bool', 'bool', [0, 1, 1, 0], [0, 1, 1, 0], 'a same-dtype cast copies every value'),
];

// ----- reduce and argmax ---------------------------------------------------------------------

const sum = (axes: number[]) => (be: Backend, [x]: TensorInfo[]) => be.reduce('sum', x!, axes);
const max = (axes: number[]) => (be: Backend, [x]: TensorInfo[]) => be.reduce('max', x!, axes);
const argmax = (axis: number) => (be: Backend, [x]: TensorInfo[]) => be.argmax(x!, axis);

const reduceSpecs: EdgeSpec[] = [
  along('reduce max float32', 'max is NaN when any reduced element is NaN (last axis)', f32([1, N, 3, N, 2, 5, 4, 1, N, 7, 8, 9], [4, 3]), [1], max([1]), { shape: [4], dtype: 'float32' }, [N, N, N, 9]),
  along('reduce max float32', 'max is NaN when any reduced element is NaN (first axis)', f32([1, N, 0, 2, N, 5, 0, 1, 3, 4, 0, N], [3, 4]), [0], max([0]), { shape: [4], dtype: 'float32' }, [N, N, 0, N]),
  along('reduce max float32', 'max is NaN when any reduced element is NaN (all axes)', f32([5, 9, 1, N, 2, 3], [2, 3]), [0, 1], max([0, 1]), { shape: [], dtype: 'float32' }, [N]),
  along('reduce max float32', 'max over ±Infinity', f32([-I, -I, -I, 1, I, 2], [3, 2]), [1], max([1]), { shape: [3], dtype: 'float32' }, [-I, 1, I]),
  along('reduce sum float32', 'sum follows IEEE 754 (Inf + -Inf = NaN, NaN propagates, overflow gives Inf)', f32([I, 1, I, -I, N, 1, 3.4e38, 3.4e38], [4, 2]), [1], sum([1]), { shape: [4], dtype: 'float32' }, [I, N, N, I]),
  along('reduce sum float32', 'sum over an empty axis is 0', f32([], [3, 0]), [1], sum([1]), { shape: [3], dtype: 'float32' }, [0, 0, 0]),
  along('reduce sum int32', 'sum over an empty axis is 0 (int32)', i32([], [0, 2]), [0], sum([0]), { shape: [2], dtype: 'int32' }, [0, 0]),
  along('reduce sum int32', "int32 sum is exact and keeps x's dtype", i32([E - 1, 1, -5, 5, -E, 3], [2, 3]), [0, 1], sum([0, 1]), { shape: [], dtype: 'int32' }, [3]),
  along('reduce sum int32', 'int32 sum wraps modulo 2^32 and is exact', i32([MAX, 1, MIN, -1, MAX, MAX, MAX, -MAX + 1, 2, MAX], [5, 2]), [1], sum([1]), { shape: [5], dtype: 'int32' }, [MIN, MAX, -2, 1, MIN + 1], true),
  along('reduce max int32', "int32 max uses integer order and keeps x's dtype", i32([-5, -3, -7, E, E - 1, 0], [2, 3]), [1], max([1]), { shape: [2], dtype: 'int32' }, [-3, E]),
  along('reduce max int32', 'int32 max is exact over the full range', i32([MAX - 1, MAX, 0, MIN, MIN + 1, MIN], [2, 3]), [1], max([1]), { shape: [2], dtype: 'int32' }, [MAX, MIN + 1], true),
  along('argmax float32', 'ties give the index of the FIRST maximum (last axis)', f32([3, 1, 3, 2, 1, 5, 5, 5, 0, 0, 0, 0, -1, -2, -1, -3], [4, 4]), [1], argmax(1), { shape: [4], dtype: 'int32' }, [0, 1, 0, 0]),
  along('argmax float32', 'ties give the index of the FIRST maximum (first axis)', f32([1, 2, 0, 3, 2, 0, 3, 1, 0, 2, 2, 0], [4, 3]), [0], argmax(0), { shape: [3], dtype: 'int32' }, [1, 0, 0]),
  along('argmax float32', 'a NaN counts as the maximum: the index of the first NaN (last axis)', f32([1, N, 5, N, N, 1, 2, 3, 1, 2, 3, N, 9, 1, 1, 1], [4, 4]), [1], argmax(1), { shape: [4], dtype: 'int32' }, [1, 0, 3, 0]),
  along('argmax float32', 'a NaN counts as the maximum: the index of the first NaN (first axis)', f32([1, N, 2, N, N, 3, 5, 1, N], [3, 3]), [0], argmax(0), { shape: [3], dtype: 'int32' }, [1, 0, 2]),
  along('argmax float32', 'ties among ±Infinity give the first', f32([-I, -I, -I, 1, I, I, -I, -3, -I], [3, 3]), [1], argmax(1), { shape: [3], dtype: 'int32' }, [0, 1, 1]),
  along('argmax int32', 'int32 ties give the index of the FIRST maximum', i32([-3, -1, -1, -2, 7, 7, 7, 7, -E, E, E, 0], [3, 4]), [1], argmax(1), { shape: [3], dtype: 'int32' }, [1, 0, 1]),
  along('argmax int32', 'int32 order is exact over the full range', i32([MAX - 1, MAX, MAX, MIN, MIN + 1, MIN], [2, 3]), [1], argmax(1), { shape: [2], dtype: 'int32' }, [1, 1], true),
];

// ----- matmul --------------------------------------------------------------------------------

const matmulSpecs: EdgeSpec[] = [
  {
    kernel: 'matmul',
    rule: 'IEEE 754: a NaN in a row of a makes that output row NaN (NaN · 0 = NaN)',
    inputs: [f32([1, N, 1, 2], [1, 2, 2]), f32([1, 0, 0, 1], [1, 2, 2])],
    call: (be, [a, b]) => be.matmul(a!, b!, false, false),
    out: { shape: [1, 2, 2], dtype: 'float32' },
    expected: [N, N, 1, 2],
  },
  {
    kernel: 'matmul',
    rule: 'IEEE 754: Inf · 0 = NaN, Inf · x = Inf',
    inputs: [f32([I, 0, 1, 1], [1, 2, 2]), f32([0, 1, 1, 1], [1, 2, 2])],
    call: (be, [a, b]) => be.matmul(a!, b!, false, false),
    out: { shape: [1, 2, 2], dtype: 'float32' },
    expected: [N, I, 1, 2],
  },
  {
    kernel: 'matmul',
    rule: 'IEEE 754 with transB: a NaN in b reaches its output column',
    inputs: [f32([1, 2], [1, 1, 2]), f32([N, 1, 0, 0], [1, 2, 2])],
    call: (be, [a, b]) => be.matmul(a!, b!, false, true),
    out: { shape: [1, 1, 2], dtype: 'float32' },
    expected: [N, 0],
  },
];

// ----- movement ------------------------------------------------------------------------------

const SPECIAL = f32([N, I, -I, 1.5, -2, 3e38], [2, 3]);
const WIDE = i32([MAX, MIN, -1, MAX - 1, 0, MIN + 1], [2, 3]);
const INSIDE = i32([E, -E, -1, E - 1, 0, 1 - E], [2, 3]);

function movement(input: Input, what: string, fullInt32 = false): EdgeSpec[] {
  const v = Array.from(input.values);
  const rule = `values move unchanged (${what})`;
  const dtype = input.dtype;
  return [
    { kernel: `permute ${dtype}`, rule, inputs: [input], call: (be, [x]) => be.permute(x!, [1, 0]), out: { shape: [3, 2], dtype }, expected: [v[0]!, v[3]!, v[1]!, v[4]!, v[2]!, v[5]!], fullInt32 },
    { kernel: `expand ${dtype}`, rule, inputs: [{ ...input, values: input.values.slice(0, 3), shape: [1, 3] }], call: (be, [x]) => be.expand(x!, [2, 3]), out: { shape: [2, 3], dtype }, expected: [...v.slice(0, 3), ...v.slice(0, 3)], fullInt32 },
    { kernel: `slice ${dtype}`, rule, inputs: [input], call: (be, [x]) => be.slice(x!, [0, 1], [2, 2]), out: { shape: [2, 2], dtype }, expected: [v[1]!, v[2]!, v[4]!, v[5]!], fullInt32 },
    { kernel: `pad ${dtype}`, rule, inputs: [input], call: (be, [x]) => be.pad(x!, [[0, 0], [1, 0]], 0), out: { shape: [2, 4], dtype }, expected: [0, v[0]!, v[1]!, v[2]!, 0, v[3]!, v[4]!, v[5]!], fullInt32 },
    { kernel: `concat ${dtype}`, rule, inputs: [input, { ...input, values: input.values.slice(3), shape: [1, 3] }], call: (be, xs) => be.concat(xs, 0), out: { shape: [3, 3], dtype }, expected: [...v, ...v.slice(3)], fullInt32 },
    { kernel: `gather ${dtype}`, rule, inputs: [input, i32([2, 0, 1, 1], [2, 2])], call: (be, [x, i]) => be.gather(x!, i!, 1), out: { shape: [2, 2], dtype }, expected: [v[2]!, v[0]!, v[4]!, v[4]!], fullInt32 },
  ];
}

const movementSpecs: EdgeSpec[] = [
  ...movement(SPECIAL, 'NaN, ±Inf, large floats'),
  ...movement(INSIDE, 'int32 within ±2^24'),
  ...movement(WIDE, 'every int32', true),
  {
    kernel: 'pad float32',
    rule: 'the pad value may be ±Infinity',
    inputs: [f32([N, 2])],
    call: (be, [x]) => be.pad(x!, [[1, 2]], -I),
    out: { shape: [5], dtype: 'float32' },
    expected: [-I, N, 2, -I, -I],
  },
  {
    kernel: 'pad bool',
    rule: "the result has x's dtype (bool), padded with the value 1",
    inputs: [b8([0, 1, 0])],
    call: (be, [x]) => be.pad(x!, [[1, 1]], 1),
    out: { shape: [5], dtype: 'bool' },
    expected: [1, 0, 1, 0, 1],
  },
  {
    kernel: 'gather bool',
    rule: "the result has index's shape and x's dtype (bool)",
    inputs: [b8([1, 0, 0, 1], [2, 2]), i32([1, 1, 0], [3, 1])],
    call: (be, [x, i]) => be.gather(x!, i!, 0),
    out: { shape: [3, 1], dtype: 'bool' },
    expected: [0, 0, 1],
  },
  {
    kernel: 'scatterAdd',
    rule: 'sums follow IEEE 754 (Inf + -Inf = NaN, NaN propagates); untouched positions are 0',
    inputs: [i32([0, 1, 0, 1, 2, 3, 3]), f32([I, N, -I, 1, 2, I, 5])],
    call: (be, [i, s]) => be.scatterAdd(i!, s!, 0, [5]),
    out: { shape: [5], dtype: 'float32' },
    expected: [N, N, 2, I, 0],
  },
];

const specs: EdgeSpec[] = [...unarySpecs, ...binarySpecs, ...whereSpecs, ...castSpecs, ...reduceSpecs, ...matmulSpecs, ...movementSpecs];

/** The edge-value cases. */
export const edgeCases: KitCase[] = specs.map((e) => ({
  name: `edge: ${e.kernel}: ${e.rule}`,
  skip: e.fullInt32 ? needsFullInt32 : undefined,
  async run(ctx) {
    const values = await callKernel(ctx, ctx.backend, e.kernel, e.inputs, e.call, e.out);
    expectValues(ctx, `kernel ${e.kernel}`, values, { values: e.expected, rule: e.rule, at: e.at }, e.out.dtype, ctx.tol);
  },
}));
