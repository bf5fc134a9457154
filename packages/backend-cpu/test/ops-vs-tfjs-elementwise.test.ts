/**
 * Element-wise ops (binary with broadcasting, unary, activations, comparisons, where, clamp,
 * cast) against TensorFlow.js, forward and gradient. See ops-vs-tfjs-harness.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  type Arr,
  type OpCase,
  Rng,
  awayFromZero,
  bools,
  checkAgainst,
  checkGrad,
  erf64,
  ints,
  pf,
  suite,
  tf,
  ties,
  uniform,
  tfBroadcasting,
  useBackends,
  values,
} from './ops-vs-tfjs-harness.js';

useBackends();

const rng = new Rng(20240601);

// ----- binary arithmetic ------------------------------------------------------------------

type PfBin = (a: pf.TensorLike, b: pf.TensorLike) => pf.Tensor;
type TfBin = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

const BINARY: readonly { name: string; pf: PfBin; tf: TfBin; rhs?: (r: Rng, s: number[]) => Arr }[] = [
  { name: 'add', pf: pf.add, tf: tf.add },
  { name: 'sub', pf: pf.sub, tf: tf.sub },
  { name: 'mul', pf: pf.mul, tf: tf.mul },
  { name: 'div', pf: pf.div, tf: tf.div, rhs: (r, s) => awayFromZero(r, s, 0.3, 3) },
  { name: 'maximum', pf: pf.maximum, tf: tfBroadcasting(tf.maximum) },
  { name: 'minimum', pf: pf.minimum, tf: tfBroadcasting(tf.minimum) },
];

/** Shape pairs exercising broadcasting, scalars, size-1 and empty dims. */
const BROADCAST_PAIRS: readonly [number[], number[]][] = [
  [[2, 3], [2, 3]],
  [[3, 1, 4], [5, 4]],
  [[5, 4], [3, 1, 4]],
  [[], [2, 3]],
  [[2, 3], []],
  [[2, 3], [3]],
  [[4, 1], [1, 5]],
  [[2, 1, 3, 1], [4, 1, 5]],
  [[1], [1]],
  [[], []],
  [[0, 3], [3]],
  [[2, 0, 3], [1, 3]],
];

describe('binary arithmetic with broadcasting', () => {
  const cases: OpCase[] = [];
  for (const op of BINARY) {
    for (const [sa, sb] of BROADCAST_PAIRS) {
      cases.push({
        name: `${op.name} [${sa}] with [${sb}]`,
        inputs: [uniform(rng, sa), op.rhs ? op.rhs(rng, sb) : uniform(rng, sb)],
        pf: op.pf,
        tf: op.tf,
      });
    }
  }
  // Ties: values as tfjs; the gradient follows PyTorch (half to each equal operand), which tfjs
  // does not (all to the first), so it is checked against max(a, b) = (a + b ± |a − b|) / 2
  // with |d| written d·sign(d), whose tfjs gradient at d = 0 is 0: each operand gets half.
  const half = (sign: 1 | -1) => (a: tf.Tensor, b: tf.Tensor) => {
    const d = tf.sub(a, b);
    return tf.div(tf.add(tf.add(a, b), tf.mul(sign, tf.mul(d, tf.sign(d)))), 2);
  };
  cases.push(
    { name: 'maximum with ties', inputs: [ties(rng, [4, 5]), ties(rng, [4, 5])], pf: pf.maximum, tf: half(1) },
    { name: 'minimum with ties', inputs: [ties(rng, [4, 5]), ties(rng, [5])], pf: pf.minimum, tf: half(-1) },
  );
  suite(cases);
});

