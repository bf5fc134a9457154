/**
 * Shape and movement ops (reshape, flatten, permute, transpose, squeeze, unsqueeze, expand,
 * slice, narrow, pad, cat, stack) and indexing (gather, indexSelect) against TensorFlow.js or,
 * for PyTorch's `gather`, against naive loops. Forward and gradient. See ops-vs-tfjs-harness.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  type Arr,
  type OpCase,
  Rng,
  checkAgainst,
  ints,
  pf,
  ravel,
  suite,
  tf,
  toPf,
  uniform,
  unravel,
  useBackends,
  values,
} from './ops-vs-tfjs-harness.js';

useBackends();

const rng = new Rng(4242);

/** A fresh random [2,3,4] input. */
const x234 = (): Arr => uniform(rng, [2, 3, 4]);

describe('reshape / flatten / view', () => {
  suite([
    { name: 'reshape [2,3,4] -> [6,4]', inputs: [x234()], pf: (x) => pf.reshape(x, [6, 4]), tf: (x) => tf.reshape(x, [6, 4]) },
    { name: 'reshape [2,3,4] -> [4,-1]', inputs: [x234()], pf: (x) => pf.reshape(x, [4, -1]), tf: (x) => tf.reshape(x, [4, -1]) },
    { name: 'reshape [2,3,4] -> [24]', inputs: [x234()], pf: (x) => pf.reshape(x, [24]), tf: (x) => tf.reshape(x, [24]) },
    { name: 'reshape [] -> [1,1]', inputs: [uniform(rng, [])], pf: (x) => pf.reshape(x, [1, 1]), tf: (x) => tf.reshape(x, [1, 1]) },
    { name: 'reshape [1,1] -> []', inputs: [uniform(rng, [1, 1])], pf: (x) => pf.reshape(x, []), tf: (x) => tf.reshape(x, []) },
    { name: 'reshape [0,3] -> [3,0]', inputs: [uniform(rng, [0, 3])], pf: (x) => pf.reshape(x, [3, 0]), tf: (x) => tf.reshape(x, [3, 0]) },
    { name: 'x.reshape(3, 8) method', inputs: [x234()], pf: (x) => x.reshape(3, 8), tf: (x) => tf.reshape(x, [3, 8]) },
    { name: 'x.view([8, 3]) method', inputs: [x234()], pf: (x) => x.view([8, 3]), tf: (x) => tf.reshape(x, [8, 3]) },
    { name: 'reshape then mul with itself (shared storage, two uses)', inputs: [x234()], pf: (x) => x.reshape(6, 4).mul(x.reshape(6, 4)), tf: (x) => tf.mul(tf.reshape(x, [6, 4]), tf.reshape(x, [6, 4])) },
    { name: 'flatten [2,3,4,5] dims 1..2', inputs: [uniform(rng, [2, 3, 4, 5])], pf: (x) => pf.flatten(x, 1, 2), tf: (x) => tf.reshape(x, [2, 12, 5]) },
    { name: 'flatten [2,3,4] all', inputs: [x234()], pf: (x) => pf.flatten(x), tf: (x) => tf.reshape(x, [24]) },
    { name: 'x.flatten(1) method', inputs: [x234()], pf: (x) => x.flatten(1), tf: (x) => tf.reshape(x, [2, 12]) },
  ]);
});

