/**
 * Batched float32 matrix multiplication: a packed, cache-blocked GEMM in plain TypeScript.
 *
 * The structure is GotoBLAS's: C is computed in NC-wide column blocks; for each KC-deep slice of
 * K a block of B is packed into NR-wide panels, then MC-tall blocks of A are packed into MR-tall
 * panels, and a micro-kernel multiplies one A panel by one B panel holding the MR×NR tile of C
 * in local variables (registers) for the whole KC loop. Packing makes every inner-loop load
 * sequential regardless of `transA` / `transB`, so transposes cost only an O(MK + KN) copy.
 *
 * Panels are packed into Float64Array scratch (grown once, reused across calls) rather than
 * Float32Array: the micro-kernel then loads doubles directly instead of converting float32 →
 * float64 on every load, which measured a few percent faster here. Products accumulate in float64 within a
 * KC slice, a little more accurate than float32 BLAS.
 */
import type { TensorInfo } from '@profundo/core';
import { activeEngine, allocate, allocateRaw, dataOf } from './storage.js';

/** Micro-tile height and width: 4×4 doubles keep 16 accumulators plus 8 operands mostly in registers. */
const MR = 4;
const NR = 4;
/** K slice: an MR×KC A panel and a KC×NR B panel (8 KiB each) stay in L1. */
const KC = 256;
/** Rows of A packed per block: MC×KC doubles (128 KiB) stay in L2. */
const MC = 64;
/** Columns of B packed per block. */
const NC = 2048;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(0);

/**
 * Packs a `len×kc` block of `src` (element `(l, k)` at `src[off + l*ls + k*ks]`) into 4-lane
 * panels laid out `[panel][k][lane]`, zero-padding the last panel. It packs A's rows
 * (`l` = i, MR lanes) and B's columns (`l` = j, NR lanes) alike, since MR = NR = 4.
 */
function packPanels(
  src: Float32Array,
  off: number,
  ls: number,
  ks: number,
  len: number,
  kc: number,
  dst: Float64Array,
): void {
  let p = 0;
  for (let l0 = 0; l0 < len; l0 += 4) {
    const lanes = Math.min(4, len - l0);
    if (lanes === 4) {
      for (let k = 0, s = off + l0 * ls; k < kc; k++, s += ks, p += 4) {
        dst[p] = src[s]!;
        dst[p + 1] = src[s + ls]!;
        dst[p + 2] = src[s + 2 * ls]!;
        dst[p + 3] = src[s + 3 * ls]!;
      }
    } else {
      for (let k = 0; k < kc; k++, p += 4) {
        for (let t = 0; t < 4; t++) dst[p + t] = t < lanes ? src[off + (l0 + t) * ls + k * ks]! : 0;
      }
    }
  }
}

/**
 * Multiplies a packed mc×kc block of A by a packed kc×nc block of B and adds the product into C
 * at `c0` (row stride `ldc`). The 4×4 micro-kernel is written inline, not as a called function:
 * V8 does not inline a function this large, and a call per tile measured slower.
 * C starts zeroed, so adding is right for the first K slice too.
 */
function macroKernel(
  pa: Float64Array,
  pb: Float64Array,
  mc: number,
  nc: number,
  kc: number,
  C: Float32Array,
  c0: number,
  ldc: number,
): void {
  const panelA = kc * MR;
  const panelB = kc * NR;
  for (let jp = 0, bStart = 0; jp < nc; jp += NR, bStart += panelB) {
    const cols = Math.min(NR, nc - jp);
    for (let ip = 0, aStart = 0; ip < mc; ip += MR, aStart += panelA) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      const aEnd = aStart + panelA;
      for (let ai = aStart, bi = bStart; ai < aEnd; ai += MR, bi += NR) {
        const a0 = pa[ai]!, a1 = pa[ai + 1]!, a2 = pa[ai + 2]!, a3 = pa[ai + 3]!;
        const b0 = pb[bi]!, b1 = pb[bi + 1]!, b2 = pb[bi + 2]!, b3 = pb[bi + 3]!;
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const rows = Math.min(MR, mc - ip);
      let c = c0 + ip * ldc + jp;
      if (rows === MR && cols === NR) {
        C[c] += c00; C[c + 1] += c01; C[c + 2] += c02; C[c + 3] += c03; c += ldc;
        C[c] += c10; C[c + 1] += c11; C[c + 2] += c12; C[c + 3] += c13; c += ldc;
        C[c] += c20; C[c + 1] += c21; C[c + 2] += c22; C[c + 3] += c23; c += ldc;
        C[c] += c30; C[c + 1] += c31; C[c + 2] += c32; C[c + 3] += c33;
      } else {
        // Edge tile: only the valid rows / columns exist in C.
        edgeStore(C, c, cols, c00, c01, c02, c03);
        if (rows > 1) edgeStore(C, c + ldc, cols, c10, c11, c12, c13);
        if (rows > 2) edgeStore(C, c + 2 * ldc, cols, c20, c21, c22, c23);
        if (rows > 3) edgeStore(C, c + 3 * ldc, cols, c30, c31, c32, c33);
      }
    }
  }
}

/** Adds the first `cols` of one tile row into C at `o`. */
function edgeStore(
  C: Float32Array,
  o: number,
  cols: number,
  v0: number,
  v1: number,
  v2: number,
  v3: number,
): void {
  if (cols > 0) C[o] += v0;
  if (cols > 1) C[o + 1] += v1;
  if (cols > 2) C[o + 2] += v2;
  if (cols > 3) C[o + 3] += v3;
}

