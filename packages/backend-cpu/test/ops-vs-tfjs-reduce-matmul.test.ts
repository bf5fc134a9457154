/**
 * Reductions (sum, mean, max, min, argmax), matmul and softmax / logSoftmax against
 * TensorFlow.js, forward and gradient. See ops-vs-tfjs-harness.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  type Arr,
  type OpCase,
  Rng,
  bools,
  broadcastShape,
  checkForward,
  ints,
  pf,
  suite,
  tf,
  ties,
  uniform,
  useBackends,
  values,
} from './ops-vs-tfjs-harness.js';

useBackends();

const rng = new Rng(777);

// ----- reductions -------------------------------------------------------------------------

type Dim = number | number[] | undefined;

const REDUCTIONS: readonly {
  name: 'sum' | 'mean' | 'max' | 'min';
  pf: (x: pf.Tensor, dim?: Dim, keepdim?: boolean) => pf.Tensor;
  tf: (x: tf.Tensor, axis?: number | number[], keepDims?: boolean) => tf.Tensor;
}[] = [
  { name: 'sum', pf: pf.sum, tf: tf.sum },
  { name: 'mean', pf: pf.mean, tf: tf.mean },
  { name: 'max', pf: pf.max, tf: tf.max },
  { name: 'min', pf: pf.min, tf: tf.min },
];

const DIMS: readonly [readonly number[], Dim, boolean][] = [
  [[3, 4, 5], undefined, false],
  [[3, 4, 5], undefined, true],
  [[3, 4, 5], 0, false],
  [[3, 4, 5], 1, true],
  [[3, 4, 5], -1, false],
  [[3, 4, 5], -1, true],
  [[3, 4, 5], [0, 2], false],
  [[3, 4, 5], [2, 0], true],
  [[3, 4, 5], [0, 1, 2], false],
  [[2, 1, 3], 1, false],
  [[2, 1, 3], [0, 1], true],
  [[7], 0, false],
  [[], undefined, false],
  [[6, 40], 1, false],
];

describe('reductions over dims with keepdim', () => {
  const cases: OpCase[] = [];
  for (const op of REDUCTIONS) {
    for (const [shape, dim, keep] of DIMS) {
      cases.push({
        name: `${op.name} [${shape}] dim ${JSON.stringify(dim)} keepdim ${keep}`,
        inputs: [uniform(rng, shape)],
        pf: (x) => op.pf(x, dim, keep),
        tf: (x) => op.tf(x, dim, keep),
      });
    }
    // Ties: values as tfjs. The gradient follows PyTorch's amax (split evenly among the tied
    // elements) where tfjs gives all of it to each: checked by hand in core's ops-parity tests.
    if (op.name === 'max' || op.name === 'min') {
      cases.push(
        { name: `${op.name} with ties over dim 1`, inputs: [ties(rng, [4, 6], 0, 2)], pf: (x) => op.pf(x, 1), tf: (x) => op.tf(x, 1), grad: false },
        { name: `${op.name} with ties over all`, inputs: [values([1, 3, 3, -1, 3, 0], [2, 3])], pf: (x) => op.pf(x), tf: (x) => op.tf(x), grad: false },
      );
    }
  }
  // Reducing over an empty dim: sums are 0 and means NaN in both libraries.
  cases.push(
    { name: 'sum over an empty dim [2,0,3] dim 1', inputs: [uniform(rng, [2, 0, 3])], pf: (x) => pf.sum(x, 1), tf: (x) => tf.sum(x, 1) },
    { name: 'sum of an empty dim kept [2,0,3] dim 1 keepdim', inputs: [uniform(rng, [2, 0, 3])], pf: (x) => pf.sum(x, 1, true), tf: (x) => tf.sum(x, 1, true) },
    { name: 'sum over a non-empty dim of an empty tensor [2,0,3] dim 2', inputs: [uniform(rng, [2, 0, 3])], pf: (x) => pf.sum(x, 2), tf: (x) => tf.sum(x, 2) },
    { name: 'sum of int32', inputs: [ints(rng, [3, 4], -50, 50)], pf: (x) => pf.sum(x, 0), tf: (x) => tf.sum(x, 0) },
    { name: 'sum of bool gives int32', inputs: [bools(rng, [3, 4])], pf: (x) => pf.sum(x, 1), tf: (x) => tf.sum(x, 1) },
    { name: 'max of int32', inputs: [ints(rng, [3, 4], -50, 50)], pf: (x) => pf.max(x, 1, true), tf: (x) => tf.max(x, 1, true) },
    { name: 'min of int32', inputs: [ints(rng, [3, 4], -50, 50)], pf: (x) => pf.min(x, 0), tf: (x) => tf.min(x, 0) },
    { name: 'max at large magnitude', inputs: [uniform(rng, [4, 5], -1e30, 1e30)], pf: (x) => pf.max(x, 1), tf: (x) => tf.max(x, 1) },
    { name: 'x.sum(1, true) method', inputs: [uniform(rng, [3, 4])], pf: (x) => x.sum(1, true), tf: (x) => tf.sum(x, 1, true) },
    { name: 'x.mean([0, 1]) method', inputs: [uniform(rng, [3, 4, 2])], pf: (x) => x.mean([0, 1]), tf: (x) => tf.mean(x, [0, 1]) },
    { name: 'x.max(-1) method', inputs: [uniform(rng, [3, 4])], pf: (x) => x.max(-1), tf: (x) => tf.max(x, -1) },
    { name: 'x.min() method', inputs: [uniform(rng, [3, 4])], pf: (x) => x.min(), tf: (x) => tf.min(x) },
    // A long sum: both libraries accumulate float32 inputs; allow the rounding of 10^4 terms.
    { name: 'sum of 10000 elements', inputs: [uniform(rng, [10000], 0, 1)], pf: (x) => pf.sum(x), tf: (x) => tf.sum(x), tol: { abs: 1e-3, rel: 1e-5 } },
  );
  suite(cases);

  // tfjs gives 0 for the mean of nothing; PyTorch (and Profundo) give NaN = 0/0.
  it('mean over an empty dim is NaN', () => {
    const y = pf.mean(pf.zeros([2, 0]), 1);
    expect([...y.shape]).toEqual([2]);
    expect(Array.from(y.dataSync()).every(Number.isNaN)).toBe(true);
  });

  it('max / min over an empty dim is a ValueError naming the op', () => {
    const x = pf.zeros([2, 0]);
    expect(() => pf.max(x, 1)).toThrow(pf.ValueError);
    expect(() => pf.max(x, 1)).toThrow(/max/);
  });
});

describe('argmax (tf.argMax)', () => {
  const cases: OpCase[] = [];
  const inputs: Arr[] = [uniform(rng, [4, 5, 3]), ties(rng, [4, 5, 3], 0, 2), ints(rng, [4, 5, 3], -3, 3)];
  for (const x of inputs) {
    for (const dim of [0, 1, 2, -1]) {
      cases.push({ name: `argmax ${x.dtype} [${x.shape}] dim ${dim}`, inputs: [x], pf: (t) => pf.argmax(t, dim), tf: (t) => tf.argMax(t, dim), grad: false });
    }
    cases.push(
      {
        name: `argmax ${x.dtype} dim 1 keepdim`,
        inputs: [x],
        pf: (t) => pf.argmax(t, 1, true),
        tf: (t) => tf.expandDims(tf.argMax(t, 1), 1),
        grad: false,
      },
      {
        name: `argmax ${x.dtype} flattened (no dim)`,
        inputs: [x],
        pf: (t) => pf.argmax(t),
        tf: (t) => tf.argMax(tf.reshape(t, [-1])),
        grad: false,
      },
    );
  }
  cases.push(
    { name: 'argmax picks the first of equal maxima', inputs: [values([1, 5, 5, 2, 5, 0], [6])], pf: (t) => t.argmax(0), tf: (t) => tf.argMax(t, 0), grad: false },
    { name: 'argmax of size-1 dim', inputs: [uniform(rng, [3, 1])], pf: (t) => t.argmax(1), tf: (t) => tf.argMax(t, 1), grad: false },
  );
  suite(cases);

  it('argmax returns int32', () => {
    expect(pf.argmax(pf.tensor([[1, 3], [4, 2]]), 1).dtype).toBe('int32');
  });
});

// ----- matmul -----------------------------------------------------------------------------

/** tf.matMul with NumPy's rules: 1-D promotion, batch broadcast through tf.broadcastTo. */
function tfMatmul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  let a2 = a.rank === 1 ? tf.reshape(a, [1, -1]) : a;
  let b2 = b.rank === 1 ? tf.reshape(b, [-1, 1]) : b;
  const batch = broadcastShape(a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  if (batch.length > 0) {
    a2 = tf.broadcastTo(a2, [...batch, ...a2.shape.slice(-2)]);
    b2 = tf.broadcastTo(b2, [...batch, ...b2.shape.slice(-2)]);
  }
  let out = tf.matMul(a2, b2);
  if (a.rank === 1) out = tf.squeeze(out, [out.rank - 2]);
  if (b.rank === 1) out = tf.squeeze(out, [out.rank - 1]);
  return out;
}

