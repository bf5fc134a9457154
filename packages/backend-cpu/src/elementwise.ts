/**
 * Element-wise kernels: unary functions, broadcasting binary ops, `where` and `cast`.
 *
 * Broadcasting goes through {@link collapse}: same-shape operands collapse to one row with
 * stride 1, scalars to stride 0, so those fast paths need no separate code. Each op has its
 * own loop (a switch outside the loop, not a function call per element) so V8 compiles every
 * inner loop to straight arithmetic.
 */
import type { BinaryOp, DataArray, DType, TensorInfo, UnaryOp } from '@profundo/core';
import { erf } from './erf.js';
import { activeEngine, allocate, allocateRaw, dataOf, sizeOf } from './storage.js';
import { broadcastStrides, collapse, rowOffsets } from './strided.js';

type Arr = Float32Array | Int32Array | Uint8Array;

/** Converts numeric results to bool the way `cast` does: anything non-zero (NaN included) is 1. */
function toBool(values: ArrayLike<number>): Uint8Array {
  const out = allocateRaw('bool', values.length) as Uint8Array;
  for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
  return out;
}

function unaryInto(op: UnaryOp, x: Arr, out: Float32Array | Int32Array): void {
  const n = x.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i]!;
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!);
      return;
    case 'sign':
      for (let i = 0; i < n; i++) out[i] = Math.sign(x[i]!);
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!);
      return;
    case 'relu':
      // `v < 0 ? 0 : v` rather than `v > 0 ? v : 0` so NaN propagates as in PyTorch.
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v < 0 ? 0 : v;
      }
      return;
    case 'sigmoid':
      // Two forms so that exp never overflows: exp(-|x|) is always in (0, 1].
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        if (v >= 0) {
          out[i] = 1 / (1 + Math.exp(-v));
        } else {
          const e = Math.exp(v);
          out[i] = e / (1 + e);
        }
      }
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!);
      return;
    case 'erf':
      for (let i = 0; i < n; i++) out[i] = erf(x[i]!);
      return;
    case 'sin':
      for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]!);
      return;
    case 'cos':
      for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]!);
      return;
  }
}

const ONE_ROW: readonly (readonly number[])[] = [[1], [1]];

/** Codes of the ops assembly/elementwise.ts implements. */
const WASM_UNARY: Partial<Record<UnaryOp, number>> = { neg: 0, abs: 1, relu: 2, sqrt: 3 };
const WASM_BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };
const WASM_COMPARE: Partial<Record<BinaryOp, number>> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };

/** Applies a unary op; the result has `x`'s dtype (int32 results are truncated by the store). */
export function unary(op: UnaryOp, x: TensorInfo): DataArray {
  const src = dataOf(x);
  const engine = activeEngine();
  const code = WASM_UNARY[op];
  if (engine !== null && engine.shared && code !== undefined && x.dtype === 'float32') {
    const out = allocateRaw('float32', src.length);
    engine.kernels.unaryF32(code, src.byteOffset, out.byteOffset, src.length);
    return out;
  }
  if (x.dtype === 'int32') {
    const out = allocateRaw('int32', src.length) as Int32Array;
    unaryInto(op, src, out);
    return out;
  }
  const out = x.dtype === 'bool' ? new Float32Array(src.length) : (allocateRaw('float32', src.length) as Float32Array);
  unaryInto(op, src, out);
  return x.dtype === 'bool' ? toBool(out) : out;
}

