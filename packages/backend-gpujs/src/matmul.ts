/**
 * Sources of the blocked, packed matmul used on the GL modes (headless-gl, WebGL2, WebGL), in
 * three passes:
 *
 * 1. {@link packSource}, once per operand: the operand is rewritten as four-channel texels
 *    (gpu.js kernels returning `Array(4)`), each holding four consecutive values along K of one
 *    row of op(A) or one column of op(B). The transposes are resolved here, so the product
 *    kernel is the same for every (transA, transB). Rows are padded to an even count and K to a
 *    multiple of four, with zeros.
 * 2. {@link blockedMatmulSource}: each thread computes a 2×2 block of the output from four
 *    texel fetches per four steps of K (16 multiply-adds), where the one-output kernel of
 *    `kernels.ts` makes two scalar fetches per multiply-add. It returns the block as one
 *    four-channel texel.
 * 3. {@link unpackSource}: the blocks back to the backend's flat, one-value-per-element layout.
 *
 * Each output sums its K products in float32 four at a time (`Σ_q (a·b over 4 lanes)`), a
 * different order from the CPU's but the same float32 rounding bound. The zero padding only ever
 * multiplies other padding (along K) or lands in block entries that the unpack drops (rows /
 * columns past M / N), so NaN and ±Infinity propagate exactly as in the one-output kernel.
 *
 * WebGPU cannot pass an `Array(n)` result to another kernel, so it gets a one-pass kernel
 * instead, {@link rowQuadMatmulSource}: each thread computes four adjacent outputs of one row
 * (one fetch of A and four of B per step of K, instead of two fetches per multiply-add), which
 * gpu.js stores as four consecutive floats — the flat layout itself.
 *
 * @internal
 * @module
 */
import { kernelSource, linear, unravel } from './codegen.js';

/**
 * The product with four adjacent outputs per thread (`N` a multiple of 4): thread `t` of the
 * `batch·M·N / 4` threads returns `C[b, m, 4j .. 4j + 3]` for `(b, m, j)` = `t` unravelled, so
 * its four values land at flat elements `4t .. 4t + 3`. Each output sums its K products in order,
 * as the one-output kernel does. Operand layouts as in {@link Backend.matmul}.
 */
export function rowQuadMatmulSource(ba: number, bb: number, m: number, k: number, n: number, transA: boolean, transB: boolean): string {
  const batch = ba === 1 ? bb : ba;
  const { code, coords } = unravel([batch, m, n / 4], 'i', 'c');
  const [cb, cm, cj] = coords as [string, string, string];
  // a: [Ba, M, K] (or [Ba, K, M] when transA); b: [Bb, K, N] (or [Bb, N, K] when transB).
  const aK = transA ? m : 1;
  const bK = transB ? 1 : n;
  const bCol = transB ? k : 1;
  const ia = linear([ba === 1 ? '0' : cb, cm], [m * k, transA ? 1 : k]);
  const ib = linear([bb === 1 ? '0' : cb, cj], [k * n, 4 * bCol]);
  const times = (s: number) => (s === 1 ? '' : ` * ${s}`);
  const body =
    `${code}let ia = ${ia};\nlet ib = ${ib};\n` +
    'let o0 = 0;\nlet o1 = 0;\nlet o2 = 0;\nlet o3 = 0;\n' +
    `for (let kk = 0; kk < ${k}; kk++) {\n` +
    `let av = a[ia + kk${times(aK)}];\nlet p = ib + kk${times(bK)};\n` +
    `o0 += av * b[p];\no1 += av * b[p + ${bCol}];\no2 += av * b[p + ${2 * bCol}];\no3 += av * b[p + ${3 * bCol}];\n` +
    '}\nreturn [o0, o1, o2, o3];\n';
  return kernelSource(['a', 'b'], body);
}

/** Packed rows (padded to even) and K texels of one operand. */
export interface PackedShape {
  /** Batches of this operand (1 when it broadcasts). */
  batch: number;
  /** Rows of op(X) (M for A, N for B), padded to an even count. */
  rows: number;
  /** Texels along K: `ceil(K / 4)`. */
  k4: number;
}

/** The packed shape of an operand with `batch` batches, `rows` rows of op(X) and `k` values along K. */
export function packedShape(batch: number, rows: number, k: number): PackedShape {
  return { batch, rows: rows + (rows % 2), k4: Math.ceil(k / 4) };
}

/**
 * Packs one operand: texel `(b, r, q)` holds `op(X)[b, r, 4q .. 4q + 3]` (zeros past the end),
 * where element `(r, kk)` of batch `b` is at `b·rows·k + r·rowStride + kk·kStride` in the flat
 * input. For A: `rows = M`, `(rowStride, kStride) = transA ? (1, M) : (K, 1)`; for B:
 * `rows = N`, `transB ? (K, 1) : (1, N)`.
 */
