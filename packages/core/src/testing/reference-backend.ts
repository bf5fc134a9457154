/**
 * A deliberately naive backend: every kernel is the plainest loop over coordinates, computed
 * in float64 (float32 results rounded once, int32 results wrapped modulo 2^32 once). It is slow
 * and written independently of any real backend, which is what makes it a useful oracle for
 * the conformance kit; it passes the kit's hand-derived edge cases itself.
 *
 * @module
 */
import type { Backend, BinaryOp, DataArray, DataHandle, DType, ReduceOp, TensorInfo, UnaryOp } from '../backend/backend.js';

class RefData {
  constructor(
    readonly values: Float64Array,
    readonly dtype: DType,
  ) {}
}

function vals(t: TensorInfo): Float64Array {
  return (t.handle as RefData).values;
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function unravel(i: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return c;
}

function ravel(c: readonly number[], shape: readonly number[]): number {
  let i = 0;
  for (let d = 0; d < shape.length; d++) i = i * shape[d]! + c[d]!;
  return i;
}

/** The flat index in `shape` of the element that broadcasting maps output coords `c` to. */
function broadcastIndex(c: readonly number[], shape: readonly number[]): number {
  const lead = c.length - shape.length;
  let i = 0;
  for (let d = 0; d < shape.length; d++) i = i * shape[d]! + (shape[d] === 1 ? 0 : c[d + lead]!);
  return i;
}

/** Stores exact results as `dtype`: float32 rounds, int32 wraps modulo 2^32, bool is 0 / 1. */
function store(values: number[] | Float64Array, dtype: DType): RefData {
  const out = Float64Array.from(values, (v) =>
    dtype === 'float32' ? Math.fround(v) : dtype === 'int32' ? v | 0 : v ? 1 : 0,
  );
  return new RefData(out, dtype);
}

/** float32 → int32: truncates toward zero, NaN → 0, saturates outside the int32 range. */
function toInt32(v: number): number {
  if (Number.isNaN(v)) return 0;
  if (v >= 2147483647) return 2147483647;
  if (v <= -2147483648) return -2147483648;
  return Math.trunc(v);
}

/** Integer power modulo 2^32; a negative exponent truncates the real result toward zero. */
function ipow(base: number, exp: number): number {
  if (exp < 0) return base === 1 ? 1 : base === -1 ? (exp % 2 === 0 ? 1 : -1) : 0;
  let result = 1;
  for (let e = exp, b = base; e > 0; e = Math.floor(e / 2), b = Math.imul(b, b)) {
    if (e % 2 === 1) result = Math.imul(result, b);
  }
  return result;
}

function erf(x: number): number {
  // Maclaurin series; converges fast for |x| < 3, and erf(x) is within 2e-5 of ±1 beyond.
  if (Math.abs(x) > 4) return Math.sign(x);
  let term = x;
  let total = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    total += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * total;
}

const unaryFns: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x), // NaN stays NaN; ±0 stays ±0
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  relu: (x) => (x > 0 || Number.isNaN(x) ? x : 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  erf,
  sin: Math.sin,
  cos: Math.cos,
};

function binaryFn(op: BinaryOp, dtype: DType): (a: number, b: number) => number {
  switch (op) {
    case 'add': return (a, b) => a + b;
    case 'sub': return (a, b) => a - b;
    case 'mul': return dtype === 'int32' ? Math.imul : (a, b) => a * b;
    // int32: truncates; x / 0 is ±Inf or NaN here, which storing as int32 turns into 0.
    case 'div': return dtype === 'int32' ? (a, b) => Math.trunc(a / b) : (a, b) => a / b;
    case 'pow': return dtype === 'int32' ? ipow : (a, b) => Math.pow(a, b);
    case 'maximum': return (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b));
    case 'minimum': return (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b));
    case 'eq': return (a, b) => +(a === b);
    case 'ne': return (a, b) => +(a !== b);
    case 'lt': return (a, b) => +(a < b);
    case 'le': return (a, b) => +(a <= b);
    case 'gt': return (a, b) => +(a > b);
    case 'ge': return (a, b) => +(a >= b);
  }
}

