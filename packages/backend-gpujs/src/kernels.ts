/**
 * Kernel sources for every primitive of the backend contract and the fused softmax kernels.
 * Each function returns the JavaScript source of one gpu.js kernel for fixed shapes.
 *
 * @internal
 * @module
 */
import type { BinaryOp, DType, ReduceOp, UnaryOp } from '@profundo/core';
import { broadcastIndices, broadcastStrides, floorDiv, isNaNTest, kernelSource, linear, num, sizeOf, stridesOf, unravel } from './codegen.js';
import { elementwiseFn, type ElementwiseFn } from './fusion.js';

/** Statements computing a unary op of `x0` and returning it. */
function unaryBody(op: UnaryOp): string {
  switch (op) {
    case 'neg':
      return 'return -x0;\n';
    case 'abs':
      return 'return Math.abs(x0);\n';
    case 'sign':
      return 'if (x0 > 0) { return 1; }\nif (x0 < 0) { return -1; }\nreturn 0;\n';
    case 'exp':
      return 'return Math.exp(x0);\n';
    case 'log':
      // SwiftShader's log gives log(|x|) below 0 and -88 at 0: NaN (sqrt of a negative) and -Infinity by hand.
      return 'if (x0 < 0) { return Math.sqrt(x0); }\nif (x0 == 0) { return -1 / Math.abs(x0); }\nreturn Math.log(x0);\n';
    case 'sqrt':
      return 'return Math.sqrt(x0);\n';
    case 'relu':
      return 'if (x0 > 0) { return x0; }\nreturn 0;\n';
    case 'sigmoid':
      return 'return 1 / (1 + Math.exp(-x0));\n';
    case 'tanh':
      // exp(-2|x|) never overflows; a series near 0 avoids the cancellation in 1 - t.
      return (
        'let ax = Math.abs(x0);\n' +
        'if (ax < 0.05) { let x2 = x0 * x0; return x0 * (1 + x2 * (-0.3333333333333333 + x2 * (0.13333333333333333 + x2 * (-0.05396825396825397)))); }\n' +
        'let t = Math.exp(-2 * ax);\n' +
        'let y = (1 - t) / (1 + t);\n' +
        'if (x0 < 0) { return -y; }\nreturn y;\n'
      );
    case 'erf':
      // Maclaurin series below 0.5 (relative error < 1e-9), Abramowitz–Stegun 7.1.26 above
      // (absolute error < 1.5e-7 where |erf| > 0.52).
      return (
        'let ax = Math.abs(x0);\n' +
        'if (ax < 0.5) { let x2 = x0 * x0; return 1.1283791670955126 * x0 * (1 + x2 * (-0.3333333333333333 + x2 * (0.1 + x2 * (-0.023809523809523808 + x2 * (0.004629629629629629 + x2 * (-0.0007575757575757576 + x2 * 0.00010683760683760684)))))); }\n' +
        'if (ax > 4) { if (x0 < 0) { return -1; } return 1; }\n' +
        'let t = 1 / (1 + 0.3275911 * ax);\n' +
        'let y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-ax * ax);\n' +
        'if (x0 < 0) { return -y; }\nreturn y;\n'
      );
    case 'sin':
      return `${SINCOS}if (q == 0) { return sr; }\nif (q == 1) { return cr; }\nif (q == 2) { return -sr; }\nreturn -cr;\n`;
    case 'cos':
      return `${SINCOS}if (q == 0) { return cr; }\nif (q == 1) { return -sr; }\nif (q == 2) { return -cr; }\nreturn sr;\n`;
  }
}

/**
 * sin and cos of `x0` to float32 accuracy, independent of the device's shader library (some,
 * like SwiftShader's, are only good to ~2e-4): Cody–Waite reduction by π/2 with a three-part
 * constant, then Taylor polynomials on [-π/4, π/4] (truncation error < 2e-9). Leaves the
 * reduced sine `sr`, cosine `cr` and quadrant `q` (0–3).
 */
