// Convolution kernels over the gemm of gemm.ts: im2col into per-thread scratch, then one
// product per image and group. Each call covers a range of images (forward, input gradient) or
// of input channels (filter gradient), so threads split the work without dividing any sum:
// results do not depend on the thread count.
import { gemm, packedABytes, packWholeA, sgemm } from './gemm';

/** Output channels per group up to which the forward packs the weights once per call (gemm's MC). */
const PACK_ONCE_MAX = 128;

/**
 * The geometry record the caller writes (19 i32 fields, in this order; src/wasm/engine.ts and
 * src/conv.ts write them), read in place.
 */
@unmanaged class Geometry {
  n: i32; c: i32; h: i32; w: i32; o: i32; groups: i32; cg: i32; og: i32; kH: i32; kW: i32;
  oh: i32; ow: i32; sH: i32; sW: i32; dH: i32; dW: i32; top: i32; left: i32; direct: i32;

  /** Rows of the column matrix: input channels per group × taps. */
  @inline get K(): i32 { return this.cg * this.kH * this.kW; }
  /** Output positions per image. */
  @inline get P(): i32 { return this.oh * this.ow; }
  /** Address of group g of image n in an [N, C, H, W] tensor at x. */
  @inline input(x: usize, n: i32, g: i32): usize { return x + ((<usize>(n * this.c + g * this.cg) * this.h * this.w) << 2); }
  /** Address of group g of image n in an [N, O, OH, OW] tensor at y. */
  @inline output(y: usize, n: i32, g: i32): usize { return y + ((<usize>(n * this.o + g * this.og) * this.P) << 2); }
  /** Address of group g's weights [Og, Cg, kH, kW] at wt. */
  @inline weights(wt: usize, g: i32): usize { return wt + ((<usize>g * this.og * this.K) << 2); }
}

/** ⌈a / b⌉ for b > 0 (i32 division truncates toward zero). */
@inline function ceilDiv(a: i32, b: i32): i32 {
  return a >= 0 ? (a + b - 1) / b : -(-a / b);
}

@inline function clamp(v: i32, lo: i32, hi: i32): i32 {
  return min(hi, max(lo, v));
}

// im2col moves runs as short as one image row (often 10–30 floats); memory.copy and
// memory.fill cost more to call than such a run costs to move, so short runs use these loops.

/** Copies n floats from src to dst. */
@inline function copyRun(dst: usize, src: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(dst + (<usize>j << 2), v128.load(src + (<usize>j << 2)));
  for (; j < n; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
}

/** dst[j] += src[j] for n floats. */
@inline function addRun(dst: usize, src: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const at = dst + (<usize>j << 2);
    v128.store(at, f32x4.add(v128.load(at), v128.load(src + (<usize>j << 2))));
  }
  for (; j < n; j++) {
    const at = dst + (<usize>j << 2);
    store<f32>(at, load<f32>(at) + load<f32>(src + (<usize>j << 2)));
  }
}

/** Zeroes columns [0, jLo) and [jHi, ow) of rows iLo..iHi of a column-matrix row at r. */
@inline function clearEdges(r: usize, iLo: i32, iHi: i32, jLo: i32, jHi: i32, ow: i32): void {
  if (jLo == 0 && jHi == ow) return;
  for (let i = iLo; i < iHi; i++) {
    const row = r + (<usize>(i * ow) << 2);
    for (let j = 0; j < jLo; j++) store<f32>(row + (<usize>j << 2), 0);
    for (let j = jHi; j < ow; j++) store<f32>(row + (<usize>j << 2), 0);
  }
}

/** Zeroes n floats at dst. */
@inline function zeroRun(dst: usize, n: i32): void {
  const z = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(dst + (<usize>j << 2), z);
  for (; j < n; j++) store<f32>(dst + (<usize>j << 2), 0);
}

/**
 * Writes (or with `back`, adds back) the column matrix of channels c0..c1 of one image at `x`:
 * row `((c - c0)·kH + p)·kW + q` holds, for every output position, the input that tap (p, q)
 * of channel c reads, 0 where it reads padding. col2im skips padding taps.
 */