/** Integer power with int32 wrap-around, as C and PyTorch compute it. */
function ipow(base: number, exp: number): number {
  if (exp < 0) {
    // 1 / base^|exp| truncated toward zero; 0 for |base| > 1 (and for 0, like int32 division by zero here).
    if (base === 1) return 1;
    if (base === -1) return exp & 1 ? -1 : 1;
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

/**
 * One row of a binary op: `out[o + j] = a[ai + j*as] op b[bi + j*bs]` for `j < n`.
 * `int` selects int32 semantics where the float formula would be wrong (mul, pow); int32 `div`
 * needs no special case because storing into an Int32Array truncates toward zero.
 */
function binaryRow(
  op: BinaryOp,
  int: boolean,
  out: Arr,
  o: number,
  a: Arr,
  ai: number,
  as: number,
  b: Arr,
  bi: number,
  bs: number,
  n: number,
): void {
  const end = o + n;
  switch (op) {
    case 'add':
      for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai]! + b[bi]!;
      return;
    case 'sub':
      for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai]! - b[bi]!;
      return;
    case 'mul':
      if (int) for (; o < end; o++, ai += as, bi += bs) out[o] = Math.imul(a[ai]!, b[bi]!);
      else for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai]! * b[bi]!;
      return;
    case 'div':
      for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai]! / b[bi]!;
      return;
    case 'pow':
      if (int) for (; o < end; o++, ai += as, bi += bs) out[o] = ipow(a[ai]!, b[bi]!);
      else for (; o < end; o++, ai += as, bi += bs) out[o] = Math.pow(a[ai]!, b[bi]!);
      return;
    case 'maximum':
      for (; o < end; o++, ai += as, bi += bs) out[o] = Math.max(a[ai]!, b[bi]!);
      return;
    case 'minimum':
      for (; o < end; o++, ai += as, bi += bs) out[o] = Math.min(a[ai]!, b[bi]!);
      return;
    case 'eq':
      for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai]! === b[bi]! ? 1 : 0;
      return;
    case 'ne':
      for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai]! !== b[bi]! ? 1 : 0;
      return;
    case 'lt':
      for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai]! < b[bi]! ? 1 : 0;
      return;
    case 'le':
      for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai]! <= b[bi]! ? 1 : 0;
      return;
    case 'gt':
      for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai]! > b[bi]! ? 1 : 0;
      return;
    case 'ge':
      for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai]! >= b[bi]! ? 1 : 0;
      return;
  }
}

function isComparison(op: BinaryOp): boolean {
  return op === 'eq' || op === 'ne' || op === 'lt' || op === 'le' || op === 'gt' || op === 'ge';
}

/** Applies a binary op with broadcasting to `outShape`. */
export function binary(
  op: BinaryOp,
  a: TensorInfo,
  b: TensorInfo,
  outShape: readonly number[],
): DataArray {
  const size = sizeOf(outShape);
  // bool gets only maximum / minimum (or / and) and comparisons: 0/1 in, 0/1 out, no detour.
  const out: Arr = allocateRaw(isComparison(op) ? 'bool' : a.dtype, size);
  if (size === 0) return out;
  const av = dataOf(a);
  const bv = dataOf(b);
  const int = a.dtype === 'int32';
  if (av.length === size && bv.length === size) {
    // Same shapes: one contiguous row, without the strided walk's bookkeeping.
    if (!binaryInWasm(op, a.dtype, out, av, 1, bv, 1, size, [size], ONE_ROW)) binaryRow(op, int, out, 0, av, 0, 1, bv, 0, 1, size);
    return out;
  }
  const { shape, strides } = collapse(outShape, [
    broadcastStrides(a.shape, outShape),
    broadcastStrides(b.shape, outShape),
  ]);
  const last = shape.length - 1;
  const n = shape[last]!;
  const as = strides[0]![last]!;
  const bs = strides[1]![last]!;
  if (binaryInWasm(op, a.dtype, out, av, as, bv, bs, n, shape, strides)) return out;
  if (shape.length === 1) {
    binaryRow(op, int, out, 0, av, 0, as, bv, 0, bs, n);
  } else {
    const aRows = rowOffsets(shape, strides[0]!);
    const bRows = rowOffsets(shape, strides[1]!);
    for (let r = 0; r < aRows.length; r++) {
      binaryRow(op, int, out, r * n, av, aRows[r]!, as, bv, bRows[r]!, bs, n);
    }
  }
  return out;
}

/**
 * Runs a float32 binary op or comparison in WebAssembly, row by row, when the active engine's
 * heap holds the tensors and each row reads its operands as runs or single values.
 */