const SINCOS =
  'let k = Math.floor(x0 * 0.6366197723675814 + 0.5);\n' +
  'let r = ((x0 - k * 1.5703125) - k * 0.00048375129699707031) - k * 7.5497899548918821e-8;\n' +
  'let r2 = r * r;\n' +
  'let sr = r + r * r2 * (-0.16666666666666666 + r2 * (0.008333333333333333 + r2 * (-0.0001984126984126984 + r2 * 0.0000027557319223985893)));\n' +
  'let cr = 1 + r2 * (-0.5 + r2 * (0.041666666666666664 + r2 * (-0.001388888888888889 + r2 * (0.0000248015873015873 + r2 * (-2.755731922398589e-7)))));\n' +
  'let q = k - 4 * Math.floor(k * 0.25);\n';

/**
 * `op` of one element as a gpu.js helper function `u_<op>(x0)`. NaN in gives NaN out for every
 * op, as on the CPU: without the test, relu / sign drop NaN on Mesa (the compiler turns their
 * branches into max) and exp(NaN) is Infinity on SwiftShader.
 */
export function unaryFn(op: UnaryOp): ElementwiseFn {
  return elementwiseFn(`u_${op}`, ['x0'], `if (${isNaNTest('x0')}) { return x0; }\n${unaryBody(op)}`);
}

/** The largest finite float32: only ±Infinity lies beyond it. */
const FLOAT32_MAX = '3.4028234663852886e38';

/** Statements computing `op(a0, b0)` for `dtype` operands and returning it. */
function binaryBody(op: BinaryOp, dtype: DType): string {
  const int = dtype !== 'float32';
  switch (op) {
    case 'add':
      return 'return a0 + b0;\n';
    case 'sub':
      return 'return a0 - b0;\n';
    case 'mul':
      return 'return a0 * b0;\n';
    case 'div':
      if (!int) return 'return a0 / b0;\n';
      // Truncating integer division, exact for |a|, |b| < 2^24; x / 0 gives 0 like `| 0` on ±Infinity.
      return (
        'if (b0 == 0) { return 0; }\n' +
        'let na = Math.abs(a0);\nlet nb = Math.abs(b0);\n' +
        'let q = Math.floor(na / nb);\n' +
        'if (q * nb > na) { q = q - 1; }\n' +
        'if (q * nb + nb <= na) { q = q + 1; }\n' +
        'if ((a0 < 0 && b0 > 0) || (a0 > 0 && b0 < 0)) { return -q; }\nreturn q;\n'
      );
    case 'pow':
      if (int) {
        return (
          'if (b0 == 0) { return 1; }\n' +
          'if (a0 == 0) { return 0; }\n' +
          // Repeated multiplication: exact while |result| <= 2^24 (pow() via exp2/log2 is not).
          'let m = Math.abs(a0);\n' +
          'let p = 0;\n' +
          'if (m == 1) { p = 1; } else { if (b0 > 0) { p = 1; for (let t = 0; t < 31; t++) { if (t < b0) { p = p * m; } } } }\n' +
          'let h = b0 * 0.5;\n' +
          'if (a0 < 0 && h != Math.floor(h)) { return -p; }\nreturn p;\n'
        );
      }
      // GLSL's pow is undefined for negative bases; integral exponents get the sign by hand.
      // NaN ** 0 is 1; any other power with a NaN is NaN (as JavaScript's Math.pow, the CPU's).
      return (
        'if (b0 == 0) { return 1; }\n' +
        `if (${isNaNTest('a0')} || ${isNaNTest('b0')}) { return a0 + b0; }\n` +
        // (±1)^(±Inf) is NaN in JavaScript (GLSL's pow gives 1 or NaN, by device). The NaN comes
        // from a runtime square root: a constant sqrt(-1) folds to 0 on Mesa and is a shader
        // error in WGSL.
        `if (Math.abs(a0) == 1 && Math.abs(b0) > ${FLOAT32_MAX}) { return Math.sqrt(-Math.abs(a0)); }\n` +
        'if (a0 < 0 && b0 == Math.floor(b0)) {\n' +
        'let p = Math.pow(-a0, b0);\nlet h = b0 * 0.5;\n' +
        'if (h == Math.floor(h)) { return p; }\nreturn -p;\n}\n' +
        // (-Inf) to a fraction is Inf above 0 and 0 below, as Math.pow gives.
        `if (a0 < -${FLOAT32_MAX}) {\nif (b0 > 0) { return -a0; }\nreturn 0;\n}\n` +
        // A negative base to a fraction is NaN (SwiftShader gives pow(|a|, b)); 0 to a positive
        // power is 0 (SwiftShader's exp2(b·log2(0)) is about 1e-19).
        'if (a0 < 0) { return Math.sqrt(a0); }\n' +
        'if (a0 == 0 && b0 > 0) { return 0; }\n' +
        // 0 to a negative power is ±Infinity (GLSL's pow is undefined there): 1 / ±0 keeps the
        // sign of zero for odd integral exponents, as Math.pow does.
        'if (a0 == 0) {\nlet h0 = b0 * 0.5;\nif (b0 == Math.floor(b0) && h0 != Math.floor(h0)) { return 1 / a0; }\nreturn 1 / Math.abs(a0);\n}\n' +
        'return Math.pow(a0, b0);\n'
      );
    case 'maximum':
      // GPU max / min drop a NaN operand; NaN + anything is NaN.
      return `if (${isNaNTest('a0')} || ${isNaNTest('b0')}) { return a0 + b0; }\nreturn Math.max(a0, b0);\n`;
    case 'minimum':
      return `if (${isNaNTest('a0')} || ${isNaNTest('b0')}) { return a0 + b0; }\nreturn Math.min(a0, b0);\n`;
    case 'eq':
      return 'if (a0 == b0) { return 1; }\nreturn 0;\n';
    case 'ne':
      // Not `a0 != b0`: WGSL compiles it as an ordered comparison, false when either is NaN.
      return 'if (a0 == b0) { return 0; }\nreturn 1;\n';
    case 'lt':
      return 'if (a0 < b0) { return 1; }\nreturn 0;\n';
    case 'le':
      return 'if (a0 <= b0) { return 1; }\nreturn 0;\n';
    case 'gt':
      return 'if (a0 > b0) { return 1; }\nreturn 0;\n';
    case 'ge':
      return 'if (a0 >= b0) { return 1; }\nreturn 0;\n';
  }
}