describe('permute / transpose (tf.transpose)', () => {
  suite([
    { name: 'permute [2,3,4] by [2,0,1]', inputs: [x234()], pf: (x) => pf.permute(x, [2, 0, 1]), tf: (x) => tf.transpose(x, [2, 0, 1]) },
    { name: 'permute [2,3,4] by [1,0,2]', inputs: [x234()], pf: (x) => pf.permute(x, [1, 0, 2]), tf: (x) => tf.transpose(x, [1, 0, 2]) },
    { name: 'permute [2,3,4] by [-1,0,1] (negative dims)', inputs: [x234()], pf: (x) => pf.permute(x, [-1, 0, 1]), tf: (x) => tf.transpose(x, [2, 0, 1]) },
    { name: 'permute identity', inputs: [x234()], pf: (x) => pf.permute(x, [0, 1, 2]), tf: (x) => tf.transpose(x, [0, 1, 2]) },
    { name: 'permute [2,3,1,4] by [3,0,2,1]', inputs: [uniform(rng, [2, 3, 1, 4])], pf: (x) => pf.permute(x, [3, 0, 2, 1]), tf: (x) => tf.transpose(x, [3, 0, 2, 1]) },
    { name: 'permute [2,3,4,5] by [1,3,0,2]', inputs: [uniform(rng, [2, 3, 4, 5])], pf: (x) => pf.permute(x, [1, 3, 0, 2]), tf: (x) => tf.transpose(x, [1, 3, 0, 2]) },
    { name: 'permute of an empty tensor [2,0,3]', inputs: [uniform(rng, [2, 0, 3])], pf: (x) => pf.permute(x, [2, 0, 1]), tf: (x) => tf.transpose(x, [2, 0, 1]) },
    { name: 'x.permute(2, 0, 1) method', inputs: [x234()], pf: (x) => x.permute(2, 0, 1), tf: (x) => tf.transpose(x, [2, 0, 1]) },
    { name: 'transpose 2-D', inputs: [uniform(rng, [3, 5])], pf: (x) => pf.transpose(x), tf: (x) => tf.transpose(x) },
    { name: 'transpose default (last two) of [2,3,4]', inputs: [x234()], pf: (x) => pf.transpose(x), tf: (x) => tf.transpose(x, [0, 2, 1]) },
    { name: 'transpose(0, 2) of [2,3,4]', inputs: [x234()], pf: (x) => pf.transpose(x, 0, 2), tf: (x) => tf.transpose(x, [2, 1, 0]) },
    { name: 'x.transpose(-3, -2) method', inputs: [x234()], pf: (x) => x.transpose(-3, -2), tf: (x) => tf.transpose(x, [1, 0, 2]) },
  ]);
});

describe('squeeze / unsqueeze (tf.squeeze / tf.expandDims)', () => {
  const x = (): Arr => uniform(rng, [1, 3, 1, 4]);
  suite([
    { name: 'squeeze all size-1 dims', inputs: [x()], pf: (t) => pf.squeeze(t), tf: (t) => tf.squeeze(t) },
    { name: 'squeeze dim 2', inputs: [x()], pf: (t) => pf.squeeze(t, 2), tf: (t) => tf.squeeze(t, [2]) },
    { name: 'squeeze dim -4', inputs: [x()], pf: (t) => pf.squeeze(t, -4), tf: (t) => tf.squeeze(t, [0]) },
    { name: 'squeeze [1,1] to a scalar', inputs: [uniform(rng, [1, 1])], pf: (t) => t.squeeze(), tf: (t) => tf.squeeze(t) },
    { name: 'unsqueeze 0', inputs: [x234()], pf: (t) => pf.unsqueeze(t, 0), tf: (t) => tf.expandDims(t, 0) },
    { name: 'unsqueeze 2', inputs: [x234()], pf: (t) => pf.unsqueeze(t, 2), tf: (t) => tf.expandDims(t, 2) },
    { name: 'unsqueeze -1', inputs: [x234()], pf: (t) => pf.unsqueeze(t, -1), tf: (t) => tf.expandDims(t, 3) },
    { name: 'unsqueeze of a scalar', inputs: [uniform(rng, [])], pf: (t) => t.unsqueeze(0), tf: (t) => tf.expandDims(t, 0) },
  ]);

  it('squeeze of a dim that is not size 1 is a ShapeError naming squeeze', () => {
    expect(() => pf.squeeze(pf.zeros([2, 3]), 0)).toThrow(pf.ShapeError);
    expect(() => pf.squeeze(pf.zeros([2, 3]), 0)).toThrow(/squeeze/);
  });
});