/**
 * Matrices thinner than one micro-tile (matrix–vector products, M or N < 4) would waste most of
 * a padded 4×4 tile, so they use direct loops: row-times-matrix (axpy) when B's rows are
 * contiguous, dot products otherwise. Every entry of the `M×N` block is written, not added to.
 */
function gemmSmall(
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  aOff: number,
  ars: number,
  acs: number,
  B: Float32Array,
  bOff: number,
  brs: number,
  bcs: number,
  C: Float32Array,
  cOff: number,
): void {
  if (bcs === 1 && N >= NR) {
    const acc = new Float64Array(N);
    for (let i = 0; i < M; i++) {
      acc.fill(0);
      for (let k = 0; k < K; k++) {
        const a = A[aOff + i * ars + k * acs]!;
        const b = bOff + k * brs;
        for (let j = 0; j < N; j++) acc[j] += a * B[b + j]!;
      }
      const o = cOff + i * N;
      for (let j = 0; j < N; j++) C[o + j] = acc[j]!;
    }
    return;
  }
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let ai = aOff + i * ars;
      let bi = bOff + j * bcs;
      for (let k = 0; k < K; k++, ai += acs, bi += brs) s += A[ai]! * B[bi]!;
      C[cOff + i * N + j] = s;
    }
  }
}

/**
 * The `matmul` kernel: `a: [Ba, M, K]` (`[Ba, K, M]` if `transA`) times `b: [Bb, K, N]`
 * (`[Bb, N, K]` if `transB`), batch broadcast when `Ba` or `Bb` is 1. Rank-2 operands are
 * accepted as a batch of one.
 */
export function matmul(a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean): Float32Array {
  const A = dataOf(a) as Float32Array;
  const B = dataOf(b) as Float32Array;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const Ba = ra >= 3 ? a.shape[0]! : 1;
  const Bb = rb >= 3 ? b.shape[0]! : 1;
  const M = transA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const K = transA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const N = transB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const batch = Ba === 1 ? Bb : Ba;
  if (batch * M * N === 0 || K === 0) return allocate('float32', batch * M * N) as Float32Array;
  const C = allocateRaw('float32', batch * M * N) as Float32Array;
  // Element strides of A(i,k) and B(k,j) within one batch entry.
  const ars = transA ? 1 : K;
  const acs = transA ? M : 1;
  const brs = transB ? 1 : N;
  const bcs = transB ? K : 1;
  if (Bb === 1 && !transA) {
    // A shared B with a row-major A: the batch is just more rows of one big product, which
    // packs B once and fills micro-tiles across batch boundaries.
    gemmInto(batch * M, N, K, A, 0, ars, acs, B, 0, brs, bcs, C, 0);
    return C;
  }
  for (let p = 0; p < batch; p++) {
    const aOff = Ba === 1 ? 0 : p * M * K;
    const bOff = Bb === 1 ? 0 : p * K * N;
    gemmInto(M, N, K, A, aOff, ars, acs, B, bOff, brs, bcs, C, p * M * N);
  }
  return C;
}

/**
 * The blocked GEMM on raw arrays, for `matmul` and for kernels (convolution) that multiply
 * blocks of larger buffers; the active WebAssembly engine's when there is one. Overwrites the dense `M×N` block `C[cOff + i·N + j]` with
 * `Σ_k A(i,k)·B(k,j)`, where `A(i,k) = A[aOff + i·ars + k·acs]` and
 * `B(k,j) = B[bOff + k·brs + j·bcs]` (strides express transposes).
 */
export function gemmInto(
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  aOff: number,
  ars: number,
  acs: number,
  B: Float32Array,
  bOff: number,
  brs: number,
  bcs: number,
  C: Float32Array,
  cOff: number,
): void {
  const engine = activeEngine();
  if (engine !== null) {
    engine.gemm(M, N, K, A, aOff, ars, acs, B, bOff, brs, bcs, C, cOff, N, false);
    return;
  }
  if (M < MR || N < NR) {
    gemmSmall(M, N, K, A, aOff, ars, acs, B, bOff, brs, bcs, C, cOff);
    return;
  }
  // The macro-kernel adds into C.
  C.fill(0, cOff, cOff + M * N);
  for (let nc0 = 0; nc0 < N; nc0 += NC) {
    const nc = Math.min(NC, N - nc0);
    const ncp = Math.ceil(nc / NR) * NR;
    for (let kc0 = 0; kc0 < K; kc0 += KC) {
      const kc = Math.min(KC, K - kc0);
      if (packB.length < ncp * kc) packB = new Float64Array(ncp * kc);
      packPanels(B, bOff + kc0 * brs + nc0 * bcs, bcs, brs, nc, kc, packB);
      for (let mc0 = 0; mc0 < M; mc0 += MC) {
        const mc = Math.min(MC, M - mc0);
        const mcp = Math.ceil(mc / MR) * MR;
        if (packA.length < mcp * kc) packA = new Float64Array(mcp * kc);
        packPanels(A, aOff + mc0 * ars + kc0 * acs, ars, acs, mc, kc, packA);
        macroKernel(packA, packB, mc, nc, kc, C, cOff + mc0 * N + nc0, N);
      }
    }
  }
}