describe('binary ops with a number operand', () => {
  const x = uniform(rng, [3, 4]);
  const pos = uniform(rng, [3, 4], 0.2, 3);
  suite([
    { name: 'add(x, 2.5)', inputs: [x], pf: (a) => pf.add(a, 2.5), tf: (a) => tf.add(a, 2.5) },
    { name: 'sub(2.5, x)', inputs: [x], pf: (a) => pf.sub(2.5, a), tf: (a) => tf.sub(2.5, a) },
    { name: 'mul(x, -3)', inputs: [x], pf: (a) => pf.mul(a, -3), tf: (a) => tf.mul(a, -3) },
    { name: 'div(1, x)', inputs: [pos], pf: (a) => pf.div(1, a), tf: (a) => tf.div(1, a) },
    { name: 'div(x, 4)', inputs: [x], pf: (a) => pf.div(a, 4), tf: (a) => tf.div(a, 4) },
    { name: 'maximum(x, 0.3)', inputs: [x], pf: (a) => pf.maximum(a, 0.3), tf: (a) => tf.maximum(a, 0.3) },
    { name: 'minimum(0.3, x)', inputs: [x], pf: (a) => pf.minimum(0.3, a), tf: (a) => tf.minimum(0.3, a) },
    { name: 'pow(x, 2)', inputs: [x], pf: (a) => pf.pow(a, 2), tf: (a) => tf.pow(a, 2) },
    { name: 'pow(x, 0.5) of x > 0', inputs: [pos], pf: (a) => pf.pow(a, 0.5), tf: (a) => tf.pow(a, 0.5) },
    { name: 'pow(2, x)', inputs: [x], pf: (a) => pf.pow(2, a), tf: (a) => tf.pow(2, a) },
    { name: 'x.add(1).mul(x) (method chain, x used twice)', inputs: [x], pf: (a) => a.add(1).mul(a), tf: (a) => tf.mul(tf.add(a, 1), a) },
  ]);
});

describe('pow', () => {
  const base = (s: number[]): Arr => uniform(rng, s, 0.2, 3);
  const cases: OpCase[] = (
    [
      [[2, 3], [2, 3]],
      [[3, 1, 4], [5, 4]],
      [[], [2, 3]],
      [[2, 3], [3]],
      [[0, 3], [3]],
    ] as [number[], number[]][]
  ).map(([sa, sb]) => ({
    name: `pow positive base [${sa}] ** [${sb}] (grad of base and exponent)`,
    inputs: [base(sa), uniform(rng, sb, -2, 2)],
    pf: pf.pow,
    tf: tf.pow,
  }));
  // Negative and zero bases with whole exponents: the value is defined, the gradient with respect
  // to the exponent takes log(a) as 0 where a <= 0 (tfjs, and Profundo's documented rule).
  const negBase = values([-2, -0.5, 0, 1.5, 3, -1, 0, -3], [2, 4]);
  const wholeExp = values([2, 3, 2, 1, 2, 3, 3, 2], [2, 4]);
  cases.push(
    { name: 'pow negative/zero base, whole exponent: grad of base only', inputs: [negBase, wholeExp], pf: pf.pow, tf: tf.pow, grad: [0] },
    { name: 'pow negative/zero base, whole exponent: grad of both (exponent grad 0 where base <= 0)', inputs: [negBase, wholeExp], pf: pf.pow, tf: tf.pow },
  );
  suite(cases);
});

// ----- unary and activations --------------------------------------------------------------

type PfUn = (a: pf.Tensor) => pf.Tensor;
type TfUn = (a: tf.Tensor) => tf.Tensor;