describe('expand (tf.broadcastTo)', () => {
  suite([
    { name: 'expand [3,1] -> [2,3,4]', inputs: [uniform(rng, [3, 1])], pf: (x) => pf.expand(x, [2, 3, 4]), tf: (x) => tf.broadcastTo(x, [2, 3, 4]) },
    { name: 'expand [1] -> [5]', inputs: [uniform(rng, [1])], pf: (x) => pf.expand(x, [5]), tf: (x) => tf.broadcastTo(x, [5]) },
    { name: 'expand [] -> [2,3]', inputs: [uniform(rng, [])], pf: (x) => pf.expand(x, [2, 3]), tf: (x) => tf.broadcastTo(x, [2, 3]) },
    { name: 'expand [3,1] -> [-1,4] (-1 keeps a dim)', inputs: [uniform(rng, [3, 1])], pf: (x) => pf.expand(x, [-1, 4]), tf: (x) => tf.broadcastTo(x, [3, 4]) },
    { name: 'expand [1,3,1] -> [2,3,5]', inputs: [uniform(rng, [1, 3, 1])], pf: (x) => pf.expand(x, [2, 3, 5]), tf: (x) => tf.broadcastTo(x, [2, 3, 5]) },
    { name: 'expand to the same shape', inputs: [uniform(rng, [2, 3])], pf: (x) => pf.expand(x, [2, 3]), tf: (x) => tf.broadcastTo(x, [2, 3]) },
    { name: 'x.expand(4, 2, 3) method', inputs: [uniform(rng, [2, 3])], pf: (x) => x.expand(4, 2, 3), tf: (x) => tf.broadcastTo(x, [4, 2, 3]) },
    { name: 'expand int32', inputs: [ints(rng, [1, 3], -5, 5)], pf: (x) => pf.expand(x, [2, 3]), tf: (x) => tf.broadcastTo(x, [2, 3]) },
  ]);

  it('expand [1,4] -> [0,4] is empty, gradient zeros', () => {
    const x = pf.tensor(uniform(rng, [1, 4]).data, { shape: [1, 4], requiresGrad: true });
    const y = pf.expand(x, [0, 4]);
    expect([...y.shape]).toEqual([0, 4]);
    y.sum().backward();
    checkAgainst(x.grad!, { shape: [1, 4], data: [0, 0, 0, 0] });
  });
});

describe('slice / narrow (tf.slice)', () => {
  const x = (): Arr => uniform(rng, [4, 5, 6]);
  suite([
    { name: 'slice [4,5,6] begin [1,0,2] size [2,-1,3]', inputs: [x()], pf: (t) => pf.slice(t, [1, 0, 2], [2, -1, 3]), tf: (t) => tf.slice(t, [1, 0, 2], [2, -1, 3]) },
    { name: 'slice begin only (to the end)', inputs: [x()], pf: (t) => pf.slice(t, [3, 4, 5]), tf: (t) => tf.slice(t, [3, 4, 5]) },
    { name: 'slice the whole tensor', inputs: [x()], pf: (t) => pf.slice(t, [0, 0, 0], [4, 5, 6]), tf: (t) => tf.slice(t, [0, 0, 0], [4, 5, 6]) },
    { name: 'slice one element', inputs: [x()], pf: (t) => pf.slice(t, [2, 3, 1], [1, 1, 1]), tf: (t) => tf.slice(t, [2, 3, 1], [1, 1, 1]) },
    { name: 'slice 1-D', inputs: [uniform(rng, [10])], pf: (t) => t.slice([3], [4]), tf: (t) => tf.slice(t, [3], [4]) },
    { name: 'slice int32', inputs: [ints(rng, [4, 5], 0, 9)], pf: (t) => t.slice([1, 2], [2, 2]), tf: (t) => tf.slice(t, [1, 2], [2, 2]) },
    { name: 'narrow dim 1 start 1 length 3', inputs: [x()], pf: (t) => pf.narrow(t, 1, 1, 3), tf: (t) => tf.slice(t, [0, 1, 0], [-1, 3, -1]) },
    { name: 'narrow dim 0 start -2 length 2', inputs: [x()], pf: (t) => pf.narrow(t, 0, -2, 2), tf: (t) => tf.slice(t, [2, 0, 0], [2, -1, -1]) },
    { name: 'x.narrow(-1, 0, 1) method', inputs: [x()], pf: (t) => t.narrow(-1, 0, 1), tf: (t) => tf.slice(t, [0, 0, 0], [-1, -1, 1]) },
    { name: 'two overlapping slices summed', inputs: [x()], pf: (t) => pf.add(pf.narrow(t, 0, 0, 3), pf.narrow(t, 0, 1, 3)), tf: (t) => tf.add(tf.slice(t, [0, 0, 0], [3, -1, -1]), tf.slice(t, [1, 0, 0], [3, -1, -1])) },
  ]);

  it('an empty slice has the right shape and a zero gradient', () => {
    const a = uniform(rng, [4, 5]);
    const t = toPf(a, true);
    const y = pf.slice(t, [1, 2], [0, 3]);
    expect([...y.shape]).toEqual([0, 3]);
    y.sum().backward();
    checkAgainst(t.grad!, { shape: [4, 5], data: new Array(20).fill(0) });
  });

  it('a box past the end is a ShapeError naming slice', () => {
    expect(() => pf.slice(pf.zeros([4, 5]), [3, 0], [2, 5])).toThrow(pf.ShapeError);
    expect(() => pf.slice(pf.zeros([4, 5]), [3, 0], [2, 5])).toThrow(/slice/);
  });
});