describe('matmul', () => {
  const pairs: [number[], number[]][] = [
    [[3, 4], [4, 5]],
    [[1, 4], [4, 1]],
    [[1, 1], [1, 1]],
    [[2, 3, 4], [2, 4, 5]],
    [[2, 3, 4], [4, 5]],
    [[3, 4], [2, 4, 5]],
    [[2, 3, 4], [1, 4, 5]],
    [[2, 1, 3, 4], [5, 4, 6]],
    [[1, 2, 3, 4], [3, 1, 4, 2]],
    [[4], [4, 6]],
    [[3, 4], [4]],
    [[4], [4]],
    [[2, 3, 4], [4]],
    [[4], [2, 4, 5]],
    [[17, 33], [33, 9]],
    [[3, 13, 31], [3, 31, 10]],
  ];
  const cases: OpCase[] = pairs.map(([sa, sb]) => ({
    name: `matmul [${sa}] @ [${sb}]`,
    inputs: [uniform(rng, sa), uniform(rng, sb)],
    pf: pf.matmul,
    tf: tfMatmul,
  }));
  // Sizes past any register tile / cache block of the kernel; sums of 70+ terms: abs tol 1e-4.
  const big: [number[], number[]][] = [
    [[64, 70], [70, 65]],
    [[50, 129], [129, 33]],
    [[2, 37, 41], [41, 43]],
  ];
  for (const [sa, sb] of big) {
    cases.push({
      name: `matmul large [${sa}] @ [${sb}]`,
      inputs: [uniform(rng, sa), uniform(rng, sb)],
      pf: pf.matmul,
      tf: tfMatmul,
      tol: { abs: 1e-4, rel: 1e-4 },
      gradTol: { abs: 2e-4, rel: 1e-4 },
    });
  }
  cases.push(
    { name: 'a.matmul(b) method', inputs: [uniform(rng, [3, 4]), uniform(rng, [4, 2])], pf: (a, b) => a.matmul(b), tf: tfMatmul },
    {
      name: 'matmul of transposed operands (a.T @ b.T)',
      inputs: [uniform(rng, [4, 3]), uniform(rng, [5, 4])],
      pf: (a, b) => pf.matmul(a.transpose(), b.transpose()),
      tf: (a, b) => tf.matMul(a, b, true, true),
    },
    {
      name: 'matmul with one operand reused (x @ x.T)',
      inputs: [uniform(rng, [3, 5])],
      pf: (a) => pf.matmul(a, a.transpose()),
      tf: (a) => tf.matMul(a, a, false, true),
    },
  );
  suite(cases);

  // tfjs's gradient of matMul fails on empty operands; the expected values are plain here.
  describe('empty dims', () => {
    const cases: [number[], number[], number[]][] = [
      [[0, 4], [4, 3], [0, 3]],
      [[2, 0], [0, 3], [2, 3]],
      [[2, 3], [3, 0], [2, 0]],
      [[0, 2, 3], [3, 4], [0, 2, 4]],
    ];
    for (const [sa, sb, so] of cases) {
      it(`matmul [${sa}] @ [${sb}] = zeros [${so}], gradients zeros`, () => {
        const a = pf.zeros(sa, { requiresGrad: true });
        const b = pf.ones(sb, { requiresGrad: true });
        const y = pf.matmul(a, b);
        expect([...y.shape]).toEqual(so);
        expect(Array.from(y.dataSync()).every((v) => v === 0)).toBe(true);
        y.mul(pf.ones(so)).sum().backward();
        expect([...a.grad!.shape]).toEqual(sa);
        expect([...b.grad!.shape]).toEqual(sb);
        expect(Array.from(a.grad!.dataSync()).every((v) => v === 0)).toBe(true);
        expect(Array.from(b.grad!.dataSync()).every((v) => v === 0)).toBe(true);
      });
    }
    it('forward of [2,0] @ [0,3] agrees with tfjs', () => {
      checkForward({ name: 'matmul k=0', inputs: [uniform(rng, [2, 0]), uniform(rng, [0, 3])], pf: pf.matmul, tf: tfMatmul });
    });
  });
});

