/**
 * Element-wise kernels: `unary`, `binary`, `where` and `cast`.
 *
 * Core has already checked dtypes and computed `outShape`, so these functions only loop. The
 * rules they follow (from the contract in `@profundo/core`'s backend.ts):
 *
 * - float32 follows IEEE 754 and JavaScript's `Math`: NaN propagates through every op, `x / 0`
 *   is ±Infinity, `pow` is `Math.pow`.
 * - int32 wraps modulo 2^32, `div` truncates toward zero and `x / 0` is 0, `pow` is integer
 *   exponentiation.
 * - bool reaches `binary` only for `maximum` (or), `minimum` (and) and the comparisons.
 * - Inputs of `binary` and `where` may have fewer dims than `outShape`: they are right-aligned
 *   and broadcast.
 *
 * @module
 */
import type { BinaryOp, DataHandle, DType, TensorInfo, UnaryOp } from '@profundo/core';
import { allocate, handleOf, valuesOf } from './storage.js';
import { broadcastStrides, sizeOf, stridedOffsets } from './strides.js';

// ----- unary --------------------------------------------------------------------------------

/**
 * The error function. Near 0 its Taylor series keeps full relative accuracy; elsewhere the
 * Chebyshev fit of erfc from Numerical Recipes (fractional error below 1.2e-7, well under
 * float32's resolution of erf's values there). Both give erf(±Infinity) = ±1 and erf(NaN) = NaN.
 */
export function erf(x: number): number {
  if (Math.abs(x) < 0.5) {
    // erf(x) = 2/√π · Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 12; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(-z * z + poly);
  return x >= 0 ? 1 - erfc : erfc - 1;
}

/** float32 unary ops, computed in float64. */
const floatUnary: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: Math.sign, // sign(NaN) is NaN
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  relu: (x) => Math.max(0, x), // Math.max propagates NaN
  sigmoid: (x) => 1 / (1 + Math.exp(-x)), // exp(Inf) = Inf gives 0 at -Infinity, no NaN
  tanh: Math.tanh,
  erf,
  sin: Math.sin,
  cos: Math.cos,
};

/**
 * int32 unary ops (core sends only these four). `| 0` wraps to int32:
 * `-(-2^31)` and `abs(-2^31)` are `-2^31`, as the contract says.
 */
const intUnary: Partial<Record<UnaryOp, (x: number) => number>> = {
  neg: (x) => -x | 0,
  abs: (x) => Math.abs(x) | 0,
  sign: Math.sign,
  relu: (x) => Math.max(0, x),
};

export function unary(op: UnaryOp, x: TensorInfo): DataHandle {
  const f = x.dtype === 'int32' ? intUnary[op] : floatUnary[op];
  if (!f) throw new Error(`plain backend: unary '${op}' is not defined for ${x.dtype}`);
  const xs = valuesOf(x);
  const out = allocate(x.dtype, xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = f(xs[i]!);
  return handleOf(out);
}

// ----- binary -------------------------------------------------------------------------------

type Fn2 = (a: number, b: number) => number;

/** Comparisons give 1 or 0 (stored as bool). Any comparison with NaN is false, except `ne`. */
const comparisons: Partial<Record<BinaryOp, Fn2>> = {
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
};

/** float32 arithmetic: IEEE 754, computed in float64. */
const floatArithmetic: Partial<Record<BinaryOp, Fn2>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b, // x/0 = ±Infinity, 0/0 = NaN
  pow: Math.pow,
  maximum: Math.max, // NaN when either is NaN; on bool, logical or
  minimum: Math.min, // NaN when either is NaN; on bool, logical and
};

/** int32 `div`: truncates toward zero, and `x / 0` is 0. `(-2^31) / -1` wraps to `-2^31`. */
export function intDiv(a: number, b: number): number {
  return b === 0 ? 0 : Math.trunc(a / b) | 0;
}

/**
 * int32 `pow`: exponentiation by squaring with wrapping multiplication. A negative exponent
 * gives the real result truncated toward zero: 1 for base 1, ±1 for base -1 (by parity),
 * 0 for base 0 (the x/0 rule) and for every other base.
 */
export function intPow(base: number, exp: number): number {
  if (exp < 0) {
    if (base === 1) return 1;
    if (base === -1) return exp % 2 === 0 ? 1 : -1;
    return 0;
  }
  let result = 1;
  while (exp > 0) {
    if (exp & 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
    exp >>>= 1;
  }
  return result;
}

/** int32 arithmetic: wraps modulo 2^32 (`Math.imul` multiplies without losing low bits). */
const intArithmetic: Partial<Record<BinaryOp, Fn2>> = {
  add: (a, b) => (a + b) | 0,
  sub: (a, b) => (a - b) | 0,
  mul: Math.imul,
  div: intDiv,
  pow: intPow,
  maximum: Math.max,
  minimum: Math.min,
};

export function binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle {
  const compare = comparisons[op];
  const f = compare ?? (a.dtype === 'int32' ? intArithmetic[op] : floatArithmetic[op]);
  if (!f) throw new Error(`plain backend: binary '${op}' is not defined for ${a.dtype}`);
  const outDType: DType = compare ? 'bool' : a.dtype;

  // Where each output element reads its two operands (right-aligned broadcasting).
  const aAt = stridedOffsets(outShape, broadcastStrides(a.shape, outShape));
  const bAt = stridedOffsets(outShape, broadcastStrides(b.shape, outShape));
  const as = valuesOf(a);
  const bs = valuesOf(b);
  const out = allocate(outDType, sizeOf(outShape));
  for (let i = 0; i < out.length; i++) out[i] = f(as[aAt[i]!]!, bs[bAt[i]!]!);
  return handleOf(out);
}

// ----- where --------------------------------------------------------------------------------

/** `cond ? a : b`, all three broadcast to `outShape`; the result has `a`'s dtype. */
export function where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle {
  const cAt = stridedOffsets(outShape, broadcastStrides(cond.shape, outShape));
  const aAt = stridedOffsets(outShape, broadcastStrides(a.shape, outShape));
  const bAt = stridedOffsets(outShape, broadcastStrides(b.shape, outShape));
  const cs = valuesOf(cond);
  const as = valuesOf(a);
  const bs = valuesOf(b);
  const out = allocate(a.dtype, sizeOf(outShape));
  for (let i = 0; i < out.length; i++) out[i] = cs[cAt[i]!] ? as[aAt[i]!]! : bs[bAt[i]!]!;
  return handleOf(out);
}

// ----- cast ---------------------------------------------------------------------------------

/**
 * float → int32: truncate toward zero; NaN gives 0; ±Infinity and values outside the int32
 * range saturate. (Plain `| 0` would wrap them instead.)
 */
export function floatToInt(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x >= 2147483647) return 2147483647;
  if (x <= -2147483648) return -2147483648;
  return Math.trunc(x);
}

export function cast(x: TensorInfo, dtype: DType): DataHandle {
  const xs = valuesOf(x);
  const out = allocate(dtype, xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (dtype === 'bool') out[i] = v !== 0 ? 1 : 0; // NaN !== 0, so NaN casts to true
    else if (dtype === 'int32' && x.dtype === 'float32') out[i] = floatToInt(v);
    else if (dtype === 'float32' && x.dtype === 'int32') out[i] = Math.fround(v); // 2^24 + 1 → 2^24
    else out[i] = v; // bool → number is 0 / 1; a same-dtype cast copies
  }
  return handleOf(out);
}
