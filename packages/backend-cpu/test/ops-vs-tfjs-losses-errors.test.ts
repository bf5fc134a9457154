/**
 * nn losses (crossEntropy, nllLoss, mseLoss, binaryCrossEntropy) against TensorFlow.js losses
 * or composites of tf ops, forward and gradient; the functional `grad` API against tf.grads;
 * and the typed errors that misuse must raise, naming the op. See ops-vs-tfjs-harness.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  type Arr,
  type OpCase,
  Rng,
  checkAgainst,
  expectClose,
  ints,
  pf,
  readPf,
  suite,
  tf,
  toPf,
  toTf,
  uniform,
  useBackends,
  values,
} from './ops-vs-tfjs-harness.js';

useBackends();

const rng = new Rng(31337);

type Reduction = 'mean' | 'sum' | 'none';
const TF_REDUCTION: Record<Reduction, tf.Reduction> = { mean: tf.Reduction.MEAN, sum: tf.Reduction.SUM, none: tf.Reduction.NONE };

/** float32 one-hot rows of int32 labels. */
const oneHot = (labels: tf.Tensor, classes: number): tf.Tensor => tf.cast(tf.oneHot(labels as tf.Tensor1D, classes), 'float32');

/** PyTorch-style reduction of per-element losses on the tfjs side. */
const tfReduce = (loss: tf.Tensor, r: Reduction): tf.Tensor => (r === 'mean' ? tf.mean(loss) : r === 'sum' ? tf.sum(loss) : loss);

describe('crossEntropy (tf.losses.softmaxCrossEntropy with one-hot labels)', () => {
  const inputs: [string, Arr, Arr][] = [
    ['[6,5] logits ±3', uniform(rng, [6, 5], -3, 3), ints(rng, [6], 0, 5)],
    ['[8,10] logits ±80', uniform(rng, [8, 10], -80, 80), ints(rng, [8], 0, 10)],
    ['[1,4] batch of one', uniform(rng, [1, 4], -3, 3), ints(rng, [1], 0, 4)],
    ['[5,2] two classes', uniform(rng, [5, 2], -3, 3), ints(rng, [5], 0, 2)],
    ['[16,3] every class present', uniform(rng, [16, 3], -5, 5), values(Array.from({ length: 16 }, (_, i) => i % 3), [16], 'int32')],
  ];
  const cases: OpCase[] = [];
  for (const [label, logits, labels] of inputs) {
    const C = logits.shape[1]!;
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      cases.push({
        name: `crossEntropy ${label} reduction ${reduction}`,
        inputs: [logits, labels],
        pf: (l, t) => pf.nn.crossEntropy(l, t, { reduction }),
        tf: (l, t) => tf.losses.softmaxCrossEntropy(oneHot(t, C), l, undefined, 0, TF_REDUCTION[reduction]),
      });
    }
  }
  cases.push({
    name: 'crossEntropy default reduction is the mean over the batch',
    inputs: [uniform(rng, [4, 3]), ints(rng, [4], 0, 3)],
    pf: (l, t) => pf.nn.crossEntropy(l, t),
    tf: (l, t) => tf.losses.softmaxCrossEntropy(oneHot(t, 3), l),
  });
  cases.push({
    name: 'crossEntropy after a Linear-like matmul (gradient through both)',
    inputs: [uniform(rng, [5, 4]), uniform(rng, [4, 3]), ints(rng, [5], 0, 3)],
    pf: (x, w, t) => pf.nn.crossEntropy(pf.matmul(x, w), t),
    tf: (x, w, t) => tf.losses.softmaxCrossEntropy(oneHot(t, 3), tf.matMul(x, w)),
  });
  suite(cases);
});

