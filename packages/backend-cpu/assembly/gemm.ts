// Packed-panel SGEMM for WebAssembly SIMD (AssemblyScript).
//
// C[M×N] (=|+=) A[M×K] · B[K×N], with A(i,k) at a + 4·(i·ars + k·acs) and B(k,j) at
// b + 4·(k·brs + j·bcs): strides express transposes, which cost only the packing pass.
//
// GotoBLAS structure: for each NC-wide column block and KC-deep slice, B is packed into
// NR-wide panels ([panel][k][8], stays in L3/L2), then each MC-tall row block of A into
// MR-tall panels ([panel][k][4], stays in L2); the micro-kernel keeps a 4×8 tile of C in 8
// f32x4 registers for the whole KC loop while one B micro-panel (KC·32 bytes) stays in L1.
// A 6×8 tile (12 accumulators) measured half as fast: V8 spills once 15 of x64's 16 vector
// registers are live, and a 4×8 tile already reaches ~95% of the FMA peak here.
//
// Built twice: with relaxed SIMD the multiply-add is fused (`f32x4.relaxed_madd`), without it
// a separate mul and add. Each build is deterministic; the two differ in the last bits.

const MR = 4;
const NR = 8;
const KC = 256;
const MC = 128;
const NC = 2048;

/** Bytes of scratch one caller must provide: the packed A block, the packed B block, an edge tile. */
export function scratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * Four runs of four floats (run c at src + c·cs, element k at + 4k) written transposed: row k
 * of the output (at dst + k·ds) gets element k of runs 0..3.
 */
@inline function transpose4(src: usize, cs: usize, dst: usize, ds: usize): void {
  const c0 = v128.load(src), c1 = v128.load(src + cs), c2 = v128.load(src + 2 * cs), c3 = v128.load(src + 3 * cs);
  const t0 = v128.shuffle<f32>(c0, c1, 0, 4, 1, 5); // c0k0 c1k0 c0k1 c1k1
  const t1 = v128.shuffle<f32>(c2, c3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(c0, c1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(c2, c3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + ds, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * ds, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * ds, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/** Packs rows i0..i0+mc of A over k0..k0+kc into MR-row panels, zero-padding the last. */
function packA(a: usize, ars: i32, acs: i32, mc: i32, kc: i32, dst: usize): void {
  const rs = <usize>ars << 2;
  const cs = <usize>acs << 2;
  for (let i = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    let src = a + <usize>i * rs;
    if (rows == MR && ars == 1) {
      // Aᵀ stored row-major: the panel's four rows at one k are adjacent.
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(src));
        src += cs;
        dst += MR * 4;
      }
    } else if (rows == MR && acs == 1) {
      // Row-major A: each row runs along k. Transpose 4×4 blocks in registers.
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        transpose4(src, rs, dst, MR * 4);
        src += 16;
        dst += 4 * MR * 4;
      }
      for (; k < kc; k++) {
        store<f32>(dst, load<f32>(src));
        store<f32>(dst, load<f32>(src + rs), 4);
        store<f32>(dst, load<f32>(src + 2 * rs), 8);
        store<f32>(dst, load<f32>(src + 3 * rs), 12);
        src += cs;
        dst += MR * 4;
      }
    } else if (rows == MR) {
      for (let k = 0; k < kc; k++) {
        store<f32>(dst, load<f32>(src));
        store<f32>(dst, load<f32>(src + rs), 4);
        store<f32>(dst, load<f32>(src + 2 * rs), 8);
        store<f32>(dst, load<f32>(src + 3 * rs), 12);
        src += cs;
        dst += MR * 4;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let r = 0; r < MR; r++) {
          store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(src + <usize>r * rs) : 0);
        }
        src += cs;
        dst += MR * 4;
      }
    }
  }
}

/** Packs columns of B over k0..k0+kc into NR-column panels, zero-padding the last. */
function packB(b: usize, brs: i32, bcs: i32, nc: i32, kc: i32, dst: usize): void {
  const rs = <usize>brs << 2;
  const cs = <usize>bcs << 2;
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    let src = b + <usize>j * cs;
    if (cols == NR && bcs == 1) {
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += rs;
        dst += NR * 4;
      }
    } else if (cols == NR && brs == 1) {
      // Bᵀ stored row-major: each column runs along k. Transpose 4×4 blocks in registers.
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        transpose4(src, cs, dst, NR * 4);
        transpose4(src + 4 * cs, cs, dst + 16, NR * 4);
        src += 16;
        dst += 4 * NR * 4;
      }
      for (; k < kc; k++) {
        for (let c = 0; c < NR; c++) store<f32>(dst + (<usize>c << 2), load<f32>(src + <usize>c * cs));
        src += rs;
        dst += NR * 4;
      }
    } else if (cols == NR) {
      for (let k = 0; k < kc; k++) {
        for (let c = 0; c < NR; c++) store<f32>(dst + (<usize>c << 2), load<f32>(src + <usize>c * cs));
        src += rs;
        dst += NR * 4;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let c = 0; c < NR; c++) {
          store<f32>(dst + (<usize>c << 2), c < cols ? load<f32>(src + <usize>c * cs) : 0);
        }
        src += rs;
        dst += NR * 4;
      }
    }
  }
}

/**
 * One MR×NR tile: c (row stride ldc bytes) = (c +) Σ_k pa[k]·pb[k]. `add` selects accumulate.
 */
@inline function micro(kc: i32, pa: usize, pb: usize, bStep: usize, c: usize, ldc: usize, add: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    pa += MR * 4;
    pb += bStep;
  }
  if (add) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc)); c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc)); c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc)); c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