/** `op(a0, b0)` for `dtype` operands as a gpu.js helper function. */
export function binaryFn(op: BinaryOp, dtype: DType): ElementwiseFn {
  // Only div and pow differ for integers.
  const int = dtype !== 'float32' && (op === 'div' || op === 'pow');
  return elementwiseFn(`b_${op}${int ? '_int' : ''}`, ['a0', 'b0'], binaryBody(op, dtype));
}

/** `c0 ? a0 : b0`: the value taken is selected, so a NaN or Infinity in the other never shows. */
export const WHERE_FN: ElementwiseFn = elementwiseFn('w_select', ['c0', 'a0', 'b0'], 'if (c0 != 0) { return a0; }\nreturn b0;\n');

/** Conversion of one `from` value to `to` (every dtype is a float on the device). */
export function castFn(from: DType, to: DType): ElementwiseFn {
  // NaN is non-zero (true) as bool (`== 0`, not `!= 0`, which WGSL makes false for NaN) and 0 as int32.
  if (to === 'bool') return elementwiseFn('c_bool', ['x0'], 'if (x0 == 0) { return 0; }\nreturn 1;\n');
  if (to === 'int32' && from === 'float32') {
    // Truncation toward zero; ±Inf and values beyond the int32 range saturate to ±2^31 (the
    // nearest float32 to 2^31 - 1), which a read turns into the int32 bounds.
    return elementwiseFn(
      'c_int',
      ['x0'],
      `if (${isNaNTest('x0')}) { return 0; }\n` +
        'if (x0 >= 2147483648.0) { return 2147483648.0; }\nif (x0 <= -2147483648.0) { return -2147483648.0; }\n' +
        'if (x0 < 0) { return -Math.floor(-x0); }\nreturn Math.floor(x0);\n',
    );
  }
  return elementwiseFn('c_same', ['x0'], 'return x0;\n');
}

/** The plain copy of a tensor. */
export const COPY_SOURCE = kernelSource(['x'], 'return x[i];\n');

/** A tensor filled with the scalar argument `v`. */
export const FILL_SOURCE = 'function (v) {\nreturn v;\n}';