describe('nllLoss (composite of tf ops)', () => {
  const tfNll = (C: number, r: Reduction) => (x: tf.Tensor, t: tf.Tensor) => tfReduce(tf.neg(tf.sum(tf.mul(oneHot(t, C), x), 1)), r);
  const cases: OpCase[] = [];
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    cases.push(
      {
        name: `nllLoss of arbitrary scores reduction ${reduction}`,
        inputs: [uniform(rng, [6, 4], -3, 0), ints(rng, [6], 0, 4)],
        pf: (x, t) => pf.nn.nllLoss(x, t, { reduction }),
        tf: tfNll(4, reduction),
      },
      {
        name: `nllLoss(logSoftmax(x)) reduction ${reduction} (= softmaxCrossEntropy)`,
        inputs: [uniform(rng, [7, 5], -4, 4), ints(rng, [7], 0, 5)],
        pf: (x, t) => pf.nn.nllLoss(pf.logSoftmax(x, 1), t, { reduction }),
        tf: (x, t) => tf.losses.softmaxCrossEntropy(oneHot(t, 5), x, undefined, 0, TF_REDUCTION[reduction]),
      },
    );
  }
  suite(cases);
});

describe('mseLoss (tf.losses.meanSquaredError)', () => {
  const cases: OpCase[] = [];
  for (const shape of [[4, 3], [7], [2, 3, 2], []]) {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      cases.push({
        name: `mseLoss [${shape}] reduction ${reduction} (grad of input and target)`,
        inputs: [uniform(rng, shape), uniform(rng, shape)],
        pf: (p, t) => pf.nn.mseLoss(p, t, { reduction }),
        tf: (p, t) => tf.losses.meanSquaredError(t, p, undefined, TF_REDUCTION[reduction]),
      });
    }
  }
  suite(cases);
});

describe('binaryCrossEntropy (composite of tf ops)', () => {
  const tfBce = (r: Reduction) => (p: tf.Tensor, t: tf.Tensor) =>
    tfReduce(tf.neg(tf.add(tf.mul(t, tf.log(p)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, p))))), r);
  const hard = (shape: number[]): Arr => ({ ...ints(rng, shape, 0, 2), dtype: 'float32', data: Float32Array.from(ints(rng, shape, 0, 2).data) });
  const cases: OpCase[] = [];
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    cases.push(
      {
        name: `binaryCrossEntropy soft targets reduction ${reduction}`,
        inputs: [uniform(rng, [4, 3], 0.02, 0.98), uniform(rng, [4, 3], 0, 1)],
        pf: (p, t) => pf.nn.binaryCrossEntropy(p, t, { reduction }),
        tf: tfBce(reduction),
      },
      {
        name: `binaryCrossEntropy hard 0/1 targets reduction ${reduction}`,
        inputs: [uniform(rng, [10], 0.001, 0.999), hard([10])],
        pf: (p, t) => pf.nn.binaryCrossEntropy(p, t, { reduction }),
        tf: tfBce(reduction),
        gradTol: { abs: 1e-4, rel: 2e-4 },
      },
    );
  }
  cases.push({
    name: 'binaryCrossEntropy(sigmoid(z)) gradient through the sigmoid',
    inputs: [uniform(rng, [3, 4], -4, 4), hard([3, 4])],
    pf: (z, t) => pf.nn.binaryCrossEntropy(pf.sigmoid(z), t),
    tf: (z, t) => tfBce('mean')(tf.sigmoid(z), t),
  });
  suite(cases);

  // p = 0 or 1 exactly: each log is clamped at -100 (PyTorch), so the loss stays finite.
  const edgeP = values([0, 1, 0, 1, 0.5, 1e-30]);
  const edgeT = values([1, 0, 0, 1, 1, 1]);
  it('binaryCrossEntropy clamps each log at -100 for p = 0 or 1 (forward, float64 reference)', () => {
    const y = pf.nn.binaryCrossEntropy(toPf(edgeP), toPf(edgeT), { reduction: 'none' });
    const expected = Array.from(edgeP.data, (p, i) => {
      const t = edgeT.data[i]!;
      return -(t * Math.max(Math.log(p), -100) + (1 - t) * Math.max(Math.log(1 - p), -100));
    });
    checkAgainst(y, { shape: [6], data: expected, dtype: 'float32' }, { abs: 1e-4, rel: 1e-5 }, 'bce edge forward');
  });

  // PyTorch's backward at p in {0, 1} is finite: grad = (p - t) / max(p (1 - p), 1e-12).
  it('binaryCrossEntropy has a finite (non-NaN) gradient at p = 0 and p = 1, as in PyTorch', () => {
    const p = toPf(edgeP, true);
    pf.nn.binaryCrossEntropy(p, toPf(edgeT)).backward();
    const g = readPf(p.grad!);
    const bad = g.flatMap((v, i) => (Number.isNaN(v) ? [`p=${edgeP.data[i]} t=${edgeT.data[i]} -> ${v}`] : []));
    expect(bad, `NaN gradients: ${bad.join('; ')}`).toEqual([]);
  });
});