const UNARY: readonly { name: string; pf: PfUn; tf: TfUn; gen: (r: Rng, s: number[]) => Arr }[] = [
  { name: 'neg', pf: pf.neg, tf: tf.neg, gen: (r, s) => uniform(r, s) },
  { name: 'exp', pf: pf.exp, tf: tf.exp, gen: (r, s) => uniform(r, s, -10, 10) },
  { name: 'log', pf: pf.log, tf: tf.log, gen: (r, s) => uniform(r, s, 0.01, 100) },
  { name: 'sqrt', pf: pf.sqrt, tf: tf.sqrt, gen: (r, s) => uniform(r, s, 0.01, 100) },
  { name: 'square', pf: pf.square, tf: tf.square, gen: (r, s) => uniform(r, s, -5, 5) },
  // tfjs takes abs'(0) = -1, PyTorch 0: keep inputs away from 0.
  { name: 'abs', pf: pf.abs, tf: tf.abs, gen: (r, s) => awayFromZero(r, s) },
  { name: 'sign', pf: pf.sign, tf: tf.sign, gen: (r, s) => awayFromZero(r, s) },
  { name: 'relu', pf: pf.relu, tf: tf.relu, gen: (r, s) => awayFromZero(r, s) },
  { name: 'sigmoid', pf: pf.sigmoid, tf: tf.sigmoid, gen: (r, s) => uniform(r, s, -8, 8) },
  { name: 'tanh', pf: pf.tanh, tf: tf.tanh, gen: (r, s) => uniform(r, s, -4, 4) },
  { name: 'erf', pf: pf.erf, tf: tf.erf, gen: (r, s) => uniform(r, s, -3, 3) },
  { name: 'sin', pf: pf.sin, tf: tf.sin, gen: (r, s) => uniform(r, s, -6, 6) },
  { name: 'cos', pf: pf.cos, tf: tf.cos, gen: (r, s) => uniform(r, s, -6, 6) },
];

describe('unary ops', () => {
  const cases: OpCase[] = [];
  for (const op of UNARY) {
    for (const shape of [[3, 5], [2, 1, 4], [], [2, 0]]) {
      cases.push({ name: `${op.name} [${shape}]`, inputs: [op.gen(rng, shape)], pf: op.pf, tf: op.tf });
    }
  }
  suite(cases);
});

describe('unary ops: Tensor methods match the functions', () => {
  const x = uniform(rng, [2, 3], 0.1, 2);
  suite([
    { name: 'x.neg().exp().log().sqrt()', inputs: [x], pf: (a) => a.neg().exp().add(1).log().sqrt(), tf: (a) => tf.sqrt(tf.log(tf.add(tf.exp(tf.neg(a)), 1))) },
    { name: 'x.square().abs().relu()', inputs: [x], pf: (a) => a.square().abs().relu(), tf: (a) => tf.relu(tf.abs(tf.square(a))) },
    { name: 'x.sigmoid().tanh()', inputs: [x], pf: (a) => a.sigmoid().tanh(), tf: (a) => tf.tanh(tf.sigmoid(a)) },
  ]);
});

describe('activations at large magnitudes and at 0', () => {
  const big = values([-88, -50, -20, -1e-3, 0, 1e-3, 20, 50, 88]);
  suite([
    { name: 'sigmoid at ±50, ±88', inputs: [big], pf: pf.sigmoid, tf: tf.sigmoid },
    { name: 'tanh at ±50, ±88', inputs: [big], pf: pf.tanh, tf: tf.tanh },
    { name: 'relu at 0 (gradient 0 at 0 in both)', inputs: [values([-1, 0, 0, 2, -0.5])], pf: pf.relu, tf: tf.relu },
    { name: 'exp at -100 (underflow) and 80', inputs: [values([-100, -80, 0, 80])], pf: pf.exp, tf: tf.exp },
  ]);
});

