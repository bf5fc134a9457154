/**
 * Fused 2-D convolution kernels: im2col into a reused scratch buffer, then the blocked GEMM of
 * matmul.ts. Images are processed in chunks whose column matrices sit side by side
 * (`[Cg·kH·kW, chunk·OH·OW]`), so each group is one large GEMM per chunk rather than one small
 * GEMM per image:
 *
 * - forward:         `y[·, g] = W[g] · col(x[·, g])`
 * - input gradient:  `dx[·, g] = col2im(W[g]ᵀ · dy[·, g])`
 * - filter gradient: `dW[g] = dy[·, g] · col(x[·, g])ᵀ`, summed over chunks in float64
 *
 * where `dy[·, g]` is the chunk's output gradient for group g, copied into one `[Og, chunk·OH·OW]`
 * matrix. A 1×1 kernel with stride 1 and no padding needs no im2col (the image is its own
 * column matrix) and runs image by image. Scratch buffers grow once and are reused, so
 * steady-state calls allocate only their output.
 *
 * On the SIMD paths the same three kernels run in WebAssembly instead (assembly/conv.ts), image
 * by image, split across threads.
 */
import type { Conv2dParams, TensorInfo } from '@profundo/core';
import { gemmInto } from './matmul.js';
import { activeEngine, allocate, allocateRaw, dataOf } from './storage.js';
import type { ConvKernelName } from './wasm/engine.js';

/** Column-matrix entries per chunk (128 K floats, 512 KiB: a chunk stays in L2); a chunk holds at least one image. */
const CHUNK_ENTRIES = 1 << 17;

let colScratch = new Float32Array(0);
let rowsScratch = new Float32Array(0);
let tileScratch = new Float32Array(0);
let accScratch = new Float64Array(0);

function cols(n: number): Float32Array {
  if (colScratch.length < n) colScratch = new Float32Array(n);
  return colScratch;
}

/** A second scratch matrix: a chunk's output (gradient) rows. */
function rows(n: number): Float32Array {
  if (rowsScratch.length < n) rowsScratch = new Float32Array(n);
  return rowsScratch;
}

/** Images per chunk. */
function chunkOf(g: Geometry): number {
  return Math.max(1, Math.min(g.N, Math.floor(CHUNK_ENTRIES / Math.max(1, g.K * g.P))));
}

/**
 * Copies output channels `g·Og .. g·Og+Og-1` of images `n0 .. n0+B-1` between the NCHW tensor
 * `t` and the `[Og, B·P]` matrix `m` (to `m` when `toMatrix`, else back into `t`).
 */
function shuffle(t: Float32Array, m: Float32Array, g: Geometry, gi: number, n0: number, B: number, toMatrix: boolean): void {
  const { O, Og, P } = g;
  const ld = B * P;
  for (let o = 0; o < Og; o++) {
    for (let b = 0; b < B; b++) {
      const at = ((n0 + b) * O + gi * Og + o) * P;
      const mt = o * ld + b * P;
      if (toMatrix) for (let i = 0; i < P; i++) m[mt + i] = t[at + i]!;
      else for (let i = 0; i < P; i++) t[at + i] = m[mt + i]!;
    }
  }
}

/** Sizes shared by the three kernels. */
interface Geometry {
  N: number;
  C: number;
  H: number;
  W: number;
  O: number;
  G: number;
  Cg: number;
  Og: number;
  kH: number;
  kW: number;
  OH: number;
  OW: number;
  /** Rows of the column matrix, `Cg·kH·kW`. */
  K: number;
  /** Output positions per image, `OH·OW`. */
  P: number;
  /** No im2col needed (1×1, stride 1, no padding). */
  direct: boolean;
}

function geometry(xShape: readonly number[], wShape: readonly number[], p: Conv2dParams): Geometry {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [O, Cg, kH, kW] = wShape as [number, number, number, number];
  const [top, bottom, left, right] = p.padding;
  const OH = Math.floor((H + top + bottom - p.dilation[0] * (kH - 1) - 1) / p.stride[0]) + 1;
  const OW = Math.floor((W + left + right - p.dilation[1] * (kW - 1) - 1) / p.stride[1]) + 1;
  const direct = kH === 1 && kW === 1 && p.stride[0] === 1 && p.stride[1] === 1 && top + bottom + left + right === 0;
  return { N, C, H, W, O, G: p.groups, Cg, Og: O / p.groups, kH, kW, OH, OW, K: Cg * kH * kW, P: OH * OW, direct };
}

/** Whether some taps read padding, so a column matrix must start zeroed before {@link im2col}. */
function padded(p: Conv2dParams): boolean {
  return p.padding[0] + p.padding[1] + p.padding[2] + p.padding[3] > 0;
}