describe('functional grad / valueAndGrad against tf.grads', () => {
  it('grad of sum(sin(a) * b²) with respect to a and b', () => {
    const a = uniform(rng, [3, 4]);
    const b = uniform(rng, [4]);
    const [ga, gb] = pf.grad((x: pf.Tensor, y: pf.Tensor) => pf.sin(x).mul(y.square()).sum())(toPf(a), toPf(b));
    const [ea, eb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.sin(x), tf.square(y))))([toTf(a), toTf(b)]);
    expectClose(readPf(ga!), ea!.dataSync(), undefined, 'grad a');
    expectClose(readPf(gb!), eb!.dataSync(), undefined, 'grad b');
  });

  it('valueAndGrad of mean(tanh(x @ w)) returns the value and the gradients', () => {
    const x = uniform(rng, [5, 3]);
    const w = uniform(rng, [3, 2]);
    const { value, grads } = pf.valueAndGrad((u: pf.Tensor, v: pf.Tensor) => pf.tanh(pf.matmul(u, v)).mean())(toPf(x), toPf(w));
    const f = (u: tf.Tensor, v: tf.Tensor): tf.Scalar => tf.mean(tf.tanh(tf.matMul(u as tf.Tensor2D, v as tf.Tensor2D)));
    const { value: ev, grads: eg } = tf.valueAndGrads(f)([toTf(x), toTf(w)]);
    expectClose([value.item()], ev.dataSync(), undefined, 'value');
    expectClose(readPf(grads[0]!), eg[0]!.dataSync(), undefined, 'grad x');
    expectClose(readPf(grads[1]!), eg[1]!.dataSync(), undefined, 'grad w');
  });
});

describe('whole graphs against tfjs', () => {
  const x = uniform(rng, [6, 5]);
  const w1 = uniform(rng, [5, 8], -0.7, 0.7);
  const b1 = uniform(rng, [8], -0.1, 0.1);
  const w2 = uniform(rng, [8, 4], -0.7, 0.7);
  const b2 = uniform(rng, [4], -0.1, 0.1);
  const labels = ints(rng, [6], 0, 4);
  suite([
    {
      name: 'two-layer MLP: crossEntropy(gelu(x @ W1 + b1) @ W2 + b2), gradient of every weight',
      inputs: [x, w1, b1, w2, b2, labels],
      pf: (x, w1, b1, w2, b2, t) => pf.nn.crossEntropy(pf.gelu(x!.matmul(w1!).add(b1!)).matmul(w2!).add(b2!), t!),
      tf: (x, w1, b1, w2, b2, t) => {
        const h = tf.add(tf.matMul(x!, w1!), b1!);
        const g = tf.mul(tf.mul(h, 0.5), tf.add(1, tf.erf(tf.mul(h, Math.SQRT1_2))));
        return tf.losses.softmaxCrossEntropy(oneHot(t!, 4), tf.add(tf.matMul(g, w2!), b2!));
      },
    },
    {
      name: 'attention-like: softmax(q @ k^T / sqrt(d)) @ v, gradient of q, k and v',
      inputs: [uniform(rng, [2, 3, 4]), uniform(rng, [2, 5, 4]), uniform(rng, [2, 5, 6])],
      pf: (q, k, v) => pf.matmul(pf.softmax(pf.matmul(q!, k!.transpose()).div(2)), v!),
      tf: (q, k, v) => tf.matMul(tf.softmax(tf.div(tf.matMul(q!, k!, false, true), 2)), v!),
    },
    {
      name: 'a diamond: y = exp(x); y * y + sigmoid(y) - y.mean(0)',
      inputs: [uniform(rng, [3, 4], -1, 1)],
      pf: (x) => {
        const y = x!.exp();
        return y.mul(y).add(y.sigmoid()).sub(y.mean(0));
      },
      tf: (x) => {
        const y = tf.exp(x!);
        return tf.sub(tf.add(tf.mul(y, y), tf.sigmoid(y)), tf.mean(y, 0));
      },
    },
  ]);

  it('gradients accumulate over two backward() calls', () => {
    const a = uniform(rng, [3, 2]);
    const t = toPf(a, true);
    t.square().sum().backward();
    t.mul(3).sum().backward();
    const [e] = tf.grads((u: tf.Tensor) => tf.add(tf.sum(tf.square(u)), tf.sum(tf.mul(u, 3))))([toTf(a)]);
    expectClose(readPf(t.grad!), e!.dataSync(), undefined, 'accumulated grad');
  });
});