describe('pad (tf.pad)', () => {
  suite([
    { name: 'pad [2,3] with [[1,2],[0,3]]', inputs: [uniform(rng, [2, 3])], pf: (x) => pf.pad(x, [[1, 2], [0, 3]]), tf: (x) => tf.pad(x, [[1, 2], [0, 3]]) },
    { name: 'pad [2,3] with value 1.5', inputs: [uniform(rng, [2, 3])], pf: (x) => pf.pad(x, [[1, 1], [2, 0]], 1.5), tf: (x) => tf.pad(x, [[1, 1], [2, 0]], 1.5) },
    { name: 'pad [2,3,4] with [[0,0],[2,1],[1,1]]', inputs: [x234()], pf: (x) => pf.pad(x, [[0, 0], [2, 1], [1, 1]]), tf: (x) => tf.pad(x, [[0, 0], [2, 1], [1, 1]]) },
    { name: 'pad with zeros everywhere (no-op)', inputs: [uniform(rng, [3, 2])], pf: (x) => pf.pad(x, [[0, 0], [0, 0]]), tf: (x) => tf.pad(x, [[0, 0], [0, 0]]) },
    { name: 'pad 1-D', inputs: [uniform(rng, [4])], pf: (x) => pf.pad(x, [[3, 1]], -2), tf: (x) => tf.pad(x, [[3, 1]], -2) },
    { name: 'pad int32', inputs: [ints(rng, [2, 2], 1, 9)], pf: (x) => pf.pad(x, [[1, 0], [0, 1]], 7), tf: (x) => tf.pad(x, [[1, 0], [0, 1]], 7) },
  ]);

  it('pad of an empty tensor [0,3] with [[1,1],[0,0]] gives [2,3] of the value', () => {
    const x = pf.zeros([0, 3], { requiresGrad: true });
    const y = pf.pad(x, [[1, 1], [0, 0]], 2);
    checkAgainst(y, { shape: [2, 3], data: [2, 2, 2, 2, 2, 2] });
    y.sum().backward();
    checkAgainst(x.grad!, { shape: [0, 3], data: [] });
  });

  it('negative padding is a ValueError naming pad', () => {
    expect(() => pf.pad(pf.zeros([2]), [[-1, 0]])).toThrow(pf.ValueError);
    expect(() => pf.pad(pf.zeros([2]), [[-1, 0]])).toThrow(/pad/);
  });
});

