/**
 * Shared harness of the `ops-vs-tfjs-*.test.ts` suites: every op of `@profundo/core` on the
 * CPU backend, forward and gradient, against TensorFlow.js (tfjs-core + tfjs-backend-cpu) as
 * an independent reference.
 *
 * Conventions:
 * - inputs are drawn from a small seeded PRNG (mulberry32) written here, independent of
 *   Profundo's own generator, and rounded to float32 so both libraries see identical values;
 * - a gradient is checked through a random upstream weighting `w`: Profundo's
 *   `f(x).mul(w).sum().backward()` against tfjs's `tf.grads(x => tf.sum(tf.mul(w, f(x))))`,
 *   so that a wrong gradient cannot hide behind an all-ones upstream;
 * - tfjs ops are called as functions (chained methods are not registered by tfjs-core alone),
 *   and `@tensorflow/tfjs-layers` is imported because in Node it is what registers tfjs's
 *   gradient functions.
 */
import * as pf from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';

export { pf, tf };

/** Registers Profundo's CPU backend and selects tfjs's CPU backend; scopes tfjs memory per test. */
export function useBackends(): void {
  beforeAll(async () => {
    if (!pf.listBackends().includes('cpu')) pf.registerBackend('cpu', createCpuBackend);
    await pf.setBackend('cpu');
    await tf.setBackend('cpu');
  });
  beforeEach(() => tf.engine().startScope());
  afterEach(() => tf.engine().endScope());
}

// ----- seeded random inputs -------------------------------------------------------------------

/** mulberry32: a tiny, well-known 32-bit PRNG; good enough for test inputs. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Uniform integer in [lo, hi). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo));
  }
}

export type DT = 'float32' | 'int32' | 'bool';

/** Plain input data, turned into a tensor of either library on demand. */
export interface Arr {
  readonly data: Float32Array | Int32Array | Uint8Array;
  readonly shape: readonly number[];
  readonly dtype: DT;
}