/** Groups runs of adjacent axes (all reduced or all kept) into single loops/coordinates. */
function mergeAxes(shape: readonly number[], axes: readonly number[]): { sizes: number[]; strides: number[]; reduced: boolean[] } {
  const st = stridesOf(shape);
  const sizes: number[] = [];
  const strides: number[] = [];
  const reduced: boolean[] = [];
  shape.forEach((n, d) => {
    if (n === 1) return;
    const r = axes.includes(d);
    const last = sizes.length - 1;
    if (last >= 0 && reduced[last] === r && strides[last] === st[d]! * n) {
      sizes[last] = sizes[last]! * n;
      strides[last] = st[d]!;
    } else {
      sizes.push(n);
      strides.push(st[d]!);
      reduced.push(r);
    }
  });
  return { sizes, strides, reduced };
}

/**
 * `op` over `axes` of `shape` in one pass: each thread loops over its reduced elements.
 * `R` (the reduced count) must be at least 1.
 */
export function reduceSource(op: ReduceOp, shape: readonly number[], axes: readonly number[]): string {
  const { sizes, strides, reduced } = mergeAxes(shape, axes);
  const kept = sizes.filter((_, k) => !reduced[k]);
  const keptStrides = strides.filter((_, k) => !reduced[k]);
  const { code, coords } = unravel(kept, 'i', 'c');
  let body = `${code}let base = ${linear(coords, keptStrides)};\n`;
  const loops = sizes.map((n, k) => ({ n, s: strides[k]!, r: reduced[k]! })).filter((l) => l.r);
  // Only size-1 axes reduced: a copy.
  if (loops.length === 0) return kernelSource(['x'], `${body}return x[base];\n`);
  body += op === 'sum' ? 'let acc = 0;\n' : 'let acc = x[base];\n';
  let index = 'base';
  let open = '';
  let close = '';
  loops.forEach((l, k) => {
    open += `for (let j${k} = 0; j${k} < ${l.n}; j${k}++) {\n`;
    close += '}\n';
    index += l.s === 1 ? ` + j${k}` : ` + j${k} * ${l.s}`;
  });
  // max: the first NaN is the result (GPU max drops NaN); the loop revisits x[base] too.
  const step = op === 'sum' ? `acc += x[${index}];\n` : `let v = x[${index}];\nif (${isNaNTest('v')}) { return v; }\nacc = Math.max(acc, v);\n`;
  body += `${open}${step}${close}return acc;\n`;
  return kernelSource(['x'], body);
}

/**
 * One stage of a long reduction over the last axis of a contiguous `[rows, length]` tensor:
 * each thread reduces `chunk` consecutive elements, giving `[rows, ceil(length / chunk)]`.
 */
export function reduceChunkSource(op: ReduceOp, length: number, chunk: number): string {
  const parts = Math.ceil(length / chunk);
  let body = floorDiv('row', 'i', parts);
  body += `let part = i - row * ${parts};\nlet start = row * ${length} + part * ${chunk};\n`;
  body += op === 'sum' ? 'let acc = 0;\n' : 'let acc = x[start];\n';
  body += `for (let k = 0; k < ${chunk}; k++) {\nif (part * ${chunk} + k < ${length}) {\n`;
  body += op === 'sum' ? 'acc += x[start + k];\n' : `let v = x[start + k];\nif (${isNaNTest('v')}) { return v; }\nacc = Math.max(acc, v);\n`;
  body += '}\n}\nreturn acc;\n';
  return kernelSource(['x'], body);
}

/** Index of the first maximum along `axis`, or of the first NaN (as on the CPU and in PyTorch). */
export function argmaxSource(shape: readonly number[], axis: number): string {
  const st = stridesOf(shape);
  const outShape = shape.filter((_, d) => d !== axis);
  const outStrides = st.filter((_, d) => d !== axis);
  const { code, coords } = unravel(outShape, 'i', 'c');
  const n = shape[axis]!;
  const s = st[axis]!;
  return kernelSource(
    ['x'],
    `${code}let base = ${linear(coords, outStrides)};\nlet best = x[base];\nif (${isNaNTest('best')}) { return 0; }\nlet bi = 0;\n` +
      `for (let j = 1; j < ${n}; j++) {\nlet v = x[base + j * ${s}];\nif (${isNaNTest('v')}) { return j; }\nif (v > best) { best = v; bi = j; }\n}\nreturn bi;\n`,
  );
}

