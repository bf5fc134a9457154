import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BinaryOp, DataArray, DType, TensorInfo, UnaryOp } from '@profundo/core';
import { createCpuBackend } from '../src/index.js';
import { erf } from '../src/erf.js';

const be = createCpuBackend();
const readSync = be.readSync!.bind(be);

// ---------------------------------------------------------------------------------------------
// helpers: tensors, naive float64 references

function arrayFor(dtype: DType, values: ArrayLike<number>): DataArray {
  if (dtype === 'float32') return Float32Array.from(values);
  if (dtype === 'int32') return Int32Array.from(values);
  return Uint8Array.from(values);
}

function t(values: ArrayLike<number>, shape: number[], dtype: DType = 'float32'): TensorInfo {
  return { handle: be.write(arrayFor(dtype, values), shape, dtype), shape, dtype };
}

function read(handle: object, shape: number[], dtype: DType): number[] {
  return Array.from(readSync({ handle, shape, dtype }));
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Deterministic pseudo-random values (mulberry32) so failures reproduce. */
function rand(n: number, seed = 1, lo = -1, hi = 1): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    const u = ((r ^ (r >>> 14)) >>> 0) / 4294967296;
    out.push(Math.fround(lo + (hi - lo) * u));
  }
  return out;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

function ravel(idx: readonly number[], shape: readonly number[]): number {
  let f = 0;
  for (let d = 0; d < shape.length; d++) f = f * shape[d]! + idx[d]!;
  return f;
}

/** Flat index into an input of `inShape` for an output coordinate, NumPy broadcasting. */
function bcastIndex(outIdx: readonly number[], inShape: readonly number[]): number {
  const off = outIdx.length - inShape.length;
  return ravel(
    inShape.map((n, d) => (n === 1 ? 0 : outIdx[d + off]!)),
    inShape,
  );
}

function broadcastRef(
  f: (...xs: number[]) => number,
  outShape: number[],
  ...inputs: [number[], number[]][]
): number[] {
  const out: number[] = [];
  for (let i = 0; i < size(outShape); i++) {
    const idx = unravel(i, outShape);
    out.push(f(...inputs.map(([v, s]) => v[bcastIndex(idx, s)]!)));
  }
  return out;
}

function matmulRef(
  a: number[],
  aShape: number[],
  b: number[],
  bShape: number[],
  transA: boolean,
  transB: boolean,
): number[] {
  const [Ba, a1, a2] = aShape as [number, number, number];
  const [Bb, b1, b2] = bShape as [number, number, number];
  const M = transA ? a2 : a1;
  const K = transA ? a1 : a2;
  const N = transB ? b1 : b2;
  const batch = Ba === 1 ? Bb : Ba;
  const out = new Array<number>(batch * M * N).fill(0);
  for (let p = 0; p < batch; p++) {
    const ao = (Ba === 1 ? 0 : p) * M * K;
    const bo = (Bb === 1 ? 0 : p) * K * N;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          s += a[ao + (transA ? k * M + i : i * K + k)]! * b[bo + (transB ? j * K + k : k * N + j)]!;
        }
        out[p * M * N + i * N + j] = s;
      }
    }
  }
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e)) {
      expect(a, `index ${i}`).toBeNaN();
      continue;
    }
    if (a === e) continue;
    const err = Math.abs(a - e) / (atol + rtol * Math.abs(e));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `worst at index ${at}: got ${actual[at]}, expected ${expected[at]}`).toBeLessThanOrEqual(1);
}

// ---------------------------------------------------------------------------------------------