export function packSource(batch: number, rows: number, k: number, rowStride: number, kStride: number): string {
  const p = packedShape(batch, rows, k);
  const { code, coords } = unravel([p.batch, p.rows, p.k4], 'i', 'c');
  const [cb, cr, cq] = coords as [string, string, string];
  const base = linear([cb, cr, cq], [rows * k, rowStride, 4 * kStride]);
  let body = `${code}let v0 = 0;\nlet v1 = 0;\nlet v2 = 0;\nlet v3 = 0;\n`;
  let reads = `let p = ${base};\nv0 = x[p];\n`;
  for (let c = 1; c < 4; c++) {
    const read = `v${c} = x[p + ${c * kStride}];`;
    // The last texel of a row may run past K: its missing lanes stay 0.
    reads += k % 4 === 0 ? `${read}\n` : `if (${cq} * 4 + ${c} < ${k}) { ${read} }\n`;
  }
  body += p.rows === rows ? reads : `if (${cr} < ${rows}) {\n${reads}}\n`;
  body += 'return [v0, v1, v2, v3];\n';
  return kernelSource(['x'], body);
}

/**
 * The 2×2-blocked product of packed operands `pa` ({@link packSource} of A) and `pb` (of B):
 * texel `(b, mb, nb)` of the `[batch, ceil(M / 2), ceil(N / 2)]` result holds
 * `[C(2mb, 2nb), C(2mb, 2nb + 1), C(2mb + 1, 2nb), C(2mb + 1, 2nb + 1)]`. `ba` / `bb` are the
 * operands' batch counts (one of them 1 when it broadcasts).
 */
export function blockedMatmulSource(ba: number, bb: number, m: number, k: number, n: number): string {
  const batch = ba === 1 ? bb : ba;
  const pa = packedShape(ba, m, k);
  const pb = packedShape(bb, n, k);
  const k4 = pa.k4;
  const { code, coords } = unravel([batch, pa.rows / 2, pb.rows / 2], 'i', 'c');
  const [cb, cm, cn] = coords as [string, string, string];
  const ia = linear([ba === 1 ? '0' : cb, cm], [pa.rows * k4, 2 * k4]);
  const ib = linear([bb === 1 ? '0' : cb, cn], [pb.rows * k4, 2 * k4]);
  const dot = (x: string, y: string) => `${x}[0] * ${y}[0] + ${x}[1] * ${y}[1] + ${x}[2] * ${y}[2] + ${x}[3] * ${y}[3]`;
  const body =
    `${code}let ia = ${ia};\nlet ib = ${ib};\n` +
    'let c00 = 0;\nlet c01 = 0;\nlet c10 = 0;\nlet c11 = 0;\n' +
    `for (let q = 0; q < ${k4}; q++) {\n` +
    `let a0 = pa[ia + q];\nlet a1 = pa[ia + ${k4} + q];\n` +
    `let b0 = pb[ib + q];\nlet b1 = pb[ib + ${k4} + q];\n` +
    `c00 += ${dot('a0', 'b0')};\n` +
    `c01 += ${dot('a0', 'b1')};\n` +
    `c10 += ${dot('a1', 'b0')};\n` +
    `c11 += ${dot('a1', 'b1')};\n` +
    '}\nreturn [c00, c01, c10, c11];\n';
  return kernelSource(['pa', 'pb'], body);
}

/** The `[batch, M, N]` result, one value per element, from {@link blockedMatmulSource}'s blocks. */
export function unpackSource(batch: number, m: number, n: number): string {
  const mb = Math.ceil(m / 2);
  const nb = Math.ceil(n / 2);
  const { code, coords } = unravel([batch, m, n], 'i', 'c');
  const [cb, cm, cn] = coords as [string, string, string];
  // Row and column within the block: 0 or 1 (exact: floor of a small integer over 2).
  const half = (c: string, v: string) => `let ${v} = Math.floor(${c} * 0.5);\nlet ${v}r = ${c} - ${v} * 2;\n`;
  const body =
    `${code}${half(cm, 'hm')}${half(cn, 'hn')}` +
    `let v = c[${linear([cb, 'hm', 'hn'], [mb * nb, nb, 1])}];\n` +
    'if (hmr == 0) {\nif (hnr == 0) { return v[0]; }\nreturn v[1];\n}\n' +
    'if (hnr == 0) { return v[2]; }\nreturn v[3];\n';
  return kernelSource(['c'], body);
}