/**
 * im2col, or with `back` its adjoint col2im, for channels `Cg` of one image (starting at `xOff`
 * in `x`) and the column matrix `col` at column `c0` with row stride `ld`: row
 * `(c·kH + p)·kW + q` of `col` holds the input each output position reads through tap `(p, q)`
 * of channel `c`.
 *
 * - im2col writes those rows from `x`, but only positions inside the input: where a tap reads
 *   padding, `col` must already hold 0 (see {@link padded}).
 * - col2im adds every column entry back into the input position it came from, in `x`.
 */
function im2col(x: Float32Array, xOff: number, g: Geometry, p: Conv2dParams, col: Float32Array, c0: number, ld: number, back: boolean): void {
  const { H, W, Cg, kH, kW, OH, OW } = g;
  const [sH, sW] = p.stride;
  const [dH, dW] = p.dilation;
  const top = p.padding[0];
  const left = p.padding[2];
  let r = c0;
  for (let c = 0; c < Cg; c++) {
    const plane = xOff + c * H * W;
    for (let kh = 0; kh < kH; kh++) {
      // Output rows i with 0 <= i·sH + kh·dH - top < H.
      const h0 = kh * dH - top;
      const iLo = Math.min(OH, Math.max(0, Math.ceil(-h0 / sH)));
      const iHi = Math.max(iLo, Math.min(OH, Math.ceil((H - h0) / sH)));
      for (let kw = 0; kw < kW; kw++, r += ld) {
        const w0 = kw * dW - left;
        const jLo = Math.min(OW, Math.max(0, Math.ceil(-w0 / sW)));
        const n = Math.max(jLo, Math.min(OW, Math.ceil((W - w0) / sW))) - jLo;
        let o = r + iLo * OW + jLo;
        let at = plane + (iLo * sH + h0) * W + w0 + jLo * sW;
        const step = sH * W;
        if (back) {
          if (sW === 1) {
            for (let i = iLo; i < iHi; i++, o += OW, at += step) for (let j = 0; j < n; j++) x[at + j] += col[o + j]!;
          } else {
            for (let i = iLo; i < iHi; i++, o += OW, at += step) for (let j = 0; j < n; j++) x[at + j * sW] += col[o + j]!;
          }
        } else if (sW === 1) {
          for (let i = iLo; i < iHi; i++, o += OW, at += step) for (let j = 0; j < n; j++) col[o + j] = x[at + j]!;
        } else {
          for (let i = iLo; i < iHi; i++, o += OW, at += step) for (let j = 0; j < n; j++) col[o + j] = x[at + j * sW]!;
        }
      }
    }
  }
}

/**
 * Runs a convolution kernel in the active engine's heap when tensors live there, writing into
 * `out`; returns false on the pure-TypeScript path (and where the heap is not shared).
 */
function inWasm(kernel: ConvKernelName, g: Geometry, p: Conv2dParams, a: Float32Array, b: Float32Array, out: Float32Array): boolean {
  const engine = activeEngine();
  if (engine === null || !engine.shared) return false;
  const fields = [
    g.N, g.C, g.H, g.W, g.O, g.G, g.Cg, g.Og, g.kH, g.kW, g.OH, g.OW,
    p.stride[0], p.stride[1], p.dilation[0], p.dilation[1], p.padding[0], p.padding[2], g.direct ? 1 : 0,
  ];
  const count = kernel === 'conv2dBackpropFilter' ? g.Cg : g.N;
  engine.conv(kernel, fields, a.byteOffset, b.byteOffset, out.byteOffset, count, 2 * g.N * g.O * g.K * g.P);
  return true;
}

/** `conv2d` without bias: `[N, C, H, W]` ⊛ `[O, C/G, kH, kW]` → `[N, O, OH, OW]`. */
export function conv2d(x: TensorInfo, weight: TensorInfo, p: Conv2dParams): Float32Array {
  const X = dataOf(x) as Float32Array;
  const Wt = dataOf(weight) as Float32Array;
  const g = geometry(x.shape, weight.shape, p);
  const { N, C, H, W, O, G, Cg, Og, K, P } = g;
  if (N * O * P === 0 || K === 0) return allocate('float32', N * O * P) as Float32Array;
  const Y = allocateRaw('float32', N * O * P) as Float32Array;
  if (inWasm('conv2dForward', g, p, X, Wt, Y)) return Y;
  if (g.direct) {
    for (let n = 0; n < N; n++) {
      for (let gi = 0; gi < G; gi++) {
        const xOff = (n * C + gi * Cg) * H * W;
        gemmInto(Og, P, K, Wt, gi * Og * K, K, 1, X, xOff, P, 1, Y, (n * O + gi * Og) * P);
      }
    }
    return Y;
  }
  const chunk = chunkOf(g);
  const col = cols(K * chunk * P);
  const out = rows(Og * chunk * P);
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const B = Math.min(chunk, N - n0);
    const ld = B * P;
    for (let gi = 0; gi < G; gi++) {
      if (padded(p)) col.fill(0, 0, K * ld);
      for (let b = 0; b < B; b++) im2col(X, ((n0 + b) * C + gi * Cg) * H * W, g, p, col, b * P, ld, false);
      if (B === 1) {
        gemmInto(Og, P, K, Wt, gi * Og * K, K, 1, col, 0, P, 1, Y, (n0 * O + gi * Og) * P);
      } else {
        gemmInto(Og, ld, K, Wt, gi * Og * K, K, 1, col, 0, ld, 1, out, 0);
        shuffle(Y, out, g, gi, n0, B, false);
      }
    }
  }
  return Y;
}