/** Batched matrix product; see {@link Backend.matmul}. `K` must be at least 1. */
export function matmulSource(
  ba: number,
  bb: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): string {
  const batch = ba === 1 ? bb : ba;
  const { code, coords } = unravel([batch, m, n], 'i', 'c');
  const [cb, cm, cn] = coords as [string, string, string];
  // a: [Ba, M, K] (or [Ba, K, M] when transA); b: [Bb, K, N] (or [Bb, N, K] when transB).
  const aRow = transA ? 1 : k;
  const aK = transA ? m : 1;
  const bK = transB ? 1 : n;
  const bCol = transB ? k : 1;
  const aBase = linear([ba === 1 ? '0' : cb, cm], [m * k, aRow]);
  const bBase = linear([bb === 1 ? '0' : cb, cn], [k * n, bCol]);
  const body =
    `${code}let ia = ${aBase};\nlet ib = ${bBase};\nlet acc = 0;\n` +
    `for (let kk = 0; kk < ${k}; kk++) {\n` +
    `acc += a[ia + kk${aK === 1 ? '' : ` * ${aK}`}] * b[ib + kk${bK === 1 ? '' : ` * ${bK}`}];\n}\nreturn acc;\n`;
  return kernelSource(['a', 'b'], body);
}

/** Output axis `d` is input axis `perm[d]`. */
export function permuteSource(shape: readonly number[], perm: readonly number[]): string {
  const st = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  const { code, coords } = unravel(outShape, 'i', 'c');
  return kernelSource(['x'], `${code}return x[${linear(coords, perm.map((p) => st[p]!))}];\n`);
}

/** Broadcast of `shape` to `outShape` (same rank). */
export function expandSource(shape: readonly number[], outShape: readonly number[]): string {
  const { code, coords } = unravel(outShape, 'i', 'c');
  return kernelSource(['x'], `${code}return x[${linear(coords, broadcastStrides(shape, outShape))}];\n`);
}

/** The box `begin .. begin + size` of `shape`. */
export function sliceSource(shape: readonly number[], begin: readonly number[], size: readonly number[]): string {
  const st = stridesOf(shape);
  const { code, coords } = unravel(size, 'i', 'c');
  const offset = begin.reduce((acc, b, d) => acc + b * st[d]!, 0);
  const idx = linear(coords, st);
  return kernelSource(['x'], `${code}return x[${offset === 0 ? idx : `${offset} + ${idx}`}];\n`);
}

/** Padding with the scalar argument `v`. */
export function padSource(shape: readonly number[], pads: readonly (readonly [number, number])[]): string {
  const st = stridesOf(shape);
  const outShape = shape.map((n, d) => n + pads[d]![0] + pads[d]![1]);
  const { code, coords } = unravel(outShape, 'i', 'c');
  const tests: string[] = [];
  const shifted = coords.map((c, d) => {
    const [before, after] = pads[d]!;
    if (before > 0) tests.push(`${c} < ${before}`);
    if (after > 0) tests.push(`${c} >= ${before + shape[d]!}`);
    return before > 0 ? `(${c} - ${before})` : c;
  });
  const guard = tests.length ? `if (${tests.join(' || ')}) { return v; }\n` : '';
  return kernelSource(['x', 'v'], `${code}${guard}return x[${linear(shifted, st)}];\n`);
}

/** Concatenation of non-empty `shapes` along `axis`. */
export function concatSource(shapes: readonly (readonly number[])[], axis: number): string {
  const outShape = shapes[0]!.map((n, d) => (d === axis ? shapes.reduce((a, s) => a + s[axis]!, 0) : n));
  const { code, coords } = unravel(outShape, 'i', 'c');
  const names = shapes.map((_, k) => `x${k}`);
  let body = code;
  let offset = 0;
  shapes.forEach((s, k) => {
    const st = stridesOf(s);
    const local = coords.map((c, d) => (d === axis && offset > 0 ? `(${c} - ${offset})` : c));
    const read = `return ${names[k]}[${linear(local, st)}];\n`;
    offset += s[axis]!;
    body += k === shapes.length - 1 ? read : `if (${coords[axis]} < ${offset}) { ${read}}\n`;
  });
  return kernelSource(names, body);
}