describe('cat (tf.concat) and stack (tf.stack)', () => {
  suite([
    {
      name: 'cat three tensors along dim 0',
      inputs: [uniform(rng, [2, 3]), uniform(rng, [4, 3]), uniform(rng, [1, 3])],
      pf: (a, b, c) => pf.cat([a!, b!, c!], 0),
      tf: (a, b, c) => tf.concat([a!, b!, c!], 0),
    },
    {
      name: 'cat along dim 1',
      inputs: [uniform(rng, [2, 1, 4]), uniform(rng, [2, 3, 4])],
      pf: (a, b) => pf.cat([a!, b!], 1),
      tf: (a, b) => tf.concat([a!, b!], 1),
    },
    {
      name: 'cat along dim -1',
      inputs: [uniform(rng, [2, 3, 2]), uniform(rng, [2, 3, 5]), uniform(rng, [2, 3, 1])],
      pf: (a, b, c) => pf.cat([a!, b!, c!], -1),
      tf: (a, b, c) => tf.concat([a!, b!, c!], -1),
    },
    {
      name: 'cat with an empty piece',
      inputs: [uniform(rng, [2, 3]), uniform(rng, [2, 0]), uniform(rng, [2, 2])],
      pf: (a, b, c) => pf.cat([a!, b!, c!], 1),
      tf: (a, b, c) => tf.concat([a!, b!, c!], 1),
      grad: [0, 2],
    },
    {
      name: 'cat of one tensor',
      inputs: [uniform(rng, [2, 3])],
      pf: (a) => pf.cat([a!], 0),
      tf: (a) => tf.concat([a!], 0),
    },
    {
      name: 'cat of the same tensor twice',
      inputs: [uniform(rng, [2, 3])],
      pf: (a) => pf.cat([a!, a!], 1),
      tf: (a) => tf.concat([a!, a!], 1),
    },
    {
      name: 'cat 1-D',
      inputs: [uniform(rng, [3]), uniform(rng, [4])],
      pf: (a, b) => pf.cat([a!, b!]),
      tf: (a, b) => tf.concat([a!, b!]),
    },
    {
      name: 'cat int32',
      inputs: [ints(rng, [2, 2], 0, 9), ints(rng, [1, 2], 0, 9)],
      pf: (a, b) => pf.cat([a!, b!], 0),
      tf: (a, b) => tf.concat([a!, b!], 0),
    },
    ...[0, 1, 2, -1].map(
      (dim): OpCase => ({
        name: `stack three [2,3] along dim ${dim}`,
        inputs: [uniform(rng, [2, 3]), uniform(rng, [2, 3]), uniform(rng, [2, 3])],
        pf: (a, b, c) => pf.stack([a!, b!, c!], dim),
        tf: (a, b, c) => tf.stack([a!, b!, c!], dim < 0 ? dim + 3 : dim),
      }),
    ),
    {
      name: 'stack scalars',
      inputs: [uniform(rng, []), uniform(rng, []), uniform(rng, [])],
      pf: (a, b, c) => pf.stack([a!, b!, c!]),
      tf: (a, b, c) => tf.stack([a!, b!, c!]),
    },
  ]);

  it('cat of mismatched shapes is a ShapeError naming cat', () => {
    expect(() => pf.cat([pf.zeros([2, 3]), pf.zeros([2, 4])], 0)).toThrow(pf.ShapeError);
    expect(() => pf.cat([pf.zeros([2, 3]), pf.zeros([2, 4])], 0)).toThrow(/cat/);
  });
});

// ----- gather (PyTorch semantics) and indexSelect --------------------------------------------

/** out[...i...] = x[... index[...i...] (at `axis`) ...], by a naive loop. */
function naiveGather(x: Arr, axis: number, index: Arr): number[] {
  const out: number[] = [];
  for (let flat = 0; flat < index.data.length; flat++) {
    const c = unravel(flat, index.shape);
    c[axis] = index.data[flat]!;
    out.push(x.data[ravel(c, x.shape)]!);
  }
  return out;
}

/** The adjoint: zeros of x's shape with each `w[...i...]` added at the gathered position. */
function naiveScatterAdd(xShape: readonly number[], axis: number, index: Arr, w: ArrayLike<number>): number[] {
  const out = new Array<number>(xShape.reduce((n, d) => n * d, 1)).fill(0);
  for (let flat = 0; flat < index.data.length; flat++) {
    const c = unravel(flat, index.shape);
    c[axis] = index.data[flat]!;
    out[ravel(c, xShape)]! += w[flat]!;
  }
  return out;
}