/** Gradient of {@link conv2d} with respect to its input, of `inputShape`. */
export function conv2dBackpropInput(
  dy: TensorInfo,
  weight: TensorInfo,
  inputShape: readonly number[],
  p: Conv2dParams,
): Float32Array {
  const dY = dataOf(dy) as Float32Array;
  const Wt = dataOf(weight) as Float32Array;
  const g = geometry(inputShape, weight.shape, p);
  const { N, C, H, W, O, G, Cg, Og, K, P } = g;
  const dX = allocate('float32', N * C * H * W) as Float32Array;
  if (dX.length === 0 || P === 0 || O === 0) return dX;
  if (inWasm('conv2dBackpropInput', g, p, dY, Wt, dX)) return dX;
  // W[g]ᵀ · dy: A(i, k) = W[g][k][i], so row stride 1 and column stride K.
  if (g.direct) {
    for (let n = 0; n < N; n++) {
      for (let gi = 0; gi < G; gi++) {
        gemmInto(K, P, Og, Wt, gi * Og * K, 1, K, dY, (n * O + gi * Og) * P, P, 1, dX, (n * C + gi * Cg) * H * W);
      }
    }
    return dX;
  }
  const chunk = chunkOf(g);
  const col = cols(K * chunk * P);
  const grad = rows(Og * chunk * P);
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const B = Math.min(chunk, N - n0);
    const ld = B * P;
    for (let gi = 0; gi < G; gi++) {
      if (B === 1) {
        gemmInto(K, P, Og, Wt, gi * Og * K, 1, K, dY, (n0 * O + gi * Og) * P, P, 1, col, 0);
      } else {
        shuffle(dY, grad, g, gi, n0, B, true);
        gemmInto(K, ld, Og, Wt, gi * Og * K, 1, K, grad, 0, ld, 1, col, 0);
      }
      for (let b = 0; b < B; b++) im2col(dX, ((n0 + b) * C + gi * Cg) * H * W, g, p, col, b * P, ld, true);
    }
  }
  return dX;
}

/** Gradient of {@link conv2d} with respect to its weight, of `weightShape`. */
export function conv2dBackpropFilter(
  x: TensorInfo,
  dy: TensorInfo,
  weightShape: readonly number[],
  p: Conv2dParams,
): Float32Array {
  const X = dataOf(x) as Float32Array;
  const dY = dataOf(dy) as Float32Array;
  const g = geometry(x.shape, weightShape, p);
  const { N, C, H, W, O, G, Cg, Og, K, P } = g;
  if (O * K === 0 || P === 0 || N === 0) return allocate('float32', O * K) as Float32Array;
  const dW = allocateRaw('float32', O * K) as Float32Array;
  if (inWasm('conv2dBackpropFilter', g, p, X, dY, dW)) return dW;
  const tileSize = Og * K;
  if (tileScratch.length < tileSize) tileScratch = new Float32Array(tileSize);
  if (accScratch.length < dW.length) accScratch = new Float64Array(dW.length);
  const tile = tileScratch;
  const acc = accScratch;
  acc.fill(0, 0, dW.length);
  const chunk = g.direct ? 1 : chunkOf(g);
  const col = g.direct ? X : cols(K * chunk * P);
  const grad = g.direct ? tile : rows(Og * chunk * P);
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const B = Math.min(chunk, N - n0);
    const ld = B * P;
    for (let gi = 0; gi < G; gi++) {
      // dy · colᵀ: B(k, j) = col[j][k], so row stride 1 and column stride ld.
      if (g.direct) {
        gemmInto(Og, K, P, dY, (n0 * O + gi * Og) * P, P, 1, X, (n0 * C + gi * Cg) * H * W, 1, P, tile, 0);
      } else {
        if (padded(p)) col.fill(0, 0, K * ld);
        for (let b = 0; b < B; b++) im2col(X, ((n0 + b) * C + gi * Cg) * H * W, g, p, col, b * P, ld, false);
        shuffle(dY, grad, g, gi, n0, B, true);
        gemmInto(Og, K, ld, grad, 0, ld, 1, col, 0, 1, ld, tile, 0);
      }
      const base = gi * tileSize;
      for (let t = 0; t < tileSize; t++) acc[base + t] += tile[t]!;
    }
  }
  for (let t = 0; t < dW.length; t++) dW[t] = acc[t]!;
  return dW;
}