function binaryInWasm(
  op: BinaryOp,
  dtype: DType,
  out: Arr,
  av: Arr,
  as: number,
  bv: Arr,
  bs: number,
  n: number,
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): boolean {
  const engine = activeEngine();
  if (engine === null || !engine.shared || dtype !== 'float32' || as > 1 || bs > 1 || as + bs === 0) return false;
  const cmp = WASM_COMPARE[op];
  const code = cmp ?? WASM_BINARY[op];
  if (code === undefined) return false;
  const k = engine.kernels;
  const fn = cmp !== undefined ? k.compareF32 : k.binaryF32;
  const width = cmp !== undefined ? 1 : 4;
  const a0 = av.byteOffset;
  const b0 = bv.byteOffset;
  const o0 = out.byteOffset;
  if (shape.length === 1) {
    fn(code, a0, as, b0, bs, o0, n);
    return true;
  }
  const aRows = rowOffsets(shape, strides[0]!);
  const bRows = rowOffsets(shape, strides[1]!);
  for (let r = 0; r < aRows.length; r++) fn(code, a0 + aRows[r]! * 4, as, b0 + bRows[r]! * 4, bs, o0 + r * n * width, n);
  return true;
}

/** `cond ? a : b` with all three broadcast to `outShape`; the result has `a`'s dtype. */
export function where(
  cond: TensorInfo,
  a: TensorInfo,
  b: TensorInfo,
  outShape: readonly number[],
): DataArray {
  const size = sizeOf(outShape);
  const out = allocate(a.dtype, size);
  if (size === 0) return out;
  const cv = dataOf(cond);
  const av = dataOf(a);
  const bv = dataOf(b);
  const { shape, strides } = collapse(outShape, [
    broadcastStrides(cond.shape, outShape),
    broadcastStrides(a.shape, outShape),
    broadcastStrides(b.shape, outShape),
  ]);
  const last = shape.length - 1;
  const n = shape[last]!;
  const cs = strides[0]![last]!;
  const as = strides[1]![last]!;
  const bs = strides[2]![last]!;
  const cRows = rowOffsets(shape, strides[0]!);
  const aRows = rowOffsets(shape, strides[1]!);
  const bRows = rowOffsets(shape, strides[2]!);
  for (let r = 0, o = 0; r < cRows.length; r++) {
    let ci = cRows[r]!;
    let ai = aRows[r]!;
    let bi = bRows[r]!;
    const end = o + n;
    for (; o < end; o++, ci += cs, ai += as, bi += bs) out[o] = cv[ci] !== 0 ? av[ai]! : bv[bi]!;
  }
  return out;
}

/**
 * Converts to `dtype`. Typed-array stores implement most of the contract's numeric rules
 * (int32→float32 rounds to nearest, bool→number is 0/1); float32→int32 needs a loop to
 * saturate (a store wraps modulo 2^32 and turns ±Infinity into 0), →bool to give 0/1. A
 * same-dtype cast copies: each handle owns its storage, which the heap frees when the handle
 * is disposed.
 */
export function cast(x: TensorInfo, dtype: DType): DataArray {
  const src = dataOf(x);
  if (dtype === 'bool') return toBool(src);
  if (dtype === 'int32' && x.dtype === 'float32') {
    const out = allocateRaw('int32', src.length) as Int32Array;
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      // Truncates toward zero; NaN fails both tests and `NaN | 0` is 0.
      out[i] = v >= 2147483647 ? 2147483647 : v <= -2147483648 ? -2147483648 : v | 0;
    }
    return out;
  }
  const engine = activeEngine();
  if (engine !== null && engine.shared && x.dtype === 'bool' && dtype === 'float32') {
    const out = allocateRaw('float32', src.length);
    engine.kernels.boolToF32(src.byteOffset, out.byteOffset, src.length);
    return out;
  }
  const out = allocateRaw(dtype, src.length);
  out.set(src);
  return out;
}