describe('memory', () => {
  it('writes, reads back a copy, and reads asynchronously', async () => {
    const values = new Float32Array([1, 2, 3, 4, 5, 6]);
    const x = t(values, [2, 3]);
    const r = readSync(x);
    expect(r).toBeInstanceOf(Float32Array);
    expect(Array.from(r)).toEqual([1, 2, 3, 4, 5, 6]);
    r[0] = 100;
    expect(readSync(x)[0]).toBe(1);
    expect(Array.from(await be.read(x))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('returns the typed array class of each dtype', () => {
    expect(readSync(t([1, 2], [2], 'int32'))).toBeInstanceOf(Int32Array);
    expect(readSync(t([1, 0], [2], 'bool'))).toBeInstanceOf(Uint8Array);
    expect(readSync(t([], [0, 3]))).toHaveLength(0);
    expect(Array.from(readSync(t([7], [])))).toEqual([7]);
  });

  it('converts an array of the wrong class and rejects a wrong length', () => {
    const h = be.write(new Float32Array([1.5, -2.5]), [2], 'int32');
    expect(readSync({ handle: h, shape: [2], dtype: 'int32' })).toEqual(new Int32Array([1, -2]));
    expect(() => be.write(new Float32Array(3), [2, 2], 'float32')).toThrow(/3 values for shape \[2, 2\]/);
  });

  it('fails loudly on use after dispose and on foreign handles', async () => {
    const x = t([1, 2], [2]);
    be.dispose(x.handle);
    expect(() => readSync(x)).toThrow(/after dispose/);
    await expect(be.read(x)).rejects.toThrow(/after dispose/);
    expect(() => be.dispose(x.handle)).toThrow(/twice/);
    expect(() => readSync({ handle: {}, shape: [1], dtype: 'float32' })).toThrow(/did not create/);
  });

  it('names itself cpu', () => {
    expect(be.name).toBe('cpu');
  });
});

describe('unary', () => {
  const xs = [-1000, -30, -3.5, -1, -0.5, -1e-8, 0, 1e-8, 0.25, 0.5, 1, 2.5, 30, 88, 1000];
  const refs: Record<UnaryOp, (x: number) => number> = {
    neg: (x) => -x,
    abs: Math.abs,
    sign: Math.sign,
    exp: Math.exp,
    log: Math.log,
    sqrt: Math.sqrt,
    relu: (x) => Math.max(x, 0),
    sigmoid: (x) => 1 / (1 + Math.exp(-x)),
    tanh: Math.tanh,
    erf: (x) => erfRef(x),
    sin: Math.sin,
    cos: Math.cos,
  };
  for (const op of Object.keys(refs) as UnaryOp[]) {
    it(`${op} on float32 matches a float64 reference rounded to float32`, () => {
      const x = t(xs, [3, 5]);
      const out = read(be.unary(op, x), [3, 5], 'float32');
      expectClose(out, xs.map((v) => Math.fround(refs[op](v))), 2e-7, 1e-7);
    });
  }

  it('sigmoid is stable for large |x| (no NaN, saturates)', () => {
    const out = read(be.unary('sigmoid', t([-1e30, -1000, -100, 100, 1000, 1e30], [6])), [6], 'float32');
    expect(out[0]).toBe(0);
    expect(out[1]).toBe(0);
    expect(out[2]).toBeCloseTo(Math.fround(Math.exp(-100)), 50);
    expect(out[2]).toBeGreaterThan(0);
    expect(out.slice(3)).toEqual([1, 1, 1]);
  });

  it('relu and sign propagate NaN; log/sqrt of negatives give NaN', () => {
    const x = t([NaN, -1], [2]);
    expect(read(be.unary('relu', x), [2], 'float32')).toEqual([NaN, 0]);
    expect(read(be.unary('sign', x), [2], 'float32')).toEqual([NaN, -1]);
    expect(read(be.unary('log', x), [2], 'float32')[1]).toBeNaN();
    expect(read(be.unary('sqrt', x), [2], 'float32')[1]).toBeNaN();
  });

  it('neg, abs, sign, relu keep int32', () => {
    const x = t([-5, 0, 7, -2147483648], [4], 'int32');
    const run = (op: UnaryOp) => {
      const r = readSync({ handle: be.unary(op, x), shape: [4], dtype: 'int32' });
      expect(r).toBeInstanceOf(Int32Array);
      return Array.from(r);
    };
    expect(run('neg')).toEqual([5, 0, -7, -2147483648]);
    expect(run('abs')).toEqual([5, 0, 7, -2147483648]);
    expect(run('sign')).toEqual([-1, 0, 1, -1]);
    expect(run('relu')).toEqual([0, 0, 7, 0]);
  });

  it('works on empty tensors', () => {
    expect(read(be.unary('exp', t([], [0, 4])), [0, 4], 'float32')).toEqual([]);
  });
});

/** erf by its power series (all terms positive, so no cancellation) — an independent reference. */
function erfRef(x: number): number {
  const ax = Math.abs(x);
  if (ax > 5.5) return Math.sign(x);
  let term = ax;
  let sum = ax;
  for (let n = 1; n < 500 && term > 1e-18 * sum; n++) {
    term *= (2 * ax * ax) / (2 * n + 1);
    sum += term;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-ax * ax) * sum;
}

describe('erf (float64)', () => {
  it('is accurate to 1e-14 across its range', () => {
    let worst = 0;
    for (let x = -6; x <= 6; x += 0.0137) worst = Math.max(worst, Math.abs(erf(x) - erfRef(x)));
    for (const x of [0, 1e-300, 1e-10, 0.84375, 1.25, 1 / 0.35, 6, 27]) {
      worst = Math.max(worst, Math.abs(erf(x) - erfRef(x)), Math.abs(erf(-x) + erfRef(x)));
    }
    expect(worst).toBeLessThan(1e-14);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(NaN)).toBeNaN();
  });
});

describe('binary', () => {
  const refs: Record<BinaryOp, (a: number, b: number) => number> = {
    add: (a, b) => a + b,
    sub: (a, b) => a - b,
    mul: (a, b) => a * b,
    div: (a, b) => a / b,
    pow: (a, b) => Math.pow(a, b),
    maximum: Math.max,
    minimum: Math.min,
    eq: (a, b) => +(a === b),
    ne: (a, b) => +(a !== b),
    lt: (a, b) => +(a < b),
    le: (a, b) => +(a <= b),
    gt: (a, b) => +(a > b),
    ge: (a, b) => +(a >= b),
  };
  const cases: [number[], number[], number[]][] = [
    [[2, 3], [2, 3], [2, 3]],
    [[], [2, 3], [2, 3]],
    [[2, 3], [], [2, 3]],
    [[2, 3], [3], [2, 3]],
    [[2, 1, 4], [3, 1], [2, 3, 4]],
    [[4, 1], [1, 5], [4, 5]],
    [[1, 3, 1, 2], [2, 1, 5, 1], [2, 3, 5, 2]],
    [[], [], []],
    [[0, 3], [3], [0, 3]],
  ];
  for (const op of Object.keys(refs) as BinaryOp[]) {
    it(`${op} broadcasts like NumPy (float32)`, () => {
      const cmp = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(op);
      for (const [as, bs, os] of cases) {
        // Small integers make comparisons hit equality; pow gets a positive base.
        const av = rand(size(as), 3, op === 'pow' ? 0.1 : -3, 3).map((v) => (cmp ? Math.round(v) : v));
        const bv = rand(size(bs), 4, -3, 3).map((v) => (cmp ? Math.round(v) : v));
        const h = be.binary(op, t(av, as), t(bv, bs), os);
        const r = readSync({ handle: h, shape: os, dtype: cmp ? 'bool' : 'float32' });
        expect(r).toBeInstanceOf(cmp ? Uint8Array : Float32Array);
        const expected = broadcastRef((a, b) => Math.fround(refs[op](a!, b!)), os, [av, as], [bv, bs]);
        expect(Array.from(r), `${op} ${JSON.stringify([as, bs])}`).toEqual(expected);
      }
    });
  }

  it('compares NaN like IEEE (only ne is true)', () => {
    const a = t([NaN], []);
    const b = t([1], []);
    const got = (['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as BinaryOp[]).map(
      (op) => read(be.binary(op, a, b, []), [], 'bool')[0],
    );
    expect(got).toEqual([0, 1, 0, 0, 0, 0]);
    expect(read(be.binary('maximum', a, b, []), [], 'float32')[0]).toBeNaN();
  });

  it('int32: div truncates toward zero, mul wraps, pow is integer', () => {
    const a = t([7, -7, 7, -7, 0, 5], [6], 'int32');
    const b = t([2, 2, -2, -2, 3, 0], [6], 'int32');
    const run = (op: BinaryOp, x = a, y = b) => {
      const r = readSync({ handle: be.binary(op, x, y, [6]), shape: [6], dtype: 'int32' });
      expect(r).toBeInstanceOf(Int32Array);
      return Array.from(r);
    };
    expect(run('div')).toEqual([3, -3, -3, 3, 0, 0]);
    expect(run('add')).toEqual([9, -5, 5, -9, 3, 5]);
    expect(run('sub')).toEqual([5, -9, 9, -5, -3, 5]);
    expect(run('maximum')).toEqual([7, 2, 7, -2, 3, 5]);
    const big = t([65536, 2147483647, 3, -2, 2, 2], [6], 'int32');
    const e = t([65536, 2, 4, 3, 31, 32], [6], 'int32');
    expect(run('mul', big, e)).toEqual([0, -2, 12, -6, 62, 64]);
    expect(run('pow', t([3, -2, 2, 2, 1, -1], [6], 'int32'), t([4, 3, 31, 32, -3, -3], [6], 'int32'))).toEqual([
      81, -8, -2147483648, 0, 1, -1,
    ]);
  });

  it('bool maximum / minimum are or / and, and stay 0/1 (core rejects arithmetic on bool)', () => {
    const a = t([0, 0, 1, 1], [4], 'bool');
    const b = t([0, 1, 0, 1], [4], 'bool');
    const run = (op: BinaryOp) => {
      const r = readSync({ handle: be.binary(op, a, b, [4]), shape: [4], dtype: 'bool' });
      expect(r).toBeInstanceOf(Uint8Array);
      return Array.from(r);
    };
    expect(run('maximum')).toEqual([0, 1, 1, 1]);
    expect(run('minimum')).toEqual([0, 0, 0, 1]);
    expect(run('eq')).toEqual([1, 0, 0, 1]);
    expect(run('ne')).toEqual([0, 1, 1, 0]);
  });
});

describe('where', () => {
  it('selects with three-way broadcasting', () => {
    const c = [1, 0, 1];
    const a = rand(2 * 1 * 3, 5);
    const b = [10, 20];
    const h = be.where(t(c, [3], 'bool'), t(a, [2, 1, 3]), t(b, [2, 1]), [2, 2, 3]);
    const expected = broadcastRef((ci, ai, bi) => (ci ? ai! : bi!), [2, 2, 3], [c, [3]], [a, [2, 1, 3]], [b, [2, 1]]);
    expect(read(h, [2, 2, 3], 'float32')).toEqual(expected);
  });

  it('keeps int32 and handles empty shapes', () => {
    const h = be.where(t([1, 0], [2], 'bool'), t([1, 2], [2], 'int32'), t([-1], [], 'int32'), [2]);
    expect(readSync({ handle: h, shape: [2], dtype: 'int32' })).toEqual(new Int32Array([1, -1]));
    const e = be.where(t([], [0], 'bool'), t([1], [1]), t([2], [1]), [0]);
    expect(read(e, [0], 'float32')).toEqual([]);
  });
});

describe('cast', () => {
  it('float32 → int32 truncates toward zero', () => {
    const x = t([-2.7, -0.5, 0, 0.5, 2.7, 1e3], [6]);
    expect(readSync({ handle: be.cast(x, 'int32'), shape: [6], dtype: 'int32' })).toEqual(
      new Int32Array([-2, 0, 0, 0, 2, 1000]),
    );
  });

  it('anything → bool is x != 0 (NaN is true)', () => {
    const x = t([0, -0, 1, -3.5, NaN, 1e-30], [6]);
    expect(readSync({ handle: be.cast(x, 'bool'), shape: [6], dtype: 'bool' })).toEqual(
      new Uint8Array([0, 0, 1, 1, 1, 1]),
    );
    const i = t([0, 5, -1], [3], 'int32');
    expect(readSync({ handle: be.cast(i, 'bool'), shape: [3], dtype: 'bool' })).toEqual(new Uint8Array([0, 1, 1]));
  });

  it('int32 / bool → float32, bool → int32, and same-dtype casts', () => {
    expect(readSync({ handle: be.cast(t([-3, 16777217], [2], 'int32'), 'float32'), shape: [2], dtype: 'float32' })).toEqual(
      new Float32Array([-3, 16777216]),
    );
    expect(readSync({ handle: be.cast(t([1, 0], [2], 'bool'), 'int32'), shape: [2], dtype: 'int32' })).toEqual(
      new Int32Array([1, 0]),
    );
    const x = t([1.5], [1]);
    const same = be.cast(x, 'float32');
    be.dispose(x.handle);
    // The copy outlives the original handle's disposal.
    expect(read(same, [1], 'float32')).toEqual([1.5]);
  });
});

describe('reduce', () => {
  function reduceRef(op: 'sum' | 'max', v: number[], shape: number[], axes: number[]): number[] {
    const outShape = shape.filter((_, d) => !axes.includes(d));
    const out = new Array<number>(size(outShape)).fill(op === 'sum' ? 0 : -Infinity);
    for (let i = 0; i < v.length; i++) {
      const idx = unravel(i, shape).filter((_, d) => !axes.includes(d));
      const o = ravel(idx, outShape);
      out[o] = op === 'sum' ? out[o]! + v[i]! : Number.isNaN(v[i]!) || v[i]! > out[o]! ? v[i]! : out[o]!;
    }
    return out;
  }
  const shape = [3, 4, 5, 6];
  const v = rand(size(shape), 9);
  const axesSets = [[0], [1], [2], [3], [0, 1], [1, 2], [0, 2], [1, 3], [0, 3], [0, 1, 2, 3], [0, 2, 3]];
  for (const op of ['sum', 'max'] as const) {
    it(`${op} over every kind of axis set of a rank-4 tensor`, () => {
      for (const axes of axesSets) {
        const outShape = shape.filter((_, d) => !axes.includes(d));
        const got = read(be.reduce(op, t(v, shape), axes), outShape, 'float32');
        expectClose(got, reduceRef(op, v, shape, axes).map(Math.fround), 1e-6, 1e-6);
      }
    });
  }

  it('sums float32 in float64 (no drift over many terms)', () => {
    const n = 1 << 20;
    const x = t(new Float32Array(n).fill(0.1), [n]);
    const got = read(be.reduce('sum', x, [0]), [], 'float32')[0]!;
    expect(got).toBe(Math.fround(n * Math.fround(0.1)));
  });

  it('sum on int32 gives int32; max on int32', () => {
    const x = t([1, 2, 3, -4, 5, 6], [2, 3], 'int32');
    const s = readSync({ handle: be.reduce('sum', x, [1]), shape: [2], dtype: 'int32' });
    expect(s).toEqual(new Int32Array([6, 7]));
    expect(readSync({ handle: be.reduce('max', x, [0]), shape: [3], dtype: 'int32' })).toEqual(new Int32Array([1, 5, 6]));
  });

  it('max propagates NaN wherever it sits', () => {
    const x = t([1, NaN, 3, 4, 5, 6, NaN, 1, 2], [3, 3]);
    expect(read(be.reduce('max', x, [1]), [3], 'float32')).toEqual([NaN, 6, NaN]);
    expect(read(be.reduce('max', x, [0]), [3], 'float32')).toEqual([NaN, NaN, 6]);
  });

  it('sum over an empty axis is 0; empty kept axes give empty results', () => {
    expect(read(be.reduce('sum', t([], [2, 0, 3]), [1]), [2, 3], 'float32')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(read(be.reduce('sum', t([], [0]), [0]), [], 'float32')).toEqual([0]);
    expect(read(be.reduce('sum', t([], [0, 3]), [1]), [0], 'float32')).toEqual([]);
    expect(readSync({ handle: be.reduce('sum', t([], [0], 'int32'), [0]), shape: [], dtype: 'int32' })).toEqual(new Int32Array([0]));
  });
});

describe('argmax', () => {
  it('returns the first maximum along each axis as int32', () => {
    const x = t([1, 5, 5, 0, 7, 2, 7, 3, -1, 2, 2, 8], [2, 2, 3]);
    const run = (axis: number, shape: number[]) => {
      const r = readSync({ handle: be.argmax(x, axis), shape, dtype: 'int32' });
      expect(r).toBeInstanceOf(Int32Array);
      return Array.from(r);
    };
    expect(run(2, [2, 2])).toEqual([1, 1, 0, 2]);
    expect(run(1, [2, 3])).toEqual([0, 1, 0, 0, 0, 1]);
    expect(run(0, [2, 3])).toEqual([1, 0, 0, 1, 0, 1]);
  });

  it('treats NaN as the maximum (first NaN wins)', () => {
    const x = t([1, NaN, 3, NaN, 2, 9], [2, 3]);
    expect(readSync({ handle: be.argmax(x, 1), shape: [2], dtype: 'int32' })).toEqual(new Int32Array([1, 0]));
    expect(readSync({ handle: be.argmax(x, 0), shape: [3], dtype: 'int32' })).toEqual(new Int32Array([1, 0, 1]));
  });
});

describe('matmul', () => {
  function run(aShape: number[], bShape: number[], transA: boolean, transB: boolean, seed = 1): void {
    const av = rand(size(aShape), seed);
    const bv = rand(size(bShape), seed + 100);
    const h = be.matmul(t(av, aShape), t(bv, bShape), transA, transB);
    const expected = matmulRef(av, aShape, bv, bShape, transA, transB);
    const got = readSync({ handle: h, shape: [expected.length], dtype: 'float32' });
    expect(got).toBeInstanceOf(Float32Array);
    expectClose(got, expected, 1e-5, 1e-5);
  }

  const sizes = [1, 7, 33, 65];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`odd sizes across block boundaries (transA=${transA}, transB=${transB})`, () => {
        for (const M of sizes) {
          for (const K of sizes) {
            for (const N of sizes) {
              run([1, transA ? K : M, transA ? M : K], [1, transB ? N : K, transB ? K : N], transA, transB, M * 7 + K * 3 + N);
            }
          }
        }
      });
    }
  }

  it('K larger than one K slice and N larger than one column block', () => {
    run([1, 9, 300], [1, 300, 2100], false, false);
    run([1, 300, 9], [1, 2100, 300], true, true);
  });

  it('broadcasts the batch axis in every transpose combination', () => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = (B: number) => [B, transA ? 33 : 7, transA ? 7 : 33];
        const b = (B: number) => [B, transB ? 5 : 33, transB ? 33 : 5];
        run(a(3), b(1), transA, transB, 11);
        run(a(1), b(3), transA, transB, 12);
        run(a(2), b(2), transA, transB, 13);
        run(a(4), b(1), transA, transB, 14);
      }
    }
  });

  it('handles empty dimensions', () => {
    expect(read(be.matmul(t([], [1, 2, 0]), t([], [1, 0, 3]), false, false), [1, 2, 3], 'float32')).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
    expect(read(be.matmul(t([], [1, 0, 4]), t(rand(12), [1, 4, 3]), false, false), [1, 0, 3], 'float32')).toEqual([]);
    expect(read(be.matmul(t([], [0, 2, 4]), t(rand(12), [1, 4, 3]), false, false), [0, 2, 3], 'float32')).toEqual([]);
  });

  describe('against tfjs-backend-cpu', () => {
    beforeAll(async () => {
      await tf.setBackend('cpu');
      await tf.ready();
    });
    const cases: [number[], number[], boolean, boolean][] = [
      [[1, 65, 33], [1, 33, 129], false, false],
      [[3, 17, 40], [3, 40, 9], false, false],
      [[2, 40, 17], [1, 9, 40], true, true],
      [[1, 128, 257], [4, 9, 257], false, true],
      [[5, 300, 6], [5, 300, 70], true, false],
    ];
    for (const [aShape, bShape, transA, transB] of cases) {
      it(`${JSON.stringify(aShape)} × ${JSON.stringify(bShape)} transA=${transA} transB=${transB}`, async () => {
        const av = rand(size(aShape), 21);
        const bv = rand(size(bShape), 22);
        const ref = tf.tidy(() => {
          let a = tf.tensor3d(av, aShape as [number, number, number]);
          let b = tf.tensor3d(bv, bShape as [number, number, number]);
          // tfjs broadcasts batch dims in matMul too, but tile explicitly to stay version-proof.
          const batch = Math.max(aShape[0]!, bShape[0]!);
          if (aShape[0] !== batch) a = tf.tile(a, [batch, 1, 1]);
          if (bShape[0] !== batch) b = tf.tile(b, [batch, 1, 1]);
          return tf.matMul(a, b, transA, transB);
        });
        const expected = await ref.data();
        ref.dispose();
        const got = readSync({ handle: be.matmul(t(av, aShape), t(bv, bShape), transA, transB), shape: [expected.length], dtype: 'float32' });
        expectClose(got, expected, 1e-5, 1e-5);
      });
    }
  });
});

