/**
 * Ops added for PyTorch parity: maxWithIndices / minWithIndices, argmin, topk, sort / argsort,
 * cumsum, GELU's tanh approximation and the functional layerNorm. Values against TensorFlow.js
 * 4.22 where it has the op (topk, argMin, cumsum, max / min), against rules worked out by hand
 * (ties, NaN, int32 extremes, stability), and gradients by gradcheck.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import {
  argmin,
  argsort,
  cumsum,
  gelu,
  layerNorm,
  manualSeed,
  maxWithIndices,
  minWithIndices,
  nn,
  pad,
  randn,
  sort,
  tensor,
  topk,
  type Tensor,
} from '@profundo/core';
import { gradcheck } from '@profundo/core/testing';
import { useReference } from './setup.js';

beforeAll(async () => {
  await useReference();
  await tf.setBackend('cpu');
});

const vals = (t: Tensor) => Array.from(t.dataSync());
const tfOf = (t: Tensor) => tf.tensor(t.dataSync() as Float32Array, [...t.shape]);
const i32 = (v: number[], shape?: number[]) => tensor(Int32Array.from(v), { shape: shape ?? [v.length], dtype: 'int32' });
const closeTo = (got: number[], want: ArrayLike<number>, tol = 1e-5) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThan(tol * (1 + Math.abs(want[i]!))));
};

describe('maxWithIndices, minWithIndices, argmin', () => {
  it('match tf.max / tf.argMax / tf.min / tf.argMin over each dim of a 3-D tensor', () => {
    manualSeed(1);
    const x = randn([3, 4, 5]);
    for (const dim of [0, 1, 2, -1]) {
      const mx = maxWithIndices(x, dim);
      const mn = minWithIndices(x, dim);
      const d = dim < 0 ? dim + 3 : dim;
      closeTo(vals(mx.values), tf.max(tfOf(x), d).dataSync());
      expect(vals(mx.indices)).toEqual(Array.from(tf.argMax(tfOf(x), d).dataSync()));
      closeTo(vals(mn.values), tf.min(tfOf(x), d).dataSync());
      expect(vals(mn.indices)).toEqual(Array.from(tf.argMin(tfOf(x), d).dataSync()));
      expect(vals(argmin(x, dim))).toEqual(Array.from(tf.argMin(tfOf(x), d).dataSync()));
      expect(mx.indices.dtype).toBe('int32');
    }
    const k = maxWithIndices(x, 1, true);
    expect(k.values.shape).toEqual([3, 1, 5]);
    expect(k.indices.shape).toEqual([3, 1, 5]);
  });

  it('ties give the first index; NaN wins and propagates; int32 extremes are exact', () => {
    const x = tensor([[2, 5, 5, 1], [NaN, 0, NaN, -1], [3, 3, 3, 3]]);
    expect(vals(maxWithIndices(x, 1).indices)).toEqual([1, 0, 0]);
    expect(vals(minWithIndices(x, 1).indices)).toEqual([3, 0, 0]);
    expect(vals(minWithIndices(x, 1).values)).toEqual([1, NaN, 3]);
    const big = i32([2147483647, -2147483648, 0, -2147483648]);
    expect(minWithIndices(big, 0).indices.item()).toBe(1);
    expect(minWithIndices(big, 0).values.item()).toBe(-2147483648);
    expect(argmin(big).item()).toBe(1);
    expect(maxWithIndices(big, 0).indices.item()).toBe(0);
    expect(argmin(tensor([[4, 2], [0, 5]])).item()).toBe(2);
    expect(argmin(tensor([[4, 2], [0, 5]]), undefined, true).shape).toEqual([1, 1]);
  });

  it('the gradient goes to the returned index only (PyTorch), even with ties', () => {
    const x = tensor([[1, 3, 3], [0, -2, -2]], { requiresGrad: true });
    const { values } = maxWithIndices(x, 1);
    values.mul(tensor([2, 5])).sum().backward();
    expect(vals(x.grad!)).toEqual([0, 2, 0, 5, 0, 0]);
    const y = tensor([[1, 3, 3], [0, -2, -2]], { requiresGrad: true });
    minWithIndices(y, 1).values.sum().backward();
    expect(vals(y.grad!)).toEqual([1, 0, 0, 0, 1, 0]);
  });
});

describe('topk', () => {
  it('matches tf.topk (values and indices) for several k, and the smallest k', () => {
    manualSeed(2);
    const x = randn([4, 9]);
    for (const k of [0, 1, 3, 9]) {
      const got = topk(x, k);
      const want = tf.topk(tfOf(x), k);
      expect(got.values.shape).toEqual([4, k]);
      closeTo(vals(got.values), want.values.dataSync());
      expect(vals(got.indices)).toEqual(Array.from(want.indices.dataSync()));
    }
    const low = topk(x, 3, { largest: false });
    const want = tf.topk(tf.neg(tfOf(x)), 3);
    expect(vals(low.indices)).toEqual(Array.from(want.indices.dataSync()));
    closeTo(vals(low.values), Array.from(want.values.dataSync()).map((v) => -v));
  });

  it('along another dim; ties (lower index first), -Infinity, NaN (largest) and int32', () => {
    const x = tensor([[1, 7], [7, 7], [3, -1]]);
    const r = topk(x, 2, { dim: 0 });
    expect(vals(r.values)).toEqual([7, 7, 3, 7]);
    expect(vals(r.indices)).toEqual([1, 0, 2, 1]); // column 1 ties: index 0 before 1
    const inf = topk(tensor([-Infinity, 2, -Infinity, -Infinity]), 4);
    expect(vals(inf.indices)).toEqual([1, 0, 2, 3]);
    const nan = topk(tensor([1, NaN, 3, NaN]), 3);
    expect(vals(nan.indices)).toEqual([1, 3, 2]);
    expect(vals(topk(tensor([1, NaN, 3]), 2, { largest: false }).indices)).toEqual([0, 2]);
    expect(vals(topk(tensor([NaN, Infinity, -Infinity, NaN]), 4, { largest: false }).indices)).toEqual([2, 1, 0, 3]);
    const ints = topk(i32([-2147483648, 5, -2147483648, 2147483647]), 4);
    expect(vals(ints.indices)).toEqual([3, 1, 0, 2]);
    expect(vals(topk(i32([-2147483648, 5, -2147483648, 2147483647]), 3, { largest: false }).indices)).toEqual([0, 2, 1]);
  });

  it('gradcheck: the gradient flows to the selected elements', async () => {
    manualSeed(3);
    await gradcheck((a) => topk(a, 2, { dim: 1 }).values, [randn([3, 5])]);
  });
});

describe('sort and argsort', () => {
  it('descending sort = tf.topk with k = n; ascending is its reverse (distinct values)', () => {
    manualSeed(4);
    const x = randn([3, 7]);
    const want = tf.topk(tfOf(x), 7);
    const d = sort(x, { descending: true });
    closeTo(vals(d.values), want.values.dataSync());
    expect(vals(d.indices)).toEqual(Array.from(want.indices.dataSync()));
    const a = sort(x);
    const rev = (v: ArrayLike<number>) => [0, 1, 2].flatMap((r) => Array.from(v).slice(r * 7, r * 7 + 7).reverse());
    expect(vals(a.indices)).toEqual(rev(want.indices.dataSync()));
    expect(vals(argsort(x))).toEqual(vals(a.indices));
  });

  it('is stable, puts NaN last (first descending), sorts along dim 0 and int32', () => {
    expect(vals(argsort(tensor([2, 1, 2, 1, NaN, 0])))).toEqual([5, 1, 3, 0, 2, 4]);
    expect(vals(argsort(tensor([2, 1, 2, 1, NaN, 0]), { descending: true }))).toEqual([4, 0, 2, 1, 3, 5]);
    const s = sort(tensor([[3, 1], [0, 5], [2, 2]]), { dim: 0 });
    expect(vals(s.values)).toEqual([0, 1, 2, 2, 3, 5]);
    expect(vals(s.indices)).toEqual([1, 0, 2, 2, 0, 1]);
    expect(vals(sort(i32([5, -2147483648, 2147483647, 0])).values)).toEqual([-2147483648, 0, 5, 2147483647]);
    expect(sort(tensor(3)).values.item()).toBe(3);
    expect(sort(tensor([], { shape: [2, 0] })).indices.shape).toEqual([2, 0]);
  });

  it('gradcheck through the permutation', async () => {
    manualSeed(5);
    await gradcheck((a) => sort(a, { dim: 0, descending: true }).values, [randn([4, 3])]);
  });
});

describe('cumsum', () => {
  it('matches tf.cumsum along each dim, for lengths that are and are not powers of 2', () => {
    manualSeed(6);
    for (const shape of [[5], [3, 8], [2, 7, 3]]) {
      const x = randn(shape);
      for (let d = 0; d < shape.length; d++) closeTo(vals(cumsum(x, d)), tf.cumsum(tfOf(x), d).dataSync());
    }
  });

  it('int32 exact (wrapping like sum), bool to int32, scalars and empty dims', () => {
    expect(vals(cumsum(i32([2147483647, 1, 5]), 0))).toEqual([2147483647, -2147483648, -2147483643]);
    const b = cumsum(tensor(Uint8Array.from([1, 0, 1, 1]), { dtype: 'bool' }), 0);
    expect(b.dtype).toBe('int32');
    expect(vals(b)).toEqual([1, 1, 2, 3]);
    expect(cumsum(tensor(4), 0).item()).toBe(4);
    expect(cumsum(tensor([], { shape: [0, 3] }), 0).shape).toEqual([0, 3]);
  });

  it('the gradient is the reversed cumulative sum (gradcheck)', async () => {
    const x = tensor([1, 2, 3, 4, 5], { requiresGrad: true });
    cumsum(x, 0).sum().backward();
    expect(vals(x.grad!)).toEqual([5, 4, 3, 2, 1]);
    manualSeed(7);
    await gradcheck((a) => cumsum(a, 1), [randn([2, 6])]);
  });
});

describe("gelu approximate: 'tanh'", () => {
  it('equals 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))), close to the exact form; module option', () => {
    const xs = [-3, -1, -0.2, 0, 0.5, 2, 6];
    const want = xs.map((x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))));
    closeTo(vals(gelu(tensor(xs), { approximate: 'tanh' })), want);
    closeTo(vals(new nn.GELU({ approximate: 'tanh' }).forward(tensor(xs))), want);
    closeTo(vals(tensor(xs).gelu({ approximate: 'tanh' })), want);
    const exact = vals(gelu(tensor(xs)));
    vals(gelu(tensor(xs), { approximate: 'tanh' })).forEach((v, i) => expect(Math.abs(v - exact[i]!)).toBeLessThan(1e-3));
  });

  it('gradcheck', async () => {
    manualSeed(8);
    await gradcheck((a) => gelu(a, { approximate: 'tanh' }), [randn([10])]);
  });
});

describe('layerNorm', () => {
  it('normalizes over the trailing dims by hand, with weight and bias of normalizedShape', () => {
    const x = [[1, 2, 3, 4], [2, 2, 2, 10]];
    const want = x.flatMap((r) => {
      const m = r.reduce((a, b) => a + b) / 4;
      const v = r.reduce((a, b) => a + (b - m) ** 2, 0) / 4;
      return r.map((e, i) => ((e - m) / Math.sqrt(v + 1e-5)) * [1, 2, 0.5, -1][i]! + [0, 1, 0, 0.5][i]!);
    });
    closeTo(vals(layerNorm(tensor(x), 4, { weight: tensor([1, 2, 0.5, -1]), bias: tensor([0, 1, 0, 0.5]) })), want);
    // Over two trailing dims = over the flattened pair.
    const flat = layerNorm(tensor([[1, 2, 3, 4, 5, 6]]), [6], { eps: 0.1 });
    expect(vals(layerNorm(tensor([[[1, 2, 3], [4, 5, 6]]]), [2, 3], { eps: 0.1 }))).toEqual(vals(flat));
  });

  it('gradcheck in input, weight and bias', async () => {
    manualSeed(9);
    await gradcheck((a, w, b) => layerNorm(a, [2, 3], { weight: w, bias: b }), [randn([2, 2, 3]), randn([2, 3]), randn([2, 3])]);
  });
});

describe("tie gradients follow PyTorch's rules", () => {
  const grad = (fn: (x: Tensor) => Tensor, values: number[], shape?: number[]) => {
    const x = tensor(values, { shape: shape ?? [values.length], requiresGrad: true });
    fn(x).sum().backward();
    return vals(x.grad!);
  };

  it('maximum / minimum: half to each of two equal operands, all to both at NaN, broadcast summed', () => {
    const a = tensor([1, 2, 3, NaN], { requiresGrad: true });
    const b = tensor([2, 2, 1, 0], { requiresGrad: true });
    pf(a, b, 'max');
    expect(vals(a.grad!)).toEqual([0, 0.5, 1, 1]);
    expect(vals(b.grad!)).toEqual([1, 0.5, 0, 1]);
    const c = tensor([1, 2, 3, NaN], { requiresGrad: true });
    const d = tensor([2, 2, 1, 0], { requiresGrad: true });
    pf(c, d, 'min');
    expect(vals(c.grad!)).toEqual([1, 0.5, 0, 1]);
    expect(vals(d.grad!)).toEqual([0, 0.5, 1, 1]);
    // A broadcast operand sums its shares: [2] against [[2, 5], [2, 1]].
    const e = tensor([[2, 5], [2, 1]], { requiresGrad: true });
    const f = tensor([2, 3], { requiresGrad: true });
    e.maximum(f).sum().backward();
    expect(vals(e.grad!)).toEqual([0.5, 1, 0.5, 0]);
    expect(vals(f.grad!)).toEqual([1, 1]);
    function pf(x: Tensor, y: Tensor, op: 'max' | 'min') {
      (op === 'max' ? x.maximum(y) : x.minimum(y)).sum().backward();
    }
  });

  it('max / min reductions split the gradient evenly among tied elements (over one dim, several, all)', () => {
    expect(grad((x) => x.max(1), [3, 1, 3, 2, 5, 5], [2, 3])).toEqual([0.5, 0, 0.5, 0, 0.5, 0.5]);
    const t = Math.fround(1 / 3);
    expect(grad((x) => x.max(), [1, 3, 3, -1, 3, 0])).toEqual([0, t, t, 0, t, 0]);
    // Over dims 0 and 2: for j = 0 the elements [0, 1, 4, 0] (two minima), for j = 1 [0, 2, 5, 1].
    expect(grad((x) => x.min([0, 2]), [0, 1, 0, 2, 4, 0, 5, 1], [2, 2, 2])).toEqual([0.5, 0, 1, 0, 0, 0.5, 0, 0]);
    expect(grad((x) => x.max(), [1, NaN, 2, NaN])).toEqual([0, 0.5, 0, 0.5]);
    // One maximum: all of it, as before.
    expect(grad((x) => x.max(0), [1, 4, 2])).toEqual([0, 1, 0]);
  });

  it('clamp passes the full gradient at its bounds (inclusive) and none outside or at NaN', () => {
    expect(grad((x) => pfClamp(x, 0, 1), [-1, 0, 0.5, 1, 2, NaN])).toEqual([0, 1, 1, 1, 0, 0]);
    expect(grad((x) => pfClamp(x, 0), [-1, 0, 3])).toEqual([0, 1, 1]);
    expect(grad((x) => pfClamp(x, undefined, 0), [-1, 0, 3])).toEqual([1, 1, 0]);
    function pfClamp(x: Tensor, lo?: number, hi?: number) {
      return x.clamp(lo, hi);
    }
  });

  it('gradcheck away from ties', async () => {
    manualSeed(10);
    await gradcheck((a, b) => a.maximum(b).add(a.minimum(b).mul(2)), [randn([3, 4]), randn([4])]);
    await gradcheck((a) => a.max([0, 1]).add(a.min(1).sum()), [randn([3, 4])]);
  });
});

describe('pad modes (reflect, replicate, circular)', () => {
  it("'reflect' = tf.mirrorPad(…, 'reflect') on two dims; gradients by gradcheck (tfjs's mirrorPad gradient only slices)", async () => {
    manualSeed(11);
    const x = randn([2, 3, 4]);
    const pads: [number, number][] = [[0, 0], [2, 1], [1, 3]];
    closeTo(vals(pad(x, pads, { mode: 'reflect' })), tf.mirrorPad(tfOf(x), pads, 'reflect').dataSync());
    await gradcheck((a) => pad(a, pads, { mode: 'reflect' }), [x]);
    await gradcheck((a) => pad(a, [[1, 2], [2, 0]], { mode: 'circular' }), [randn([2, 3])]);
  });

  it("'replicate' and 'circular' by hand, int32 too; constant keeps its value option", () => {
    expect(vals(pad(tensor([[1, 2], [3, 4]]), [[1, 0], [0, 2]], { mode: 'replicate' }))).toEqual([1, 2, 2, 2, 1, 2, 2, 2, 3, 4, 4, 4]);
    expect(vals(pad(i32([1, 2, 3]), [[3, 3]], { mode: 'circular' }))).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3]);
    expect(vals(pad(tensor([1, 2]), [[1, 1]], { value: 9 }))).toEqual([9, 1, 2, 9]);
    expect(vals(pad(tensor([1, 2]), [[1, 1]], 7))).toEqual([7, 1, 2, 7]);
    const x = tensor([1, 2, 3], { requiresGrad: true });
    pad(x, [[2, 2]], { mode: 'replicate' }).sum().backward();
    expect(vals(x.grad!)).toEqual([3, 1, 3]);
  });

  it('rejects pads too large for the mode, a value with a non-constant mode, an unknown mode', () => {
    expect(() => pad(tensor([1, 2]), [[2, 0]], { mode: 'reflect' })).toThrow(/^pad: mode 'reflect' needs each padding smaller than its dim: \[2, 0\] for dim 0 of size 2/);
    expect(() => pad(tensor([1, 2]), [[0, 3]], { mode: 'circular' })).toThrow(/at most its dim/);
    expect(() => pad(tensor([], { shape: [0] }), [[1, 0]], { mode: 'replicate' })).toThrow(/size 0/);
    expect(() => pad(tensor([1, 2]), [[1, 0]], { mode: 'reflect', value: 1 })).toThrow(/value applies to mode 'constant' only/);
    expect(() => pad(tensor([1, 2]), [[1, 0]], { mode: 'wrap' as never })).toThrow(/mode must be 'constant', 'reflect', 'replicate' or 'circular', got 'wrap'/);
  });
});