describe('gather (PyTorch semantics, naive-loop reference)', () => {
  const x = uniform(rng, [3, 4, 5]);
  const cases: [string, number, Arr][] = [
    ['dim 0, index [5,4,5] (longer than x along dim)', 0, ints(rng, [5, 4, 5], 0, 3)],
    ['dim 0, index [2,2,3] (smaller in other dims)', 0, ints(rng, [2, 2, 3], 0, 3)],
    ['dim 1, index [3,6,5] (repeats)', 1, ints(rng, [3, 6, 5], 0, 4)],
    ['dim 2, index [3,4,1]', 2, ints(rng, [3, 4, 1], 0, 5)],
    ['dim -1, index [1,2,7]', -1, ints(rng, [1, 2, 7], 0, 5)],
    ['dim 1, empty index [3,0,5]', 1, ints(rng, [3, 0, 5], 0, 4)],
  ];
  for (const [label, dim, index] of cases) {
    const axis = dim < 0 ? dim + 3 : dim;
    it(`gather ${label}: forward`, () => {
      const y = pf.gather(toPf(x), dim, toPf(index));
      checkAgainst(y, { shape: index.shape, data: naiveGather(x, axis, index), dtype: 'float32' }, undefined, 'gather');
    });
    it(`gather ${label}: gradient is the scatter-add of the upstream`, () => {
      const xt = toPf(x, true);
      const y = xt.gather(dim, toPf(index));
      const w = uniform(new Rng(99), index.shape, -1.5, 1.5);
      y.mul(toPf(w)).sum().backward();
      checkAgainst(xt.grad!, { shape: x.shape, data: naiveScatterAdd(x.shape, axis, index, w.data) }, { abs: 1e-5, rel: 1e-5 }, 'gather grad');
    });
  }

  it('gather of int32 values', () => {
    const xi = ints(rng, [3, 4], -9, 9);
    const index = ints(rng, [3, 2], 0, 4);
    const y = pf.gather(toPf(xi), 1, toPf(index));
    checkAgainst(y, { shape: [3, 2], data: naiveGather(xi, 1, index), dtype: 'int32' }, undefined, 'gather int32');
  });

  it('the example of the docs: picking log-probabilities of labels', () => {
    const logp = pf.tensor([[0.1, 0.9], [0.8, 0.2]]);
    const y = pf.gather(logp, 1, pf.tensor([[1], [0]], { dtype: 'int32' }));
    checkAgainst(y, { shape: [2, 1], data: [0.9, 0.8] });
  });

  it('an index out of range is a ValueError naming gather', () => {
    const bad = pf.tensor([[0], [4]], { dtype: 'int32' });
    expect(() => pf.gather(pf.zeros([2, 4]), 1, bad)).toThrow(pf.ValueError);
    expect(() => pf.gather(pf.zeros([2, 4]), 1, bad)).toThrow(/gather/);
    const neg = pf.tensor([[0], [-1]], { dtype: 'int32' });
    expect(() => pf.gather(pf.zeros([2, 4]), 1, neg)).toThrow(pf.ValueError);
  });

  it('a float32 index is a DTypeError naming gather', () => {
    expect(() => pf.gather(pf.zeros([2, 4]), 1, pf.zeros([2, 1]))).toThrow(pf.DTypeError);
    expect(() => pf.gather(pf.zeros([2, 4]), 1, pf.zeros([2, 1]))).toThrow(/gather/);
  });
});

