/**
 * Seeded random shapes against TensorFlow.js: broadcasting patterns, reduction axis sets,
 * permutations, slices, pads, concatenations and matmul sizes that the hand-written tables
 * do not enumerate. Forward and gradient. See ops-vs-tfjs-harness.ts.
 */
import { describe } from 'vitest';
import {
  type OpCase,
  Rng,
  bools,
  broadcastShape,
  ints,
  pf,
  suite,
  tf,
  tfBroadcasting,
  uniform,
  useBackends,
} from './ops-vs-tfjs-harness.js';

useBackends();

const rng = new Rng(8675309);

/** A random shape of rank in [minRank, maxRank] with dims in [1, maxDim]. */
function randomShape(minRank: number, maxRank: number, maxDim: number): number[] {
  const rank = rng.int(minRank, maxRank + 1);
  return Array.from({ length: rank }, () => rng.int(1, maxDim + 1));
}

/** A shape that broadcasts to `out`: some leading dims dropped, some dims set to 1. */
function broadcastable(out: readonly number[]): number[] {
  const drop = rng.int(0, out.length + 1);
  return out.slice(drop).map((d) => (rng.next() < 0.35 ? 1 : d));
}

function shuffled(n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

describe('fuzz: broadcasting binary ops', () => {
  const OPS: [string, (a: pf.Tensor, b: pf.Tensor) => pf.Tensor, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['add', pf.add, tf.add],
    ['sub', pf.sub, tf.sub],
    ['mul', pf.mul, tf.mul],
    ['maximum', pf.maximum, tfBroadcasting(tf.maximum)],
  ];
  const cases: OpCase[] = [];
  for (let i = 0; i < 40; i++) {
    const [name, pfOp, tfOp] = OPS[i % OPS.length]!;
    const out = randomShape(1, 5, 4);
    const sa = broadcastable(out);
    const sb = broadcastable(out);
    cases.push({ name: `${name} [${sa}] with [${sb}]`, inputs: [uniform(rng, sa), uniform(rng, sb)], pf: pfOp, tf: tfOp });
  }
  for (let i = 0; i < 8; i++) {
    const out = randomShape(1, 4, 4);
    const sa = broadcastable(out);
    const sb = broadcastable(out);
    cases.push({
      name: `div [${sa}] by [${sb}]`,
      inputs: [uniform(rng, sa), uniform(rng, sb, 0.5, 2)],
      pf: pf.div,
      tf: tf.div,
    });
  }
  suite(cases);
});

describe('fuzz: where with three broadcast operands', () => {
  const cases: OpCase[] = [];
  for (let i = 0; i < 15; i++) {
    const out = randomShape(1, 4, 4);
    const [sc, sa, sb] = [broadcastable(out), broadcastable(out), broadcastable(out)];
    cases.push({ name: `where [${sc}] [${sa}] [${sb}]`, inputs: [bools(rng, sc), uniform(rng, sa), uniform(rng, sb)], pf: pf.where, tf: tf.where });
  }
  suite(cases);
});

describe('fuzz: reductions over random axis sets', () => {
  const OPS: [string, (x: pf.Tensor, d?: number[], k?: boolean) => pf.Tensor, (x: tf.Tensor, a?: number[], k?: boolean) => tf.Tensor][] = [
    ['sum', pf.sum, tf.sum],
    ['mean', pf.mean, tf.mean],
    ['max', pf.max, tf.max],
    ['min', pf.min, tf.min],
  ];
  const cases: OpCase[] = [];
  for (let i = 0; i < 40; i++) {
    const [name, pfOp, tfOp] = OPS[i % OPS.length]!;
    const shape = randomShape(1, 5, 5);
    const axes = shuffled(shape.length).slice(0, rng.int(1, shape.length + 1));
    const keep = rng.next() < 0.5;
    cases.push({
      name: `${name} [${shape}] over [${axes}] keepdim ${keep}`,
      inputs: [uniform(rng, shape)],
      pf: (x) => pfOp(x, axes, keep),
      tf: (x) => tfOp(x, axes, keep),
    });
  }
  for (let i = 0; i < 8; i++) {
    const shape = randomShape(1, 4, 5);
    const axis = rng.int(0, shape.length);
    cases.push({
      name: `argmax [${shape}] dim ${axis}`,
      inputs: [ints(rng, shape, -3, 3)],
      pf: (x) => pf.argmax(x, axis),
      tf: (x) => tf.argMax(x, axis),
      grad: false,
    });
  }
  suite(cases);
});

describe('fuzz: permute, slice, pad, cat, expand', () => {
  const cases: OpCase[] = [];
  for (let i = 0; i < 12; i++) {
    const shape = randomShape(2, 5, 4);
    const perm = shuffled(shape.length);
    cases.push({ name: `permute [${shape}] by [${perm}]`, inputs: [uniform(rng, shape)], pf: (x) => pf.permute(x, perm), tf: (x) => tf.transpose(x, perm) });
  }
  for (let i = 0; i < 10; i++) {
    const shape = randomShape(1, 4, 5);
    const begin = shape.map((d) => rng.int(0, d));
    const size = shape.map((d, k) => rng.int(1, d - begin[k]! + 1));
    cases.push({ name: `slice [${shape}] begin [${begin}] size [${size}]`, inputs: [uniform(rng, shape)], pf: (x) => pf.slice(x, begin, size), tf: (x) => tf.slice(x, begin, size) });
  }
  for (let i = 0; i < 8; i++) {
    const shape = randomShape(1, 4, 4);
    const pads = shape.map(() => [rng.int(0, 3), rng.int(0, 3)] as [number, number]);
    const value = rng.int(-2, 3);
    cases.push({ name: `pad [${shape}] by ${JSON.stringify(pads)} value ${value}`, inputs: [uniform(rng, shape)], pf: (x) => pf.pad(x, pads, value), tf: (x) => tf.pad(x, pads, value) });
  }
  for (let i = 0; i < 8; i++) {
    const shape = randomShape(1, 4, 4);
    const axis = rng.int(0, shape.length);
    const parts = Array.from({ length: rng.int(2, 5) }, () => shape.map((d, k) => (k === axis ? rng.int(1, 4) : d)));
    cases.push({
      name: `cat ${parts.map((p) => `[${p}]`).join(' ')} along ${axis}`,
      inputs: parts.map((p) => uniform(rng, p)),
      pf: (...xs) => pf.cat(xs, axis),
      tf: (...xs) => tf.concat(xs, axis),
    });
  }
  for (let i = 0; i < 8; i++) {
    const out = randomShape(1, 4, 4);
    const src = broadcastable(out);
    cases.push({ name: `expand [${src}] to [${out}]`, inputs: [uniform(rng, src)], pf: (x) => pf.expand(x, out), tf: (x) => tf.broadcastTo(x, out) });
  }
  suite(cases);
});

describe('fuzz: matmul sizes and batch broadcasting', () => {
  const cases: OpCase[] = [];
  for (let i = 0; i < 16; i++) {
    const [m, k, n] = [rng.int(1, 24), rng.int(1, 24), rng.int(1, 24)];
    const batch = randomShape(0, 2, 3);
    const ba = broadcastable(batch);
    const bb = broadcastable(batch);
    const sa = [...ba, m, k];
    const sb = [...bb, k, n];
    cases.push({
      name: `matmul [${sa}] @ [${sb}]`,
      inputs: [uniform(rng, sa), uniform(rng, sb)],
      pf: pf.matmul,
      tf: (a, b) => {
        const full = broadcastShape(ba, bb);
        const a2 = full.length ? tf.broadcastTo(a, [...full, m, k]) : a;
        const b2 = full.length ? tf.broadcastTo(b, [...full, k, n]) : b;
        return tf.matMul(a2, b2);
      },
      tol: { abs: 1e-5, rel: 1e-4 },
    });
  }
  suite(cases);
});