function im2col(g: Geometry, x: usize, c0: i32, c1: i32, col: usize, back: bool): void {
  const h = g.h, w = g.w, kH = g.kH, kW = g.kW, oh = g.oh, ow = g.ow;
  const sH = g.sH, sW = g.sW, dH = g.dH, dW = g.dW, top = g.top, left = g.left;
  const rowBytes = <usize>ow << 2;
  const flat = sW == 1 && sH == 1 && ow == w;
  let r = col;
  for (let c = c0; c < c1; c++) {
    const plane = x + ((<usize>c * h * w) << 2);
    for (let p = 0; p < kH; p++) {
      const h0 = p * dH - top;
      const iLo = clamp(ceilDiv(-h0, sH), 0, oh);
      const iHi = max(iLo, clamp(ceilDiv(h - h0, sH), 0, oh));
      for (let q = 0; q < kW; q++) {
        const w0 = q * dW - left;
        const jLo = clamp(ceilDiv(-w0, sW), 0, ow);
        const jHi = max(jLo, clamp(ceilDiv(w - w0, sW), 0, ow));
        const n = jHi - jLo;
        if (!back && iLo > 0) zeroRun(r, iLo * ow);
        if (flat && n > 0 && iHi > iLo) {
          // Output and input rows have one width and stride 1, so the tap's whole block is one
          // run: copy (or add back) from the first valid position to the last, then clear the
          // entries the run wrapped into (they read padding).
          const first = iLo * ow + jLo;
          const count = (iHi - 1) * ow + jHi - first;
          const out = r + (<usize>first << 2);
          const src = plane + (<usize>((iLo + h0) * w + jLo + w0) << 2);
          if (back) {
            clearEdges(r, iLo, iHi, jLo, jHi, ow);
            addRun(src, out, count);
          } else {
            copyRun(out, src, count);
            clearEdges(r, iLo, iHi, jLo, jHi, ow);
            if (iHi < oh) zeroRun(r + <usize>iHi * rowBytes, (oh - iHi) * ow);
          }
          r += <usize>oh * rowBytes;
          continue;
        }
        for (let i = iLo; i < iHi; i++) {
          const out = r + <usize>i * rowBytes;
          const src = plane + ((<usize>((i * sH + h0) * w + w0 + jLo * sW)) << 2);
          if (back) {
            const o = out + (<usize>jLo << 2);
            if (sW == 1) {
              let j = 0;
              for (; j + 4 <= n; j += 4) {
                const at = src + (<usize>j << 2);
                v128.store(at, f32x4.add(v128.load(at), v128.load(o + (<usize>j << 2))));
              }
              for (; j < n; j++) {
                const at = src + (<usize>j << 2);
                store<f32>(at, load<f32>(at) + load<f32>(o + (<usize>j << 2)));
              }
            } else {
              for (let j = 0; j < n; j++) {
                const at = src + (<usize>(j * sW) << 2);
                store<f32>(at, load<f32>(at) + load<f32>(o + (<usize>j << 2)));
              }
            }
          } else {
            if (jLo > 0) zeroRun(out, jLo);
            if (sW == 1) copyRun(out + (<usize>jLo << 2), src, n);
            else for (let j = 0; j < n; j++) store<f32>(out + (<usize>(jLo + j) << 2), load<f32>(src + (<usize>(j * sW) << 2)));
            if (jHi < ow) zeroRun(out + (<usize>jHi << 2), ow - jHi);
          }
        }
        if (!back && iHi < oh) zeroRun(r + <usize>iHi * rowBytes, (oh - iHi) * ow);
        r += <usize>oh * rowBytes;
      }
    }
  }
}

/**
 * `y[n] = W · col(x[n])` per group, for images lo..hi. `col` holds K·P floats of column matrix,
 * then the group's weights packed once for all the images (see {@link convScratchFloats}).
 */
export function conv2dForward(geom: usize, x: usize, wt: usize, y: usize, lo: i32, hi: i32, col: usize, scratch: usize): void {
  const g = changetype<Geometry>(geom);
  const K = g.K, P = g.P, og = g.og;
  const packed = og <= PACK_ONCE_MAX ? col + ((<usize>K * P) << 2) : 0;
  for (let gi = 0; gi < g.groups; gi++) {
    const wg = g.weights(wt, gi);
    if (packed != 0) packWholeA(og, K, wg, K, 1, packed);
    for (let n = lo; n < hi; n++) {
      const xg = g.input(x, n, gi);
      if (!g.direct) im2col(g, xg, 0, g.cg, col, false);
      // The column matrix is read in place (the packed weights follow it, so the last panel's
      // over-read stays inside this scratch).
      gemm(og, P, K, wg, K, 1, packed, g.direct ? xg : col, P, 1, g.output(y, n, gi), P, 0, scratch, packed != 0 && !g.direct);
    }
  }
}

/** Floats of `col` scratch one thread needs for a convolution: column matrix, packed weights. */
export function convScratchFloats(geom: usize): usize {
  const g = changetype<Geometry>(geom);
  return <usize>g.K * g.P + (g.og <= PACK_ONCE_MAX ? packedABytes(g.og, g.K) / 4 : 0);
}

/** `dx[n] += col2im(Wᵀ · dy[n])` per group, for images lo..hi (dx starts zeroed). */
export function conv2dBackpropInput(geom: usize, dy: usize, wt: usize, dx: usize, lo: i32, hi: i32, col: usize, scratch: usize): void {
  const g = changetype<Geometry>(geom);
  const K = g.K, P = g.P;
  for (let n = lo; n < hi; n++) {
    for (let gi = 0; gi < g.groups; gi++) {
      const xg = g.input(dx, n, gi);
      // Wᵀ: A(i, k) = W[g][k][i], row stride 1, column stride K.
      sgemm(K, P, g.og, g.weights(wt, gi), 1, K, g.output(dy, n, gi), P, 1, g.direct ? xg : col, P, 0, scratch);
      if (!g.direct) im2col(g, xg, 0, g.cg, col, true);
    }
  }
}

/**
 * `dW[g][·, c·kk ..] = Σ_n dy[n, g] · col(x[n, g, c])ᵀ` for input channels lo..hi of every
 * group, summed over images in order.
 */
export function conv2dBackpropFilter(geom: usize, x: usize, dy: usize, dw: usize, lo: i32, hi: i32, col: usize, scratch: usize): void {
  const g = changetype<Geometry>(geom);
  const K = g.K, P = g.P;
  const kk = g.kH * g.kW;
  const rows = (hi - lo) * kk;
  if (rows == 0) return;
  for (let n = 0; n < g.n; n++) {
    for (let gi = 0; gi < g.groups; gi++) {
      const xg = g.input(x, n, gi);
      if (!g.direct) im2col(g, xg, lo, hi, col, false);
      const cols = g.direct ? xg + ((<usize>lo * P) << 2) : col;
      // B(k = position, j = row) = col[j·P + k]: row stride 1, column stride P.
      sgemm(g.og, rows, P, g.output(dy, n, gi), P, 1, cols, 1, P, g.weights(dw, gi) + ((<usize>lo * kk) << 2), K, n > 0 ? 1 : 0, scratch);
    }
  }
}