describe('erf and gelu against float64 references', () => {
  const grid = values([-10, -6, -4, -3, -2, -1, -0.5, -1e-3, 0, 1e-3, 0.5, 1, 2, 3, 4, 6, 10]);
  const rand = uniform(rng, [64], -6, 6);

  for (const x of [grid, rand]) {
    it(`erf forward against float64 erf (${x.data.length} points)`, () => {
      const y = pf.erf(pf.tensor(x.data as Float32Array));
      checkAgainst(y, { shape: x.shape, data: Array.from(x.data, erf64), dtype: 'float32' }, { abs: 1e-6, rel: 1e-5 }, 'erf');
    });
    it(`gelu forward against 0.5·x·(1 + erf(x/√2)) in float64 (${x.data.length} points)`, () => {
      const y = pf.gelu(pf.tensor(x.data as Float32Array));
      const expected = Array.from(x.data, (v) => 0.5 * v * (1 + erf64(v / Math.SQRT2)));
      checkAgainst(y, { shape: x.shape, data: expected, dtype: 'float32' }, { abs: 1e-6, rel: 1e-5 }, 'gelu');
    });
  }

  it('x.gelu() matches gelu(x) and nn.GELU', () => {
    const x = pf.tensor(rand.data as Float32Array);
    const a = Array.from(pf.gelu(x).dataSync());
    expect(Array.from(x.gelu().dataSync())).toEqual(a);
    expect(Array.from(new pf.nn.GELU().forward(x).dataSync())).toEqual(a);
  });

  const tfGelu = (a: tf.Tensor): tf.Tensor => tf.mul(tf.mul(a, 0.5), tf.add(1, tf.erf(tf.mul(a, Math.SQRT1_2))));
  for (const [name, x] of [['grid', grid], ['random', rand], ['[2,3,4]', uniform(rng, [2, 3, 4], -4, 4)]] as const) {
    it(`gelu gradient against tfjs composite with tf.erf (${name})`, () => {
      checkGrad({ name: `gelu ${name}`, inputs: [x], pf: pf.gelu, tf: tfGelu });
    });
  }

  it('gelu gradient against the float64 derivative Φ(x) + x·φ(x)', () => {
    const x = pf.tensor(grid.data as Float32Array, { requiresGrad: true });
    pf.gelu(x).sum().backward();
    const expected = Array.from(grid.data, (v) => 0.5 * (1 + erf64(v / Math.SQRT2)) + (v * Math.exp(-0.5 * v * v)) / Math.sqrt(2 * Math.PI));
    checkAgainst(x.grad!, { shape: grid.shape, data: expected }, { abs: 1e-5, rel: 1e-4 }, 'gelu grad');
  });
});

describe('clamp (tf.clipByValue)', () => {
  // Values exactly at the bounds: both libraries pass the gradient there (inclusive bounds).
  const atBounds = values([-1, 0, 0.25, 1, 2, 0, 1, -0.5], [2, 4]);
  const x = uniform(rng, [3, 4, 2], -2, 2);
  suite([
    { name: 'clamp(x, -0.5, 0.7)', inputs: [x], pf: (a) => pf.clamp(a, -0.5, 0.7), tf: (a) => tf.clipByValue(a, -0.5, 0.7) },
    { name: 'clamp(x, 0, 1) with values at the bounds', inputs: [atBounds], pf: (a) => pf.clamp(a, 0, 1), tf: (a) => tf.clipByValue(a, 0, 1) },
    { name: 'clamp(x, min only)', inputs: [x], pf: (a) => pf.clamp(a, -0.3), tf: (a) => tf.clipByValue(a, -0.3, Infinity) },
    { name: 'clamp(x, undefined, max)', inputs: [x], pf: (a) => pf.clamp(a, undefined, 0.3), tf: (a) => tf.clipByValue(a, -Infinity, 0.3) },
    { name: 'x.clamp(-1, 1) method', inputs: [x], pf: (a) => a.clamp(-1, 1), tf: (a) => tf.clipByValue(a, -1, 1) },
    { name: 'clamp of an empty tensor', inputs: [uniform(rng, [0, 2])], pf: (a) => pf.clamp(a, 0, 1), tf: (a) => tf.clipByValue(a, 0, 1) },
  ]);
});

// ----- comparisons and where --------------------------------------------------------------