// ----- misuse errors ----------------------------------------------------------------------

/** Runs `fn`, expecting it to throw; returns the error. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw, nothing was thrown');
}

describe('misuse raises typed errors that name the op', () => {
  it('add of [2,3] and [4]: ShapeError naming add and both shapes', () => {
    const e = thrown(() => pf.add(pf.zeros([2, 3]), pf.zeros([4])));
    expect(e).toBeInstanceOf(pf.ShapeError);
    expect(e).toBeInstanceOf(pf.ProfundoError);
    expect((e as pf.ShapeError).op).toBe('add');
    expect(e.message).toMatch(/add/);
    expect(e.message).toMatch(/\[2,\s*3\]/);
    expect(e.message).toMatch(/\[4\]/);
  });

  const BIN: [string, (a: pf.Tensor, b: pf.Tensor) => pf.Tensor][] = [
    ['sub', pf.sub], ['mul', pf.mul], ['div', pf.div], ['pow', pf.pow], ['maximum', pf.maximum], ['minimum', pf.minimum], ['eq', pf.eq], ['lt', pf.lt],
  ];
  for (const [name, op] of BIN) {
    it(`${name} of [3,2] and [3]: ShapeError naming ${name}`, () => {
      const e = thrown(() => op(pf.zeros([3, 2]), pf.zeros([3])));
      expect(e).toBeInstanceOf(pf.ShapeError);
      expect((e as pf.ShapeError).op).toBe(name);
      expect(e.message).toMatch(/\[3,\s*2\]/);
    });
  }

  it('where with unbroadcastable shapes: ShapeError naming where', () => {
    const e = thrown(() => pf.where(pf.zeros([2, 3], { dtype: 'bool' }), pf.zeros([2, 3]), pf.zeros([2])));
    expect(e).toBeInstanceOf(pf.ShapeError);
    expect((e as pf.ShapeError).op).toBe('where');
  });

  it('where with a float32 condition: DTypeError naming where', () => {
    const e = thrown(() => pf.where(pf.zeros([2]), pf.zeros([2]), pf.zeros([2])));
    expect(e).toBeInstanceOf(pf.DTypeError);
    expect((e as pf.DTypeError).op).toBe('where');
  });

  it('add of float32 and int32: DTypeError naming add (nothing is cast silently)', () => {
    const e = thrown(() => pf.add(pf.zeros([2]), pf.zeros([2], { dtype: 'int32' })));
    expect(e).toBeInstanceOf(pf.DTypeError);
    expect((e as pf.DTypeError).op).toBe('add');
  });

  it('matmul with mismatched inner dims: ShapeError naming matmul and the shapes', () => {
    const e = thrown(() => pf.matmul(pf.zeros([2, 3]), pf.zeros([4, 5])));
    expect(e).toBeInstanceOf(pf.ShapeError);
    expect((e as pf.ShapeError).op).toBe('matmul');
    expect(e.message).toMatch(/matmul/);
    expect(e.message).toMatch(/\[2,\s*3\]/);
    expect(e.message).toMatch(/\[4,\s*5\]/);
  });

  it('matmul with unbroadcastable batch dims: ShapeError naming matmul', () => {
    const e = thrown(() => pf.matmul(pf.zeros([2, 3, 4]), pf.zeros([3, 4, 5])));
    expect(e).toBeInstanceOf(pf.ShapeError);
    expect((e as pf.ShapeError).op).toBe('matmul');
  });

  it('matmul of a scalar: ShapeError naming matmul', () => {
    const e = thrown(() => pf.matmul(pf.scalar(2), pf.zeros([2, 2])));
    expect(e).toBeInstanceOf(pf.ShapeError);
    expect((e as pf.ShapeError).op).toBe('matmul');
  });

  it('crossEntropy with float32 labels: DTypeError naming crossEntropy', () => {
    const e = thrown(() => pf.nn.crossEntropy(pf.zeros([4, 3]), pf.zeros([4])));
    expect(e).toBeInstanceOf(pf.DTypeError);
    expect((e as pf.DTypeError).op).toBe('crossEntropy');
    expect(e.message).toMatch(/crossEntropy/);
  });

  it('nllLoss with float32 labels: DTypeError naming nllLoss', () => {
    const e = thrown(() => pf.nn.nllLoss(pf.zeros([4, 3]), pf.zeros([4])));
    expect(e).toBeInstanceOf(pf.DTypeError);
    expect((e as pf.DTypeError).op).toBe('nllLoss');
  });

  it('crossEntropy with labels of the wrong length: ShapeError naming crossEntropy', () => {
    const e = thrown(() => pf.nn.crossEntropy(pf.zeros([4, 3]), pf.zeros([5], { dtype: 'int32' })));
    expect(e).toBeInstanceOf(pf.ShapeError);
    expect((e as pf.ShapeError).op).toBe('crossEntropy');
  });

  it('crossEntropy with a label out of range: ValueError giving the bad label', () => {
    const e = thrown(() => pf.nn.crossEntropy(pf.zeros([2, 3]), pf.tensor([0, 3], { dtype: 'int32' })));
    expect(e).toBeInstanceOf(pf.ValueError);
    expect(e.message).toMatch(/\b3\b/);
  });

  it('mseLoss of different shapes: ShapeError naming mseLoss (no silent broadcasting)', () => {
    const e = thrown(() => pf.nn.mseLoss(pf.zeros([4, 1]), pf.zeros([4])));
    expect(e).toBeInstanceOf(pf.ShapeError);
    expect((e as pf.ShapeError).op).toBe('mseLoss');
  });

  it('binaryCrossEntropy of different shapes: ShapeError naming binaryCrossEntropy', () => {
    const e = thrown(() => pf.nn.binaryCrossEntropy(pf.zeros([3]), pf.zeros([1, 3])));
    expect(e).toBeInstanceOf(pf.ShapeError);
    expect((e as pf.ShapeError).op).toBe('binaryCrossEntropy');
  });

  it('backward() on a non-scalar without a gradient: GradError', () => {
    const x = pf.tensor([1, 2, 3], { requiresGrad: true });
    const e = thrown(() => x.mul(2).backward());
    expect(e).toBeInstanceOf(pf.GradError);
    expect((e as pf.GradError).op).toBe('backward');
    expect(e.message).toMatch(/\[3\]/);
  });

  it('backward() with an explicit gradient of the right shape works on a non-scalar', () => {
    const x = pf.tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).backward(pf.tensor([1, 0.5, -1]));
    checkAgainst(x.grad!, { shape: [3], data: [2, 2, -6] });
  });

  it('backward() with a gradient of the wrong shape: ShapeError naming backward', () => {
    const x = pf.tensor([1, 2, 3], { requiresGrad: true });
    const e = thrown(() => x.mul(2).backward(pf.ones([2])));
    expect(e).toBeInstanceOf(pf.ShapeError);
    expect((e as pf.ShapeError).op).toBe('backward');
  });

  it('backward() on a tensor that does not require grad: GradError', () => {
    const e = thrown(() => pf.tensor([1, 2]).sum().backward());
    expect(e).toBeInstanceOf(pf.GradError);
  });

  it('requiresGrad on an int32 tensor: DTypeError', () => {
    expect(thrown(() => pf.tensor([1, 2], { dtype: 'int32', requiresGrad: true }))).toBeInstanceOf(pf.DTypeError);
  });

  it('reshape to a different size: ShapeError naming reshape', () => {
    const e = thrown(() => pf.reshape(pf.zeros([2, 3]), [4, 2]));
    expect(e).toBeInstanceOf(pf.ShapeError);
    expect((e as pf.ShapeError).op).toBe('reshape');
  });

  it('a dim out of range: ShapeError naming the op (sum, softmax, permute, cat)', () => {
    const x = pf.zeros([2, 3]);
    for (const [name, fn] of [
      ['sum', () => pf.sum(x, 2)],
      ['softmax', () => pf.softmax(x, -3)],
      ['permute', () => pf.permute(x, [0, 2])],
      ['cat', () => pf.cat([x, x], 2)],
    ] as const) {
      const e = thrown(fn);
      expect(e, name).toBeInstanceOf(pf.ShapeError);
      expect((e as pf.ShapeError).op, name).toBe(name);
    }
  });

  // Every op on a disposed tensor. Each entry: the op's public name and a call of it.
  const DISPOSED: [string, (t: pf.Tensor) => unknown][] = [
    ['add', (t) => pf.add(t, 1)],
    ['mul', (t) => t.mul(t)],
    ['exp', (t) => pf.exp(t)],
    ['relu', (t) => t.relu()],
    ['sigmoid', (t) => pf.sigmoid(t)],
    ['gelu', (t) => pf.gelu(t)],
    ['square', (t) => pf.square(t)],
    ['clamp', (t) => pf.clamp(t, 0, 1)],
    ['eq', (t) => pf.eq(t, 0)],
    ['sum', (t) => pf.sum(t, 1)],
    ['mean', (t) => pf.mean(t)],
    ['max', (t) => pf.max(t, 0)],
    ['min', (t) => pf.min(t, 0)],
    ['argmax', (t) => pf.argmax(t, 1)],
    ['matmul', (t) => pf.matmul(t, t)],
    ['softmax', (t) => pf.softmax(t)],
    ['logSoftmax', (t) => pf.logSoftmax(t)],
    ['reshape', (t) => pf.reshape(t, [4])],
    ['permute', (t) => pf.permute(t, [1, 0])],
    ['transpose', (t) => t.transpose()],
    ['unsqueeze', (t) => pf.unsqueeze(t, 0)],
    ['expand', (t) => pf.expand(t, [3, 2, 2])],
    ['slice', (t) => pf.slice(t, [0, 0], [1, 1])],
    ['narrow', (t) => pf.narrow(t, 0, 0, 1)],
    ['pad', (t) => pf.pad(t, [[1, 1], [0, 0]])],
    ['cat', (t) => pf.cat([t, t])],
    ['stack', (t) => pf.stack([t, t])],
    ['gather', (t) => pf.gather(t, 1, pf.zeros([2, 1], { dtype: 'int32' }))],
    ['indexSelect', (t) => pf.indexSelect(t, 0, pf.tensor([1], { dtype: 'int32' }))],
    ['where', (t) => pf.where(pf.ones([2, 2], { dtype: 'bool' }), t, 0)],
    ['cast', (t) => pf.cast(t, 'int32')],
    ['crossEntropy', (t) => pf.nn.crossEntropy(t, pf.tensor([0, 1], { dtype: 'int32' }))],
    ['mseLoss', (t) => pf.nn.mseLoss(t, pf.zeros([2, 2]))],
    ['dataSync', (t) => t.dataSync()],
  ];
  const disposed = (): pf.Tensor => {
    const t = pf.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    t.dispose();
    return t;
  };
  for (const [name, fn] of DISPOSED) {
    it(`${name} of a disposed tensor: DisposedError`, () => {
      const e = thrown(() => fn(disposed()));
      expect(e).toBeInstanceOf(pf.DisposedError);
      expect(e.message).toMatch(/dispos/);
    });
  }
  it('data() of a disposed tensor rejects with DisposedError', async () => {
    await expect(disposed().data()).rejects.toBeInstanceOf(pf.DisposedError);
  });

  // The design asks every error to name the op that received the bad input. Collected in one
  // test so that a single root cause shows up as one failure listing every op it affects.
  it('a DisposedError names the op that was called', () => {
    const wrong = DISPOSED.flatMap(([name, fn]) => {
      const e = thrown(() => fn(disposed()));
      const op = (e as pf.ProfundoError).op;
      return op === name ? [] : [`${name} -> op '${op}'`];
    });
    expect(wrong, `ops whose DisposedError names another op: ${wrong.join(', ')}`).toEqual([]);
  });
});