const comparisons = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/**
 * Creates the naive float64 reference backend used as the oracle of the conformance kit.
 * Useful on its own for checking a new backend kernel by kernel.
 *
 * @example
 * ```ts
 * registerBackend('reference', createReferenceBackend);
 * ```
 */
export function createReferenceBackend(): Backend {
  return {
    name: 'reference',
    write(values: DataArray, _shape: readonly number[], dtype: DType): DataHandle {
      return store(Float64Array.from(values), dtype);
    },
    async read(info: TensorInfo): Promise<DataArray> {
      return this.readSync!(info);
    },
    readSync(info: TensorInfo): DataArray {
      const v = vals(info);
      return info.dtype === 'float32' ? Float32Array.from(v) : info.dtype === 'int32' ? Int32Array.from(v) : Uint8Array.from(v);
    },
    dispose(): void {},
    unary(op: UnaryOp, x: TensorInfo): DataHandle {
      return store(Array.from(vals(x), unaryFns[op]), x.dtype);
    },
    binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle {
      const f = binaryFn(op, a.dtype);
      const out: number[] = [];
      for (let i = 0; i < size(outShape); i++) {
        const c = unravel(i, outShape);
        out.push(f(vals(a)[broadcastIndex(c, a.shape)]!, vals(b)[broadcastIndex(c, b.shape)]!));
      }
      return store(out, comparisons.has(op) ? 'bool' : a.dtype);
    },
    where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle {
      const out: number[] = [];
      for (let i = 0; i < size(outShape); i++) {
        const c = unravel(i, outShape);
        out.push(vals(cond)[broadcastIndex(c, cond.shape)] ? vals(a)[broadcastIndex(c, a.shape)]! : vals(b)[broadcastIndex(c, b.shape)]!);
      }
      return store(out, a.dtype);
    },
    cast(x: TensorInfo, dtype: DType): DataHandle {
      return store(Array.from(vals(x), (v) => (dtype === 'int32' ? toInt32(v) : dtype === 'bool' ? +(v !== 0) : v)), dtype);
    },
    reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): DataHandle {
      const outShape = x.shape.filter((_, d) => !axes.includes(d));
      const out = new Array<number>(size(outShape)).fill(op === 'sum' ? 0 : -Infinity);
      for (let i = 0; i < x.shape.reduce((a, b) => a * b, 1); i++) {
        const c = unravel(i, x.shape).filter((_, d) => !axes.includes(d));
        const j = ravel(c, outShape);
        const v = vals(x)[i]!;
        out[j] = op === 'sum' ? out[j]! + v : Number.isNaN(v) || Number.isNaN(out[j]!) ? NaN : Math.max(out[j]!, v);
      }
      return store(out, x.dtype);
    },
    argmax(x: TensorInfo, axis: number): DataHandle {
      const outShape = x.shape.filter((_, d) => d !== axis);
      const out: number[] = [];
      for (let j = 0; j < size(outShape); j++) {
        const c = unravel(j, outShape);
        // The first maximum; a NaN beats every number, and the first NaN stays.
        let best = 0;
        let bestV = -Infinity;
        for (let k = 0; k < x.shape[axis]!; k++) {
          const full = [...c.slice(0, axis), k, ...c.slice(axis)];
          const v = vals(x)[ravel(full, x.shape)]!;
          if (Number.isNaN(v)) {
            best = k;
            break;
          }
          if (v > bestV || k === 0) {
            best = k;
            bestV = v;
          }
        }
        out.push(best);
      }
      return store(out, 'int32');
    },
    matmul(a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean): DataHandle {
      const [ba, ra, ca] = a.shape as [number, number, number];
      const [bb, rb, cb] = b.shape as [number, number, number];
      const m = transA ? ca : ra;
      const k = transA ? ra : ca;
      const n = transB ? rb : cb;
      const batch = ba === 1 ? bb : ba;
      const out: number[] = [];
      for (let p = 0; p < batch; p++) {
        const pa = ba === 1 ? 0 : p;
        const pb = bb === 1 ? 0 : p;
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let q = 0; q < k; q++) {
              const av = vals(a)[transA ? ravel([pa, q, i], a.shape) : ravel([pa, i, q], a.shape)]!;
              const bv = vals(b)[transB ? ravel([pb, j, q], b.shape) : ravel([pb, q, j], b.shape)]!;
              s += av * bv;
            }
            out.push(s);
          }
        }
      }
      return store(out, 'float32');
    },
    permute(x: TensorInfo, perm: readonly number[]): DataHandle {
      const outShape = perm.map((p) => x.shape[p]!);
      const out: number[] = [];
      for (let i = 0; i < size(outShape); i++) {
        const c = unravel(i, outShape);
        const src = new Array<number>(x.shape.length);
        perm.forEach((p, d) => (src[p] = c[d]!));
        out.push(vals(x)[ravel(src, x.shape)]!);
      }
      return store(out, x.dtype);
    },
    expand(x: TensorInfo, shape: readonly number[]): DataHandle {
      const out: number[] = [];
      for (let i = 0; i < size(shape); i++) out.push(vals(x)[broadcastIndex(unravel(i, shape), x.shape)]!);
      return store(out, x.dtype);
    },
    slice(x: TensorInfo, begin: readonly number[], sz: readonly number[]): DataHandle {
      const out: number[] = [];
      for (let i = 0; i < size(sz); i++) {
        const c = unravel(i, sz).map((v, d) => v + begin[d]!);
        out.push(vals(x)[ravel(c, x.shape)]!);
      }
      return store(out, x.dtype);
    },
    pad(x: TensorInfo, pads: readonly (readonly [number, number])[], value: number): DataHandle {
      const outShape = x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
      const out: number[] = [];
      for (let i = 0; i < size(outShape); i++) {
        const c = unravel(i, outShape).map((v, d) => v - pads[d]![0]);
        const inside = c.every((v, d) => v >= 0 && v < x.shape[d]!);
        out.push(inside ? vals(x)[ravel(c, x.shape)]! : value);
      }
      return store(out, x.dtype);
    },
    concat(xs: readonly TensorInfo[], axis: number): DataHandle {
      const outShape = [...xs[0]!.shape];
      outShape[axis] = xs.reduce((s, t) => s + t.shape[axis]!, 0);
      const out: number[] = [];
      for (let i = 0; i < size(outShape); i++) {
        const c = unravel(i, outShape);
        let k = c[axis]!;
        let part = 0;
        while (k >= xs[part]!.shape[axis]!) k -= xs[part++]!.shape[axis]!;
        const src = [...c];
        src[axis] = k;
        out.push(vals(xs[part]!)[ravel(src, xs[part]!.shape)]!);
      }
      return store(out, xs[0]!.dtype);
    },
    gather(x: TensorInfo, index: TensorInfo, axis: number): DataHandle {
      const out: number[] = [];
      for (let i = 0; i < size(index.shape); i++) {
        const c = unravel(i, index.shape);
        c[axis] = vals(index)[i]!;
        out.push(vals(x)[ravel(c, x.shape)]!);
      }
      return store(out, x.dtype);
    },
    scatterAdd(index: TensorInfo, src: TensorInfo, axis: number, outShape: readonly number[]): DataHandle {
      const out = new Array<number>(size(outShape)).fill(0);
      for (let i = 0; i < size(index.shape); i++) {
        const c = unravel(i, index.shape);
        c[axis] = vals(index)[i]!;
        out[ravel(c, outShape)] += vals(src)[i]!;
      }
      return store(out, 'float32');
    },
  };
}