export function size(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** Float32 values uniform in [lo, hi). */
export function uniform(rng: Rng, shape: readonly number[], lo = -2, hi = 2): Arr {
  const data = new Float32Array(size(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(lo, hi);
  return { data, shape, dtype: 'float32' };
}

/** Float32 values uniform in ±[lo, hi) with a random sign: never near zero. */
export function awayFromZero(rng: Rng, shape: readonly number[], lo = 0.2, hi = 2): Arr {
  const data = new Float32Array(size(shape));
  for (let i = 0; i < data.length; i++) data[i] = (rng.next() < 0.5 ? -1 : 1) * rng.uniform(lo, hi);
  return { data, shape, dtype: 'float32' };
}

/** Small whole numbers stored as float32: forces ties (max, comparisons, argmax). */
export function ties(rng: Rng, shape: readonly number[], lo = -2, hi = 3): Arr {
  const data = new Float32Array(size(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.int(lo, hi);
  return { data, shape, dtype: 'float32' };
}

/** int32 values in [lo, hi). */
export function ints(rng: Rng, shape: readonly number[], lo: number, hi: number): Arr {
  const data = new Int32Array(size(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.int(lo, hi);
  return { data, shape, dtype: 'int32' };
}

/** bool values (0/1). */
export function bools(rng: Rng, shape: readonly number[]): Arr {
  const data = new Uint8Array(size(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.next() < 0.5 ? 1 : 0;
  return { data, shape, dtype: 'bool' };
}

/** Exact given values. */
export function values(vals: readonly number[], shape: readonly number[] = [vals.length], dtype: DT = 'float32'): Arr {
  const data = dtype === 'float32' ? Float32Array.from(vals) : dtype === 'int32' ? Int32Array.from(vals) : Uint8Array.from(vals);
  return { data, shape, dtype };
}

export function toPf(a: Arr, requiresGrad = false): pf.Tensor {
  return pf.tensor(a.data, { shape: a.shape, dtype: a.dtype, requiresGrad });
}

export function toTf(a: Arr): tf.Tensor {
  return tf.tensor(a.data, [...a.shape], a.dtype);
}

// ----- comparison -----------------------------------------------------------------------------

export interface Tol {
  abs: number;
  rel: number;
}
export const FWD: Tol = { abs: 1e-5, rel: 1e-4 };
export const GRAD: Tol = { abs: 1e-4, rel: 1e-4 };

/**
 * Element-wise `|a - e| <= abs + rel * |e|` (NaN matches NaN, ±Infinity matches itself).
 * Fails with the worst element: its flat index, both values and the error.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tol = FWD, label = ''): void {
  const where = label ? `${label}: ` : '';
  expect(actual.length, `${where}length`).toBe(expected.length);
  let worst = -1;
  let worstRatio = 1;
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]);
    const e = Number(expected[i]);
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue; // also equal infinities
    const err = Math.abs(a - e);
    const ratio = Number.isFinite(err) ? err / (tol.abs + tol.rel * Math.abs(e)) : Infinity;
    if (!(ratio <= worstRatio)) {
      worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
      worst = i;
    }
  }
  if (worst >= 0) {
    const a = Number(actual[worst]);
    const e = Number(expected[worst]);
    const mismatches = Array.from({ length: expected.length }, (_, i) => i).filter((i) => {
      const ai = Number(actual[i]);
      const ei = Number(expected[i]);
      if ((Number.isNaN(ei) && Number.isNaN(ai)) || ai === ei) return false;
      return !(Math.abs(ai - ei) <= tol.abs + tol.rel * Math.abs(ei));
    }).length;
    expect.fail(
      `${where}${mismatches}/${expected.length} elements differ; worst at flat index ${worst}: ` +
        `got ${a}, expected ${e} (|err| ${Math.abs(a - e)}, tol abs ${tol.abs} + rel ${tol.rel})`,
    );
  }
}

/** Exact equality of integer/bool data, reporting the first mismatch. */
export function expectEqualData(actual: ArrayLike<number>, expected: ArrayLike<number>, label = ''): void {
  const where = label ? `${label}: ` : '';
  expect(actual.length, `${where}length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Number(actual[i]) !== Number(expected[i])) {
      expect.fail(`${where}first mismatch at flat index ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

function readPf(t: pf.Tensor): number[] {
  return Array.from(t.dataSync(), Number);
}

// ----- op checks ------------------------------------------------------------------------------

/** One comparison of a Profundo op against its tfjs counterpart. */
export interface OpCase {
  /** Shown in the test title. */
  readonly name: string;
  readonly inputs: readonly Arr[];
  readonly pf: (...xs: pf.Tensor[]) => pf.Tensor;
  readonly tf: (...xs: tf.Tensor[]) => tf.Tensor;
  /** Which inputs to differentiate (default: every float32 input); `false`: forward only. */
  readonly grad?: false | readonly number[];
  readonly tol?: Tol;
  readonly gradTol?: Tol;
}

/** Compares shape, dtype and values of `c.pf(...)` and `c.tf(...)`. */
export function checkForward(c: OpCase): void {
  const y = c.pf(...c.inputs.map((a) => toPf(a)));
  const e = c.tf(...c.inputs.map(toTf));
  expect([...y.shape], `${c.name}: shape`).toEqual(e.shape);
  expect(y.dtype, `${c.name}: dtype`).toBe(e.dtype);
  if (y.dtype === 'float32') expectClose(readPf(y), e.dataSync() as Float32Array, c.tol ?? FWD, `${c.name} forward`);
  else expectEqualData(readPf(y), e.dataSync() as Int32Array, `${c.name} forward`);
}

/** The indices of the inputs that `c` differentiates. */
export function gradInputs(c: OpCase): number[] {
  if (c.grad === false) return [];
  if (c.grad) return [...c.grad];
  return c.inputs.flatMap((a, i) => (a.dtype === 'float32' ? [i] : []));
}

/**
 * Compares the gradients of `sum(w * f(inputs))` for a random upstream `w` (seeded by
 * `seed`) with respect to each differentiated input.
 */
export function checkGrad(c: OpCase, seed = 1234): void {
  const which = gradInputs(c);
  if (which.length === 0) return;
  // Profundo.
  const xs = c.inputs.map((a, i) => toPf(a, which.includes(i)));
  const y = c.pf(...xs);
  const w = uniform(new Rng(seed), y.shape, -1.5, 1.5);
  y.mul(toPf(w)).sum().backward();
  // tfjs: only the differentiated inputs are arguments, the others are closed over. tfjs's
  // gradients fail on empty tensors (reshape of a 0-element sum), so when the output is empty
  // the expected gradient is written down directly: zeros.
  let expected: ArrayLike<number>[];
  if (y.size === 0) {
    expected = which.map((k) => new Float32Array(c.inputs[k]!.data.length));
  } else {
    const fixed = c.inputs.map(toTf);
    const tw = toTf(w);
    const f = (...vs: tf.Tensor[]): tf.Scalar => {
      const args = [...fixed];
      which.forEach((k, j) => (args[k] = vs[j]!));
      return tf.sum(tf.mul(tw, c.tf(...args)));
    };
    expected = tf.grads(f)(which.map((k) => fixed[k]!)).map((g) => g.dataSync() as Float32Array);
  }
  which.forEach((k, j) => {
    const g = xs[k]!.grad;
    const label = `${c.name} grad of input ${k} [${c.inputs[k]!.shape}]`;
    expect(g, `${label}: grad is null`).not.toBeNull();
    expect([...g!.shape], `${label}: shape`).toEqual([...c.inputs[k]!.shape]);
    expect(g!.dtype, `${label}: dtype`).toBe('float32');
    expectClose(readPf(g!), expected[j]!, c.gradTol ?? GRAD, label);
  });
}

/** Runs forward and (unless disabled) gradient checks for each case as its own test. */
export function suite(cases: readonly OpCase[]): void {
  for (const c of cases) {
    it(c.name, () => {
      checkForward(c);
      checkGrad(c);
    });
  }
}

/** Compares a Profundo result with plain expected numbers (shape, dtype, values). */
export function checkAgainst(
  y: pf.Tensor,
  expected: { shape: readonly number[]; data: ArrayLike<number>; dtype?: DT },
  tol: Tol = FWD,
  label = '',
): void {
  expect([...y.shape], `${label}: shape`).toEqual([...expected.shape]);
  if (expected.dtype) expect(y.dtype, `${label}: dtype`).toBe(expected.dtype);
  if (y.dtype === 'float32') expectClose(readPf(y), expected.data, tol, label);
  else expectEqualData(readPf(y), expected.data, label);
}

export { readPf };

/** NumPy broadcast shape of several shapes (the inputs are assumed compatible). */
export function broadcastShape(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v !== 1) d = v;
    }
    return d;
  });
}

/**
 * Wraps a tfjs binary op so that both operands are first broadcast with `tf.broadcastTo`:
 * tfjs's own gradients of `maximum` / `minimum` forget to reduce over broadcast dims (they
 * return the broadcast shape and tfjs then throws), while `broadcastTo`'s gradient is right.
 */
export function tfBroadcasting(op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): (a: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  return (a, b) => {
    const shape = broadcastShape(a.shape, b.shape);
    const up = (t: tf.Tensor): tf.Tensor => (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]) ? t : tf.broadcastTo(t, shape));
    return op(up(a), up(b));
  };
}

// ----- index arithmetic for naive reference loops ------------------------------------------------

export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

export function unravel(flat: number, shape: readonly number[]): number[] {
  const st = strides(shape);
  return st.map((s, i) => Math.floor(flat / s) % shape[i]!);
}

export function ravel(coords: readonly number[], shape: readonly number[]): number {
  const st = strides(shape);
  return coords.reduce((n, c, i) => n + c * st[i]!, 0);
}

// ----- float64 erf ---------------------------------------------------------------------------

/**
 * erf in float64 from the everywhere-convergent series with positive terms (Abramowitz &
 * Stegun 7.1.6): erf(x) = 2/√π · e^(−x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·5···(2n+1)). No
 * cancellation, so it is accurate to ~1e-15 for |x| ≤ 6; beyond that erf is ±1 in float64.
 */
export function erf64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax > 6) return Math.sign(x);
  let term = ax;
  let sum = ax;
  for (let n = 1; n < 500; n++) {
    term *= (2 * ax * ax) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-ax * ax) * sum;
}