describe('indexSelect (tf.gather with axis)', () => {
  const x = (): Arr => uniform(rng, [4, 5, 3]);
  suite([
    { name: 'indexSelect dim 0 with repeats', inputs: [x(), values([3, 0, 3, 1], [4], 'int32')], pf: (t, i) => pf.indexSelect(t, 0, i), tf: (t, i) => tf.gather(t, i, 0) },
    { name: 'indexSelect dim 1', inputs: [x(), values([4, 2], [2], 'int32')], pf: (t, i) => pf.indexSelect(t, 1, i), tf: (t, i) => tf.gather(t, i, 1) },
    { name: 'indexSelect dim -1 with repeats', inputs: [x(), values([2, 2, 0, 1, 2], [5], 'int32')], pf: (t, i) => pf.indexSelect(t, -1, i), tf: (t, i) => tf.gather(t, i, 2) },
    { name: 'indexSelect a single index', inputs: [x(), values([1], [1], 'int32')], pf: (t, i) => t.indexSelect(1, i), tf: (t, i) => tf.gather(t, i, 1) },
    { name: 'indexSelect random indices [20] along dim 0 (embedding lookup)', inputs: [uniform(rng, [6, 8]), ints(rng, [20], 0, 6)], pf: (t, i) => pf.indexSelect(t, 0, i), tf: (t, i) => tf.gather(t, i, 0) },
    { name: 'indexSelect of int32 values', inputs: [ints(rng, [4, 3], 0, 9), values([2, 0], [2], 'int32')], pf: (t, i) => pf.indexSelect(t, 0, i), tf: (t, i) => tf.gather(t, i, 0) },
  ]);

  it('indexSelect with an empty index gives an empty dim and a zero gradient', () => {
    const t = toPf(uniform(rng, [4, 3]), true);
    const y = pf.indexSelect(t, 0, pf.tensor(new Int32Array(0)));
    expect([...y.shape]).toEqual([0, 3]);
    y.sum().backward();
    checkAgainst(t.grad!, { shape: [4, 3], data: new Array(12).fill(0) });
  });

  it('a 2-D index is a ShapeError naming indexSelect', () => {
    expect(() => pf.indexSelect(pf.zeros([4, 3]), 0, pf.zeros([2, 1], { dtype: 'int32' }))).toThrow(pf.ShapeError);
    expect(() => pf.indexSelect(pf.zeros([4, 3]), 0, pf.zeros([2, 1], { dtype: 'int32' }))).toThrow(/indexSelect/);
  });
});

// ----- creation ---------------------------------------------------------------------------

describe('creation (tf.range, tf.fill, tf.zeros, tf.ones)', () => {
  const same = (y: pf.Tensor, e: tf.Tensor, label: string): void => {
    expect([...y.shape], `${label}: shape`).toEqual(e.shape);
    expect(y.dtype, `${label}: dtype`).toBe(e.dtype);
    checkAgainst(y, { shape: e.shape, data: e.dataSync() as Float32Array }, undefined, label);
  };
  it('arange', () => {
    same(pf.arange(5), tf.range(0, 5), 'arange(5)');
    same(pf.arange(1, 2, 0.25), tf.range(1, 2, 0.25), 'arange(1, 2, 0.25)');
    same(pf.arange(5, 0, -1), tf.range(5, 0, -1), 'arange(5, 0, -1)');
    same(pf.arange(-3, 4, 2, { dtype: 'int32' }), tf.range(-3, 4, 2, 'int32'), 'arange int32');
    same(pf.arange(3, 3), tf.range(3, 3), 'empty arange');
  });
  it('full / zeros / ones / scalar and the *Like variants', () => {
    same(pf.full([2, 3], 0.5), tf.fill([2, 3], 0.5), 'full');
    same(pf.full([2, 2], 7, { dtype: 'int32' }), tf.fill([2, 2], 7, 'int32'), 'full int32');
    same(pf.zeros([3, 0]), tf.zeros([3, 0]), 'zeros empty');
    same(pf.ones([4]), tf.ones([4]), 'ones');
    same(pf.scalar(-2.5), tf.scalar(-2.5), 'scalar');
    const base = pf.tensor([[1, 2, 3]], { dtype: 'int32' });
    same(pf.zerosLike(base), tf.zeros([1, 3], 'int32'), 'zerosLike');
    same(pf.onesLike(base), tf.ones([1, 3], 'int32'), 'onesLike');
    same(pf.fullLike(base, 4), tf.fill([1, 3], 4, 'int32'), 'fullLike');
  });
  it('tensor from nested arrays, typed arrays and booleans', () => {
    same(pf.tensor([[1, 2], [3, 4]]), tf.tensor([[1, 2], [3, 4]]), 'nested');
    same(pf.tensor(new Int32Array([3, 1, 2])), tf.tensor([3, 1, 2], [3], 'int32'), 'Int32Array');
    same(pf.tensor([true, false, true]), tf.tensor([true, false, true]), 'booleans');
    same(pf.tensor(new Float32Array(6), { shape: [2, 3] }), tf.zeros([2, 3]), 'Float32Array with shape');
  });
});