// ----- softmax and logSoftmax -------------------------------------------------------------

/** tf.softmax / tf.logSoftmax work on the last axis only: swap `axis` last and back. */
function alongAxis(f: (x: tf.Tensor) => tf.Tensor, axis: number): (x: tf.Tensor) => tf.Tensor {
  return (x) => {
    const a = axis < 0 ? axis + x.rank : axis;
    if (a === x.rank - 1) return f(x);
    const perm = x.shape.map((_, i) => i);
    perm[a] = x.rank - 1;
    perm[x.rank - 1] = a;
    return tf.transpose(f(tf.transpose(x, perm)), perm);
  };
}

describe('softmax and logSoftmax', () => {
  const OPS = [
    { name: 'softmax', pf: pf.softmax, tf: (x: tf.Tensor) => tf.softmax(x) },
    { name: 'logSoftmax', pf: pf.logSoftmax, tf: (x: tf.Tensor) => tf.logSoftmax(x) },
  ] as const;
  const inputs: [string, Arr, number][] = [
    ['[3,5] last dim', uniform(rng, [3, 5], -3, 3), -1],
    ['[2,3,4] last dim (explicit 2)', uniform(rng, [2, 3, 4], -3, 3), 2],
    ['[2,3,4] dim 1 (non-last)', uniform(rng, [2, 3, 4], -3, 3), 1],
    ['[4,3] dim 0 (non-last)', uniform(rng, [4, 3], -3, 3), 0],
    ['[5] 1-D', uniform(rng, [5], -3, 3), 0],
    ['[3,1] size-1 dim', uniform(rng, [3, 1], -3, 3), -1],
    ['[1,7] one row', uniform(rng, [1, 7], -3, 3), -1],
    ['logits ±80', uniform(rng, [4, 6], -80, 80), -1],
    ['logits ±80 dim 0', uniform(rng, [6, 4], -80, 80), 0],
    ['logits ±1000 (overflows exp unless shifted)', uniform(rng, [3, 5], -1000, 1000), -1],
    ['all-equal logits', values([7, 7, 7, 7, -2, -2, -2, -2], [2, 4]), -1],
    ['one dominant logit per row', values([100, 0, 0, 0, 0, -100, 0, 0], [2, 4]), -1],
    ['[3,200] wide rows', uniform(rng, [3, 200], -5, 5), -1],
  ];
  const cases: OpCase[] = [];
  for (const op of OPS) {
    for (const [label, x, dim] of inputs) {
      cases.push({ name: `${op.name} ${label}`, inputs: [x], pf: (t) => op.pf(t, dim), tf: alongAxis(op.tf, dim) });
    }
    cases.push({ name: `${op.name} of an empty batch [0,5]`, inputs: [uniform(rng, [0, 5])], pf: (t) => op.pf(t), tf: op.tf });
  }
  cases.push(
    { name: 'x.softmax(1) method', inputs: [uniform(rng, [2, 3, 4])], pf: (t) => t.softmax(1), tf: alongAxis((x) => tf.softmax(x), 1) },
    { name: 'x.logSoftmax() method', inputs: [uniform(rng, [2, 3, 4])], pf: (t) => t.logSoftmax(), tf: (x) => tf.logSoftmax(x) },
    { name: 'nn.Softmax(0) module', inputs: [uniform(rng, [3, 4])], pf: (t) => new pf.nn.Softmax(0).forward(t), tf: alongAxis((x) => tf.softmax(x), 0) },
    { name: 'nn.LogSoftmax() module', inputs: [uniform(rng, [3, 4])], pf: (t) => new pf.nn.LogSoftmax().forward(t), tf: (x) => tf.logSoftmax(x) },
    {
      // A masked attention row: -Infinity logits get probability 0 and no NaN anywhere.
      name: 'softmax with -Infinity logits (masking)',
      inputs: [values([1, -Infinity, 2, 0.5, -Infinity, -Infinity, 3, 0], [2, 4])],
      pf: (t) => pf.softmax(t),
      tf: (x) => tf.softmax(x),
    },
  );
  suite(cases);

  it('softmax rows sum to 1 and logSoftmax = log(softmax) at logits ±80', () => {
    const x = pf.tensor(uniform(new Rng(5), [8, 10], -80, 80).data, { shape: [8, 10] });
    const s = Array.from(pf.softmax(x).sum(1).dataSync());
    for (const v of s) expect(v).toBeCloseTo(1, 5);
    const ls = Array.from(pf.logSoftmax(x).dataSync());
    expect(ls.every(Number.isFinite)).toBe(true);
    expect(ls.every((v) => v <= 0)).toBe(true);
  });
});