/**
 * Multiplies a packed mc×kc A block by a packed kc×nc B block into C at c (row stride ldc
 * bytes). Tiles that hang over C's edge are computed into `edge` (4×8) and copied in part.
 */
function macro(mc: i32, nc: i32, kc: i32, pa: usize, pb: usize, bStep: usize, c: usize, ldc: usize, add: bool, edge: usize): void {
  const panelA = <usize>kc * MR * 4;
  // Packed B: panels of kc rows of NR floats, one after another. Unpacked (row-major B read in
  // place): panel j starts NR floats after panel j - 1, and its rows are bStep apart.
  const panelB = bStep == NR * 4 ? <usize>kc * NR * 4 : NR * 4;
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    const bp = pb + <usize>(j / NR) * panelB;
    for (let i = 0; i < mc; i += MR) {
      const rows = min(MR, mc - i);
      const ap = pa + <usize>(i / MR) * panelA;
      const ct = c + <usize>i * ldc + (<usize>j << 2);
      if (rows == MR && cols == NR) {
        micro(kc, ap, bp, bStep, ct, ldc, add);
      } else {
        micro(kc, ap, bp, bStep, edge, NR * 4, false);
        for (let r = 0; r < rows; r++) {
          const row = ct + <usize>r * ldc;
          const e = edge + <usize>r * NR * 4;
          for (let q = 0; q < cols; q++) {
            const v = load<f32>(e + (<usize>q << 2));
            const at = row + (<usize>q << 2);
            store<f32>(at, add ? load<f32>(at) + v : v);
          }
        }
      }
    }
  }
}

/**
 * Depth of the K slices: equal slices of at most KC (800 = 4 × 200, not 3 × 256 + 32), since a
 * shallow last slice would spend as long loading and storing C tiles as multiplying.
 */
@inline function sliceDepth(K: i32): i32 {
  const slices = (K + KC - 1) / KC;
  return (K + slices - 1) / slices;
}

/**
 * C (row stride ldc elements) = A·B, or += when `accumulate` is non-zero. `scratch` points at
 * {@link scratchBytes} bytes that no other caller uses at the same time.
 */
export function sgemm(
  M: i32, N: i32, K: i32,
  a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32,
  c: usize, ldc: i32,
  accumulate: i32, scratch: usize,
): void {
  gemm(M, N, K, a, ars, acs, 0, b, brs, bcs, c, ldc, accumulate, scratch);
}

/** Bytes {@link packWholeA} writes for an M×K operand. */
export function packedABytes(M: i32, K: i32): usize {
  return <usize>((M + MR - 1) / MR) * MR * K * 4;
}

/**
 * Packs all of A (M ≤ MC rows) slice by slice, the way {@link gemm} reads it when given the
 * result: a convolution multiplies the same weights by every image, so it packs them once.
 */
export function packWholeA(M: i32, K: i32, a: usize, ars: i32, acs: i32, dst: usize): void {
  const kStep = sliceDepth(K);
  const rows = <usize>((M + MR - 1) / MR) * MR;
  for (let k0 = 0; k0 < K; k0 += kStep) {
    const kc = min(kStep, K - k0);
    packA(a + ((<usize>k0 * acs) << 2), ars, acs, M, kc, dst);
    dst += rows * kc * 4;
  }
}

/**
 * {@link sgemm}, reading A from `packed` (made by {@link packWholeA}; M ≤ MC) when it is not 0.
 * With `inPlaceB` (only with `packed`, and B row-major: bcs = 1) the micro-kernel reads B's rows
 * where they lie instead of packing them: for a product used once, such as a convolution's
 * column matrix, packing would be a whole extra pass. The last panel may read up to NR - 1
 * floats past the end of B's last row (the results there are discarded): the caller must own
 * that memory.
 */
export function gemm(
  M: i32, N: i32, K: i32,
  a: usize, ars: i32, acs: i32, packed: usize,
  b: usize, brs: i32, bcs: i32,
  c: usize, ldc: i32,
  accumulate: i32, scratch: usize, inPlaceB: bool = false,
): void {
  const ldcb = <usize>ldc << 2;
  if (K == 0) {
    if (!accumulate) for (let i = 0; i < M; i++) memory.fill(c + <usize>i * ldcb, 0, <usize>N << 2);
    return;
  }
  const pa = scratch;
  const pb = scratch + MC * KC * 4;
  const kStep = sliceDepth(K);
  const rows = <usize>((M + MR - 1) / MR) * MR;
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = min(NC, N - j0);
    let slice = packed;
    for (let k0 = 0; k0 < K; k0 += kStep) {
      const kc = min(kStep, K - k0);
      if (!inPlaceB) packB(b + ((<usize>k0 * brs + <usize>j0 * bcs) << 2), brs, bcs, nc, kc, pb);
      const add = accumulate != 0 || k0 > 0;
      if (packed != 0) {
        if (inPlaceB) {
          // B read where it lies: no packing pass.
          const bk = b + ((<usize>k0 * brs + <usize>j0) << 2);
          macro(M, nc, kc, slice, bk, <usize>brs << 2, c + (<usize>j0 << 2), ldcb, add, pb + KC * NC * 4);
        } else {
          macro(M, nc, kc, slice, pb, NR * 4, c + (<usize>j0 << 2), ldcb, add, pb + KC * NC * 4);
        }
        slice += rows * kc * 4;
        continue;
      }
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = min(MC, M - i0);
        packA(a + ((<usize>i0 * ars + <usize>k0 * acs) << 2), ars, acs, mc, kc, pa);
        macro(mc, nc, kc, pa, pb, NR * 4, c + <usize>i0 * ldcb + (<usize>j0 << 2), ldcb, add, pb + KC * NC * 4);
      }
    }
  }
}