describe('comparisons return bool 0/1', () => {
  const CMP: readonly [string, PfBin, TfBin][] = [
    ['eq', pf.eq, tf.equal],
    ['ne', pf.ne, tf.notEqual],
    ['lt', pf.lt, tf.less],
    ['le', pf.le, tf.lessEqual],
    ['gt', pf.gt, tf.greater],
    ['ge', pf.ge, tf.greaterEqual],
  ];
  const pairs: [Arr, Arr][] = [
    [ties(rng, [3, 4]), ties(rng, [3, 4])],
    [ties(rng, [3, 1]), ties(rng, [4])],
    [ties(rng, []), ties(rng, [3, 4])],
    [ties(rng, [2, 1, 3]), ties(rng, [4, 1])],
    [ints(rng, [3, 4], -2, 3), ints(rng, [4], -2, 3)],
    [bools(rng, [3, 4]), bools(rng, [3, 4])],
    [ties(rng, [0, 4]), ties(rng, [4])],
  ];
  const cases: OpCase[] = [];
  for (const [name, pfOp, tfOp] of CMP) {
    for (const [a, b] of pairs) {
      cases.push({ name: `${name} ${a.dtype} [${a.shape}] with [${b.shape}]`, inputs: [a, b], pf: pfOp, tf: tfOp, grad: false });
    }
    cases.push({
      name: `${name} with a number`,
      inputs: [ties(rng, [2, 5])],
      pf: (x) => pfOp(x, 1),
      tf: (x) => tfOp(x, tf.scalar(1)),
      grad: false,
    });
  }
  suite(cases);

  it('methods x.eq/ne/lt/le/gt/ge match and give dtype bool with values in {0, 1}', () => {
    const a = ties(rng, [4, 5]);
    const b = ties(rng, [4, 5]);
    const x = pf.tensor(a.data as Float32Array, { shape: a.shape });
    const y = pf.tensor(b.data as Float32Array, { shape: b.shape });
    for (const m of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) {
      const r = x[m](y);
      expect(r.dtype).toBe('bool');
      const d = Array.from(r.dataSync());
      expect(d.every((v) => v === 0 || v === 1)).toBe(true);
      expect(d).toEqual(Array.from(pf[m](x, y).dataSync()));
    }
  });
});

describe('where (tf.where)', () => {
  const cases: OpCase[] = [];
  const shapes: [number[], number[], number[]][] = [
    [[3, 4], [3, 4], [3, 4]],
    [[1, 4], [3, 4], [3, 1]],
    [[3, 4], [], [4]],
    [[2, 1, 4], [3, 1], [1]],
  ];
  for (const [sc, sa, sb] of shapes) {
    cases.push({ name: `where cond [${sc}] a [${sa}] b [${sb}]`, inputs: [bools(rng, sc), uniform(rng, sa), uniform(rng, sb)], pf: pf.where, tf: tf.where });
  }
  cases.push(
    {
      name: 'where(cond, x, 0) with a number',
      inputs: [bools(rng, [3, 4]), uniform(rng, [3, 4])],
      pf: (c, x) => pf.where(c, x, 0),
      tf: (c, x) => tf.where(c, x, tf.scalar(0)),
    },
    {
      name: 'where on int32 values',
      inputs: [bools(rng, [3, 4]), ints(rng, [3, 4], -5, 5), ints(rng, [4], -5, 5)],
      pf: pf.where,
      tf: tf.where,
      grad: false,
    },
    {
      name: 'where with a cond computed by a comparison',
      inputs: [uniform(rng, [3, 4]), uniform(rng, [3, 4])],
      pf: (a, b) => pf.where(pf.gt(a, b), a.mul(b), a.sub(b)),
      // tfjs would try to differentiate through tf.greater: build the condition off the tape.
      tf: (a, b) => tf.where(tf.greater(tf.tensor(a.dataSync(), a.shape), tf.tensor(b.dataSync(), b.shape)), tf.mul(a, b), tf.sub(a, b)),
    },
  );
  suite(cases);

  // tfjs mis-broadcasts an empty condition ([0,4] with [4] gives [1,4]): checked by hand.
  it('where with an empty condition [0,4], a [4], b [0,4]', () => {
    const a = pf.tensor(uniform(rng, [4]).data, { requiresGrad: true });
    const b = pf.zeros([0, 4], { requiresGrad: true });
    const y = pf.where(pf.tensor(new Uint8Array(0), { shape: [0, 4] }), a, b);
    checkAgainst(y, { shape: [0, 4], data: [], dtype: 'float32' });
    y.sum().backward();
    checkAgainst(a.grad!, { shape: [4], data: [0, 0, 0, 0] });
    checkAgainst(b.grad!, { shape: [0, 4], data: [] });
  });
});