/** PyTorch's `gather` along `axis`; the output has the index's shape. */
export function gatherSource(xShape: readonly number[], indexShape: readonly number[], axis: number): string {
  const st = stridesOf(xShape);
  const { code, coords } = unravel(indexShape, 'i', 'c');
  const others = linear(
    coords.map((c, d) => (d === axis ? '0' : c)),
    st,
  );
  const sel = st[axis] === 1 ? 'idx[i]' : `idx[i] * ${st[axis]}`;
  return kernelSource(['x', 'idx'], `${code}return x[${others === '0' ? sel : `${others} + ${sel}`}];\n`);
}

/**
 * `scatterAdd`: every output element sums the `src` elements whose index (along `axis`)
 * names it. `indexShape[axis]` must be at least 1.
 */
export function scatterAddSource(indexShape: readonly number[], axis: number, outShape: readonly number[]): string {
  const st = stridesOf(indexShape);
  const { code, coords } = unravel(outShape, 'i', 'c');
  const tests: string[] = [];
  coords.forEach((c, d) => {
    if (d !== axis && indexShape[d]! < outShape[d]!) tests.push(`${c} >= ${indexShape[d]}`);
  });
  const guard = tests.length ? `if (${tests.join(' || ')}) { return 0; }\n` : '';
  const base = linear(
    coords.map((c, d) => (d === axis ? '0' : c)),
    st,
  );
  const s = st[axis]!;
  const body =
    `${code}${guard}let base = ${base};\nlet acc = 0;\n` +
    `for (let j = 0; j < ${indexShape[axis]}; j++) {\nlet p = base + j${s === 1 ? '' : ` * ${s}`};\n` +
    `if (idx[p] == ${coords[axis]}) { acc += src[p]; }\n}\nreturn acc;\n`;
  return kernelSource(['idx', 'src'], body);
}

/** Softmax (or log-softmax) along the last axis, of length `n`, in one pass (for short rows). */
export function softmaxSource(n: number, log: boolean): string {
  let body = floorDiv('row', 'i', n);
  body += `let base = row * ${n};\nlet m = x[base];\n`;
  body += `for (let j = 1; j < ${n}; j++) { m = Math.max(m, x[base + j]); }\n`;
  // A NaN in the row (max may have dropped it) or an infinite maximum (Inf - Inf) makes a NaN
  // difference: the whole row is NaN, as on the CPU (exp(NaN) is Infinity on SwiftShader).
  body += `let s = 0;\nfor (let j = 0; j < ${n}; j++) {\nlet d = x[base + j] - m;\nif (${isNaNTest('d')}) { return d; }\ns += Math.exp(d);\n}\n`;
  body += log ? 'return x[i] - m - Math.log(s);\n' : 'return Math.exp(x[i] - m) / s;\n';
  return kernelSource(['x'], body);
}

/**
 * The first pass of softmax over longer rows of length `n`: two values per row, for thread `t`
 * of `2·rows`: the row's maximum `m` (t even) and `Σ exp(x − m)` (t odd), NaN when the row makes
 * a NaN difference. {@link softmaxSource} recomputes both in every one of the row's `n` threads;
 * here each row's are computed twice, and {@link softmaxApplySource} reads them.
 */
export function softmaxStatsSource(n: number): string {
  let body = floorDiv('row', 'i', 2);
  body += `let base = row * ${n};\nlet m = x[base];\n`;
  body += `for (let j = 1; j < ${n}; j++) { m = Math.max(m, x[base + j]); }\n`;
  body += 'if (i == row * 2) { return m; }\n';
  body += `let s = 0;\nfor (let j = 0; j < ${n}; j++) {\nlet d = x[base + j] - m;\nif (${isNaNTest('d')}) { return d; }\ns += Math.exp(d);\n}\nreturn s;\n`;
  return kernelSource(['x'], body);
}

/** The second pass: softmax (or log-softmax) of each element from its row's {@link softmaxStatsSource}. */
export function softmaxApplySource(n: number, log: boolean): string {
  let body = floorDiv('row', 'i', n);
  body += `let m = st[row * 2];\nlet s = st[row * 2 + 1];\nif (${isNaNTest('s')}) { return s; }\n`;
  body += log ? 'return x[i] - m - Math.log(s);\n' : 'return Math.exp(x[i] - m) / s;\n';
  return kernelSource(['x', 'st'], body);
}

export { num, sizeOf };