describe('movement', () => {
  it('permutes a rank-4 tensor for several permutations', () => {
    const shape = [2, 3, 4, 5];
    const v = rand(size(shape), 31);
    for (const perm of [[0, 1, 2, 3], [3, 2, 1, 0], [0, 2, 3, 1], [1, 0, 3, 2], [2, 0, 1, 3]]) {
      const outShape = perm.map((p) => shape[p]!);
      const expected = new Array<number>(size(shape));
      for (let i = 0; i < expected.length; i++) {
        const oi = unravel(i, outShape);
        const ii = new Array<number>(4);
        perm.forEach((p, k) => (ii[p] = oi[k]!));
        expected[i] = v[ravel(ii, shape)]!;
      }
      expect(read(be.permute(t(v, shape), perm), outShape, 'float32'), JSON.stringify(perm)).toEqual(expected);
    }
    expect(read(be.permute(t([], [2, 0, 3]), [2, 0, 1]), [3, 2, 0], 'float32')).toEqual([]);
  });

  it('expands size-1 axes', () => {
    const got = read(be.expand(t([1, 2, 3], [1, 3, 1]), [2, 3, 2]), [2, 3, 2], 'float32');
    expect(got).toEqual([1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]);
    const i = be.expand(t([4], [1], 'int32'), [3]);
    expect(readSync({ handle: i, shape: [3], dtype: 'int32' })).toEqual(new Int32Array([4, 4, 4]));
  });

  it('slices boxes, including empty ones', () => {
    const shape = [3, 4, 5];
    const v = rand(size(shape), 32);
    const begin = [1, 1, 2];
    const sz = [2, 2, 3];
    const expected: number[] = [];
    for (let i = 0; i < sz[0]!; i++)
      for (let j = 0; j < sz[1]!; j++)
        for (let k = 0; k < sz[2]!; k++) expected.push(v[ravel([begin[0]! + i, begin[1]! + j, begin[2]! + k], shape)]!);
    expect(read(be.slice(t(v, shape), begin, sz), sz, 'float32')).toEqual(expected);
    expect(read(be.slice(t(v, shape), [0, 4, 0], [3, 0, 5]), [3, 0, 5], 'float32')).toEqual([]);
  });

  it('pads with a value on every side', () => {
    const got = read(be.pad(t([1, 2, 3, 4], [2, 2]), [[1, 0], [2, 1]], -1), [3, 5], 'float32');
    expect(got).toEqual([-1, -1, -1, -1, -1, -1, -1, 1, 2, -1, -1, -1, 3, 4, -1]);
    const i = be.pad(t([5], [1], 'int32'), [[0, 2]], 0);
    expect(readSync({ handle: i, shape: [3], dtype: 'int32' })).toEqual(new Int32Array([5, 0, 0]));
    expect(read(be.pad(t([], [0]), [[1, 1]], 7), [2], 'float32')).toEqual([7, 7]);
  });

  it('concatenates along each axis, with an empty piece', () => {
    const a = t([1, 2, 3, 4], [2, 2]);
    const b = t([5, 6], [2, 1]);
    const e = t([], [2, 0]);
    expect(read(be.concat([a, e, b], 1), [2, 3], 'float32')).toEqual([1, 2, 5, 3, 4, 6]);
    const c = t([7, 8], [1, 2]);
    expect(read(be.concat([a, c, t([], [0, 2])], 0), [3, 2], 'float32')).toEqual([1, 2, 3, 4, 7, 8]);
    const x = t(rand(12, 40), [2, 3, 2]);
    const y = t(rand(6, 41), [2, 3, 1]);
    const got = read(be.concat([x, y], 2), [2, 3, 3], 'float32');
    const xv = readSync(x);
    const yv = readSync(y);
    const expected: number[] = [];
    for (let r = 0; r < 6; r++) expected.push(xv[2 * r]!, xv[2 * r + 1]!, yv[r]!);
    expect(got).toEqual(expected);
    const bools = be.concat([t([1], [1], 'bool'), t([0, 1], [2], 'bool')], 0);
    expect(readSync({ handle: bools, shape: [3], dtype: 'bool' })).toEqual(new Uint8Array([1, 0, 1]));
  });

  it('gathers along axis 0 and axis 1 (PyTorch semantics)', () => {
    const x = t([1, 2, 3, 4, 5, 6], [3, 2]);
    // axis 0: out[i][j] = x[index[i][j]][j]
    expect(read(be.gather(x, t([2, 0, 1, 1], [2, 2], 'int32'), 0), [2, 2], 'float32')).toEqual([5, 2, 3, 4]);
    // axis 1: out[i][j] = x[i][index[i][j]], index smaller than x in the other dim
    expect(read(be.gather(x, t([1, 1, 0, 0, 1, 0], [2, 3], 'int32'), 1), [2, 3], 'float32')).toEqual([2, 2, 1, 3, 4, 3]);
    expect(read(be.gather(x, t([], [0, 2], 'int32'), 0), [0, 2], 'float32')).toEqual([]);
    const xi = t([10, 20, 30], [3], 'int32');
    expect(readSync({ handle: be.gather(xi, t([2, 2, 0], [3], 'int32'), 0), shape: [3], dtype: 'int32' })).toEqual(
      new Int32Array([30, 30, 10]),
    );
  });

  it('scatter-adds along axis 0 and 1, summing collisions', () => {
    const idx0 = t([2, 0, 2, 2], [2, 2], 'int32');
    const src = t([1, 2, 3, 4], [2, 2]);
    // out[index[i][j]][j] += src[i][j]
    expect(read(be.scatterAdd(idx0, src, 0, [3, 2]), [3, 2], 'float32')).toEqual([0, 2, 0, 0, 4, 4]);
    const idx1 = t([0, 0, 2, 1, 1, 1], [2, 3], 'int32');
    const src1 = t([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(read(be.scatterAdd(idx1, src1, 1, [3, 3]), [3, 3], 'float32')).toEqual([3, 0, 3, 0, 15, 0, 0, 0, 0]);
    expect(read(be.scatterAdd(t([], [0], 'int32'), t([], [0]), 0, [2]), [2], 'float32')).toEqual([0, 0]);
  });

  it('scatterAdd is the adjoint of gather: <gather(x), y> = <x, scatterAdd(y)>', () => {
    const xShape = [4, 5, 3];
    const iShape = [4, 3, 2];
    for (const axis of [0, 1, 2]) {
      const range = xShape[axis]!;
      const xv = rand(size(xShape), 50 + axis);
      const yv = rand(size(iShape), 60 + axis);
      const iv = rand(size(iShape), 70 + axis, 0, range).map((v) => Math.min(range - 1, Math.floor(v)));
      const index = t(iv, iShape, 'int32');
      const g = read(be.gather(t(xv, xShape), index, axis), iShape, 'float32');
      const s = read(be.scatterAdd(index, t(yv, iShape), axis, xShape), xShape, 'float32');
      const lhs = g.reduce((acc, v, i) => acc + v * yv[i]!, 0);
      const rhs = s.reduce((acc, v, i) => acc + v * xv[i]!, 0);
      expect(lhs).toBeCloseTo(rhs, 5);
    }
  });
});

describe('fused softmax / logSoftmax', () => {
  function ref(row: number[]): number[] {
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  }

  it('matches a float64 reference row by row', () => {
    const v = rand(4 * 7, 80, -5, 5);
    const sm = read(be.fused!.softmax!(t(v, [2, 2, 7])), [2, 2, 7], 'float32');
    const lsm = read(be.fused!.logSoftmax!(t(v, [2, 2, 7])), [2, 2, 7], 'float32');
    const expected: number[] = [];
    for (let r = 0; r < 4; r++) expected.push(...ref(v.slice(r * 7, r * 7 + 7)));
    expectClose(sm, expected, 1e-6, 1e-7);
    expectClose(lsm, expected.map(Math.log), 1e-6, 1e-6);
  });

  it('is numerically stable for large logits', () => {
    const x = t([1000, 1001, 1002, -1000, -1001, -1e30], [2, 3]);
    const sm = read(be.fused!.softmax!(x), [2, 3], 'float32');
    expectClose(sm, [...ref([0, 1, 2]), ...ref([0, -1, -Infinity])], 1e-6, 1e-7);
    const lsm = read(be.fused!.logSoftmax!(x), [2, 3], 'float32');
    expect(lsm.every(Number.isFinite)).toBe(true);
    expectClose(lsm.slice(0, 3), ref([0, 1, 2]).map(Math.log), 1e-6, 1e-6);
  });

  it('handles a rank-1 input and empty tensors', () => {
    expect(read(be.fused!.softmax!(t([0, 0], [2])), [2], 'float32')).toEqual([0.5, 0.5]);
    expect(read(be.fused!.softmax!(t([], [3, 0])), [3, 0], 'float32')).toEqual([]);
    expect(read(be.fused!.logSoftmax!(t([], [0, 3])), [0, 3], 'float32')).toEqual([]);
  });
});