// ----- cast -------------------------------------------------------------------------------

describe('cast (tf.cast)', () => {
  const floats = values([-2.7, -1.5, -1, -0.5, -0, 0, 0.5, 1, 1.7, 2.999, 100.9, -100.9], [3, 4]);
  const intsA = values([-3, -1, 0, 1, 2, 7], [2, 3], 'int32');
  const boolsA = values([1, 0, 0, 1, 1, 0], [3, 2], 'bool');
  const cases: OpCase[] = [];
  for (const [label, src] of [['float32', floats], ['int32', intsA], ['bool', boolsA]] as const) {
    for (const to of ['float32', 'int32', 'bool'] as const) {
      cases.push({
        name: `cast ${label} -> ${to}`,
        inputs: [src],
        pf: (x) => pf.cast(x, to),
        tf: (x) => tf.cast(x, to),
        grad: label === 'float32' && to === 'float32' ? undefined : false,
      });
    }
  }
  cases.push(
    { name: 'x.int() (truncates toward zero)', inputs: [floats], pf: (x) => x.int(), tf: (x) => tf.cast(x, 'int32'), grad: false },
    { name: 'x.float() of int32', inputs: [intsA], pf: (x) => x.float(), tf: (x) => tf.cast(x, 'float32'), grad: false },
    { name: 'cast of an empty tensor', inputs: [uniform(rng, [0, 3])], pf: (x) => pf.cast(x, 'int32'), tf: (x) => tf.cast(x, 'int32'), grad: false },
  );
  suite(cases);

  it('cast float32 -> float32 keeps the gradient flowing', () => {
    checkGrad({ name: 'cast f32->f32', inputs: [floats], pf: (x) => pf.cast(x, 'float32').mul(x), tf: (x) => tf.mul(x, x) });
  });
});

// ----- int32 arithmetic -------------------------------------------------------------------

describe('int32 arithmetic', () => {
  const a = ints(rng, [3, 4], -9, 10);
  const b = ints(rng, [4], -9, 10);
  suite([
    { name: 'int32 add', inputs: [a, b], pf: pf.add, tf: tf.add },
    { name: 'int32 sub', inputs: [a, b], pf: pf.sub, tf: tf.sub },
    { name: 'int32 mul', inputs: [a, b], pf: pf.mul, tf: tf.mul },
    { name: 'int32 maximum', inputs: [a, b], pf: pf.maximum, tf: tf.maximum },
    { name: 'int32 minimum', inputs: [a, b], pf: pf.minimum, tf: tf.minimum },
    { name: 'int32 neg', inputs: [a], pf: pf.neg, tf: tf.neg },
    { name: 'int32 abs', inputs: [a], pf: pf.abs, tf: tf.abs },
    { name: 'int32 relu', inputs: [a], pf: pf.relu, tf: tf.relu },
    { name: 'int32 add of a number', inputs: [a], pf: (x) => pf.add(x, 3), tf: (x) => tf.add(x, tf.scalar(3, 'int32')) },
    { name: 'int32 pow with non-negative exponents', inputs: [a, ints(rng, [4], 0, 4)], pf: pf.pow, tf: tf.pow },
  ]);

  it('int32 div truncates toward zero (tfjs floors, so a naive reference)', () => {
    const num = values([7, -7, 7, -7, 0, 9, -1, 1], [8], 'int32');
    const den = values([2, 2, -2, -2, 3, 3, 4, -4], [8], 'int32');
    const y = pf.div(pf.tensor(num.data as Int32Array), pf.tensor(den.data as Int32Array));
    const expected = Array.from(num.data, (n, i) => Math.trunc(n / den.data[i]!));
    checkAgainst(y, { shape: [8], data: expected, dtype: 'int32' }, undefined, 'int32 div');
  });
});
