/**
 * Sources of the fused 2-D convolution kernels (NCHW activations, OIHW weights), one output
 * element per thread, for fixed shapes and geometry (everything inlined as literals):
 *
 * - forward: each output loops over its group's `C/groups` channels and the kernel taps that
 *   land inside the input (the range is clipped per thread, so padding costs nothing);
 * - input gradient: each input element loops over exactly the (tap, output position) pairs
 *   whose window reads it — solved from `o·s + p·d = x + pad` (see {@link adjoint}) — and the
 *   group's output channels;
 * - filter gradient: each weight element loops over the batch and the output positions whose
 *   tap reads inside the input.
 *
 * On the GL modes, one-group convolutions of at least 2^15 multiply-adds take blocked, packed
 * versions of all three instead (from {@link im2colPackSource} on): each is one of matmul.ts's
 * 2×2-blocked products over operands packed straight from NCHW / OIHW. On WebGPU, where results
 * cannot be four-channel texels, the same column sources write one value per element (`lanes =
 * 1`) for the four-outputs-per-thread matmul, when the product's N is a multiple of 4 and the
 * column matrix fits.
 *
 * @internal
 * @module
 */
import type { Conv2dParams } from '@profundo/core';
import { floorDiv, kernelSource, linear, unravel } from './codegen.js';
import { adjoint, clipped } from './windows.js';

/** Sizes of one convolution. */
export interface ConvGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  O: number;
  Cg: number;
  Og: number;
  G: number;
  kH: number;
  kW: number;
  OH: number;
  OW: number;
  sH: number;
  sW: number;
  dH: number;
  dW: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** The geometry of `conv2d(x: xShape, w: wShape)` (see {@link Conv2dParams}). */
export function convGeometry(xShape: readonly number[], wShape: readonly number[], p: Conv2dParams): ConvGeometry {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [O, Cg, kH, kW] = wShape as [number, number, number, number];
  const [top, bottom, left, right] = p.padding;
  const [sH, sW] = p.stride;
  const [dH, dW] = p.dilation;
  const OH = Math.floor((H + top + bottom - dH * (kH - 1) - 1) / sH) + 1;
  const OW = Math.floor((W + left + right - dW * (kW - 1) - 1) / sW) + 1;
  return { N, C, H, W, O, Cg, Og: O / p.groups, G: p.groups, kH, kW, OH, OW, sH, sW, dH, dW, top, bottom, left, right };
}

/** `Math.floor(coord / size)` into `name`, or `'0'` when there is one group. */
function groupOf(name: string, coord: string, size: number, groups: number): { code: string; g: string } {
  if (groups === 1) return { code: '', g: '0' };
  return { code: floorDiv(name, coord === '0' ? '0' : coord, size), g: name };
}

const times = (a: string, b: number): string => (b === 1 ? a : `${a} * ${b}`);

/** Forward: `y[n, o, i, j] = Σ_{c, p, q} x[n, g·Cg + c, i·sH + p·dH - top, j·sW + q·dW - left] · w[o, c, p, q]`. */
export function conv2dSource(g: ConvGeometry): string {
  const { C, H, W, O, Cg, Og, G, kH, kW, OH, OW, sH, sW, dH, dW, top, bottom, left, right } = g;
  const HW = H * W;
  const K = kH * kW;
  const { code, coords } = unravel([g.N, O, OH, OW], 'i', 'z');
  const [n, o, oh, ow] = coords as [string, string, string, string];
  const grp = groupOf('grp', o, Og, G);
  let body = code + grp.code;
  body += `let xb = ${linear([n, grp.g], [C * HW, Cg * HW])};\n`;
  body += `let wb = ${linear([o], [Cg * K])};\n`;
  body += `let h0 = ${times(oh, sH)} - ${top};\nlet w0 = ${times(ow, sW)} - ${left};\n`;
  const rows = clipped('p', 'h0', dH, kH, H, top > 0, bottom > 0);
  const cols = clipped('q', 'w0', dW, kW, W, left > 0, right > 0);
  body += rows.prelude + cols.prelude + 'let acc = 0;\n';
  body += rows.open + `let xr = xb + (h0 + ${times('p', dH)}) * ${W} + w0;\nlet wr = wb + ${times('p', kW)};\n`;
  body += cols.open + `let xo = xr + ${times('q', dW)};\nlet wo = wr + q;\n`;
  body += `for (let ci = 0; ci < ${Cg}; ci++) {\nacc += x[xo + ${times('ci', HW)}] * w[wo + ${times('ci', K)}];\n}\n`;
  body += cols.close + rows.close + 'return acc;\n';
  return kernelSource(['x', 'w'], body);
}

/** Input gradient: `dx[n, c, h, w] = Σ dy[n, o, i, j] · w[o, c mod Cg, p, q]` over `i·sH + p·dH = h + top`, `j·sW + q·dW = w + left`. */
export function conv2dBackpropInputSource(g: ConvGeometry): string {
  const { N, C, H, W, O, Cg, Og, G, kH, kW, OH, OW, sH, sW, dH, dW, top, left } = g;
  const P = OH * OW;
  const K = kH * kW;
  const { code, coords } = unravel([N, C, H, W], 'i', 'z');
  const [n, c, h, w] = coords as [string, string, string, string];
  const grp = groupOf('grp', c, Cg, G);
  let body = code + grp.code;
  const cl = G === 1 ? c : 'cl';
  if (G > 1) body += `let cl = ${c} - grp * ${Cg};\n`;
  body += `let dyb = ${linear([n, grp.g], [O * P, Og * P])};\n`;
  body += `let wb = ${linear([grp.g, cl], [Og * Cg * K, K])};\n`;
  const rows = adjoint('p', 'oh', top ? `${h} + ${top}` : h, kH, sH, dH, OH, H - 1 + top);
  const cols = adjoint('q', 'ow', left ? `${w} + ${left}` : w, kW, sW, dW, OW, W - 1 + left);
  body += rows.prelude + cols.prelude + 'let acc = 0;\n';
  body += rows.open + `let dr = dyb + ${times('oh', OW)};\nlet wr = wb + ${times('p', kW)};\n`;
  body += cols.open + `let dof = dr + ow;\nlet wof = wr + q;\n`;
  body += `for (let oo = 0; oo < ${Og}; oo++) {\nacc += dy[dof + ${times('oo', P)}] * w[wof + ${times('oo', Cg * K)}];\n}\n`;
  body += cols.close + rows.close + 'return acc;\n';
  return kernelSource(['dy', 'w'], body);
}

/** Filter gradient: `dw[o, c, p, q] = Σ_{n, i, j} dy[n, o, i, j] · x[n, g·Cg + c, i·sH + p·dH - top, j·sW + q·dW - left]`. */
export function conv2dBackpropFilterSource(g: ConvGeometry): string {
  const { N, C, H, W, O, Cg, Og, G, kH, kW, OH, OW, sH, sW, dH, dW, top, bottom, left, right } = g;
  const HW = H * W;
  const P = OH * OW;
  const { code, coords } = unravel([O, Cg, kH, kW], 'i', 'z');
  const [o, c, p, q] = coords as [string, string, string, string];
  const grp = groupOf('grp', o, Og, G);
  let body = code + grp.code;
  body += `let xb = ${linear([grp.g, c], [Cg * HW, HW])};\n`;
  body += `let dyb = ${linear([o], [P])};\n`;
  body += `let e = ${times(p, dH)} - ${top};\nlet f = ${times(q, dW)} - ${left};\n`;
  const rows = clipped('oh', 'e', sH, OH, H, top > 0, bottom > 0);
  const cols = clipped('ow', 'f', sW, OW, W, left > 0, right > 0);
  body += rows.prelude + cols.prelude + 'let acc = 0;\n';
  body += rows.open + `let xr = xb + (e + ${times('oh', sH)}) * ${W} + f;\nlet dr = dyb + ${times('oh', OW)};\n`;
  body += cols.open + `let xo = xr + ${times('ow', sW)};\nlet dof = dr + ow;\n`;
  body += `for (let nn = 0; nn < ${N}; nn++) {\nacc += dy[dof + ${times('nn', O * P)}] * x[xo + ${times('nn', C * HW)}];\n}\n`;
  body += cols.close + rows.close + 'return acc;\n';
  return kernelSource(['x', 'dy'], body);
}

/**
 * Forward as a blocked matmul (GL modes, one group): `Y[o, (n, oh, ow)] = Σ_k W[o, k] ·
 * cols[k, (n, oh, ow)]` with `k = (c, p, q)`, where {@link im2colPackSource} writes the columns
 * straight into the four-channel texels that matmul.ts's {@link blockedMatmulSource} reads (no
 * one-value-per-element im2col in between), the weights are packed by its `packSource` (rows O,
 * K = C·kH·kW contiguous) and {@link convUnpackSource} writes the 2×2 blocks back as NCHW.
 * The backend takes it for at least 2^15 multiply-adds, where it replaces {@link conv2dSource}'s
 * scalar fetch per multiply-add with one texel fetch per four. One difference from the one-output
 * kernel: a tap that lands in the padding multiplies a zero column entry instead of being
 * skipped, so an infinite weight gives NaN there (a NaN or infinite input value propagates the same).
 */

/**
 * The packed columns of the convolution: texel `(r, t)` of `[rows, ceil(K / 4)]` (rows = N·OH·OW
 * padded to even) holds `cols[4t .. 4t + 3, r]`: for output position `r = (n, oh, ow)` and tap
 * `k = (c, p, q)`, `x[n, c, oh·sH + p·dH − top, ow·sW + q·dW − left]`, 0 where that lies in the
 * padding, past K or past the last row. With `lanes = 1` (WebGPU) it is the plain one-value
 * `[N·OH·OW, K]` matrix instead.
 */
export function im2colPackSource(g: ConvGeometry, lanes: 1 | 4 = 4): string {
  const { N, C, H, W, kH, kW, OH, OW, sH, sW, dH, dW, top, left } = g;
  const K = C * kH * kW;
  const P = N * OH * OW;
  const rows = lanes === 4 ? P + (P % 2) : P;
  const k4 = Math.ceil(K / lanes);
  const { code, coords } = unravel([rows, k4], 'i', 'z');
  const [r, t] = coords as [string, string];
  const pos = unravel([N, OH, OW], r, 'r');
  const [n, oh, ow] = pos.coords as [string, string, string];
  let body = code;
  let perLane = pos.code;
  perLane += `let xb = ${linear([n], [C * H * W])};\nlet h0 = ${times(oh, sH)} - ${top};\nlet w0 = ${times(ow, sW)} - ${left};\n`;
  for (let l = 0; l < lanes; l++) {
    const kk = `k${l}`;
    const tap = unravel([C, kH, kW], kk, `t${l}`);
    const [c, p, q] = tap.coords as [string, string, string];
    let lane = `let ${kk} = ${times(t, lanes)}${l ? ` + ${l}` : ''};\n${tap.code}`;
    lane += `let hh${l} = h0 + ${times(p, dH)};\nlet ww${l} = w0 + ${times(q, dW)};\n`;
    const at = linear([c], [H * W]);
    lane += `if (hh${l} >= 0 && hh${l} < ${H} && ww${l} >= 0 && ww${l} < ${W}) { v${l} = x[xb + ${at === '0' ? '' : `${at} + `}hh${l} * ${W} + ww${l}]; }\n`;
    // The last texel may run past K: its missing lanes stay 0 (lane 0 never does).
    perLane += K % 4 === 0 || l === 0 ? lane : `if (${t} * 4 + ${l} < ${K}) {\n${lane}}\n`;
  }
  return kernelSource(['x'], body + lanesBody(lanes, rows === P ? perLane : `if (${r} < ${P}) {\n${perLane}}\n`));
}

/** The zeroed lanes `v0 …`, `code` that sets them, and the return of one value or a texel. */
function lanesBody(lanes: 1 | 4, code: string): string {
  const zeros = lanes === 4 ? 'let v0 = 0;\nlet v1 = 0;\nlet v2 = 0;\nlet v3 = 0;\n' : 'let v0 = 0;\n';
  return zeros + code + (lanes === 4 ? 'return [v0, v1, v2, v3];\n' : 'return v0;\n');
}

/** `y[n, o, oh, ow]` (NCHW, one value per element) from the 2×2 blocks of `Y[O, N·OH·OW]`. */
export function convUnpackSource(g: ConvGeometry): string {
  const { N, O, OH, OW } = g;
  const S = OH * OW;
  const nb = Math.ceil((N * S) / 2);
  const { code, coords } = unravel([N, O, S], 'i', 'c');
  const [n, o, s] = coords as [string, string, string];
  const half = (c: string, v: string) => `let ${v} = Math.floor(${c} * 0.5);\nlet ${v}r = ${c} - ${v} * 2;\n`;
  const body =
    `${code}let col = ${linear([n, s], [S, 1])};\n` +
    `${half(o, 'hm')}${half('col', 'hn')}` +
    `let v = c[hm * ${nb} + hn];\n` +
    'if (hmr == 0) {\nif (hnr == 0) { return v[0]; }\nreturn v[1];\n}\n' +
    'if (hnr == 0) { return v[2]; }\nreturn v[3];\n';
  return kernelSource(['c'], body);
}

/**
 * Filter gradient as a blocked matmul (GL modes, one group): `dW[o, k] = Σ_r dy[o, r] · cols[k, r]`
 * over the output positions `r = (n, oh, ow)`, which are the product's K here. This packs `dy`
 * as matmul's A: texel `(o, t)` of `[O (padded to even), ceil(P / 4)]` holds `dy[n, o, oh, ow]` for
 * `r = 4t .. 4t + 3` (0 past P or past O). The product's `[O, C·kH·kW]` is `dW` in OIHW order, so
 * matmul.ts's `unpackSource` writes it back.
 */
export function dyPackSource(g: ConvGeometry): string {
  const { N, O, OH, OW } = g;
  const S = OH * OW;
  const P = N * S;
  const rows = O + (O % 2);
  const p4 = Math.ceil(P / 4);
  const { code, coords } = unravel([rows, p4], 'i', 'z');
  const [o, t] = coords as [string, string];
  let lanes = '';
  for (let l = 0; l < 4; l++) {
    const pos = unravel([N, S], `r${l}`, `u${l}`);
    const [n, s] = pos.coords as [string, string];
    const lane = `let r${l} = ${t} * 4${l ? ` + ${l}` : ''};\n${pos.code}v${l} = dy[${linear([n, o, s], [O * S, S, 1])}];\n`;
    lanes += P % 4 === 0 || l === 0 ? lane : `if (${t} * 4 + ${l} < ${P}) {\n${lane}}\n`;
  }
  let body = code + 'let v0 = 0;\nlet v1 = 0;\nlet v2 = 0;\nlet v3 = 0;\n';
  body += rows === O ? lanes : `if (${o} < ${O}) {\n${lanes}}\n`;
  body += 'return [v0, v1, v2, v3];\n';
  return kernelSource(['dy'], body);
}

/**
 * The columns packed along the output positions, matmul's B for {@link dyPackSource}: texel
 * `(k, t)` of `[K (padded to even), ceil(P / 4)]` holds `cols[k, r]` for `r = 4t .. 4t + 3`: tap
 * `k = (c, p, q)` at output position `r = (n, oh, ow)`, that is `x[n, c, oh·sH + p·dH − top,
 * ow·sW + q·dW − left]`, 0 in the padding, past P or past K.
 */
export function im2colRowsPackSource(g: ConvGeometry): string {
  const { N, C, H, W, kH, kW, OH, OW, sH, sW, dH, dW, top, left } = g;
  const K = C * kH * kW;
  const P = N * OH * OW;
  const rows = K + (K % 2);
  const p4 = Math.ceil(P / 4);
  const { code, coords } = unravel([rows, p4], 'i', 'z');
  const [k, t] = coords as [string, string];
  const tap = unravel([C, kH, kW], k, 't');
  const [c, p, q] = tap.coords as [string, string, string];
  let lanes = tap.code + `let hp = ${times(p, dH)} - ${top};\nlet wq = ${times(q, dW)} - ${left};\nlet xc = ${linear([c], [H * W])};\n`;
  for (let l = 0; l < 4; l++) {
    const pos = unravel([N, OH, OW], `r${l}`, `u${l}`);
    const [n, oh, ow] = pos.coords as [string, string, string];
    let lane = `let r${l} = ${t} * 4${l ? ` + ${l}` : ''};\n${pos.code}`;
    lane += `let hh${l} = ${times(oh, sH)} + hp;\nlet ww${l} = ${times(ow, sW)} + wq;\n`;
    lane += `if (hh${l} >= 0 && hh${l} < ${H} && ww${l} >= 0 && ww${l} < ${W}) { v${l} = x[${linear([n], [C * H * W])} + xc + hh${l} * ${W} + ww${l}]; }\n`;
    lanes += P % 4 === 0 || l === 0 ? lane : `if (${t} * 4 + ${l} < ${P}) {\n${lane}}\n`;
  }
  let body = code + 'let v0 = 0;\nlet v1 = 0;\nlet v2 = 0;\nlet v3 = 0;\n';
  body += rows === K ? lanes : `if (${k} < ${K}) {\n${lanes}}\n`;
  body += 'return [v0, v1, v2, v3];\n';
  return kernelSource(['x'], body);
}

/**
 * Input gradient as a blocked matmul (GL modes, one group): `dx[c, (n, h, w)] = Σ_k Wᵀ[c, k] ·
 * dcols[k, (n, h, w)]` over `k = (o, p, q)`. This packs the weights as matmul's A: texel `(c, t)`
 * of `[C (padded to even), ceil(K / 4)]` holds `w[o, c, p, q]` for `k = 4t .. 4t + 3` (0 past K or
 * past C).
 */
export function weightTPackSource(g: ConvGeometry): string {
  const { C, O, kH, kW } = g;
  const T = kH * kW;
  const K = O * T;
  const rows = C + (C % 2);
  const k4 = Math.ceil(K / 4);
  const { code, coords } = unravel([rows, k4], 'i', 'z');
  const [c, t] = coords as [string, string];
  let lanes = '';
  for (let l = 0; l < 4; l++) {
    const tap = unravel([O, T], `k${l}`, `u${l}`);
    const [o, pq] = tap.coords as [string, string];
    const lane = `let k${l} = ${t} * 4${l ? ` + ${l}` : ''};\n${tap.code}v${l} = w[${linear([o, c, pq], [C * T, T, 1])}];\n`;
    lanes += K % 4 === 0 || l === 0 ? lane : `if (${t} * 4 + ${l} < ${K}) {\n${lane}}\n`;
  }
  let body = code + 'let v0 = 0;\nlet v1 = 0;\nlet v2 = 0;\nlet v3 = 0;\n';
  body += rows === C ? lanes : `if (${c} < ${C}) {\n${lanes}}\n`;
  body += 'return [v0, v1, v2, v3];\n';
  return kernelSource(['w'], body);
}

/**
 * The gradient's columns, matmul's B for {@link weightTPackSource}: texel `(r, t)` of `[rows,
 * ceil(K / 4)]` (rows = N·H·W padded to even) holds, for input position `r = (n, h, w)` and
 * `k = (o, p, q)`, `dy[n, o, oh, ow]` where `oh·sH + p·dH − top = h` and `ow·sW + q·dW − left = w`
 * (the output position whose tap (p, q) read x[n, ·, h, w]), 0 where there is none, past K or
 * past the last row. With `lanes = 1` (WebGPU) it is the plain one-value `[N·H·W, K]` matrix.
 */
export function dyColsPackSource(g: ConvGeometry, lanes: 1 | 4 = 4): string {
  const { N, H, W, O, kH, kW, OH, OW, sH, sW, dH, dW, top, left } = g;
  const T = kH * kW;
  const K = O * T;
  const P = N * H * W;
  const rows = lanes === 4 ? P + (P % 2) : P;
  const k4 = Math.ceil(K / lanes);
  const { code, coords } = unravel([rows, k4], 'i', 'z');
  const [r, t] = coords as [string, string];
  const pos = unravel([N, H, W], r, 'r');
  const [n, h, w] = pos.coords as [string, string, string];
  let perLane = pos.code + `let yb = ${linear([n], [O * OH * OW])};\nlet h0 = ${h} + ${top};\nlet w0 = ${w} + ${left};\n`;
  for (let l = 0; l < lanes; l++) {
    const tap = unravel([O, kH, kW], `k${l}`, `t${l}`);
    const [o, p, q] = tap.coords as [string, string, string];
    let lane = `let k${l} = ${times(t, lanes)}${l ? ` + ${l}` : ''};\n${tap.code}`;
    lane += `let nh${l} = h0 - ${times(p, dH)};\nlet nw${l} = w0 - ${times(q, dW)};\n`;
    // oh = nh / sH when that is an integer in [0, OH) (nh < 0 gives oh < 0 or a remainder).
    lane += floorDiv(`oh${l}`, `nh${l}`, sH) + floorDiv(`ow${l}`, `nw${l}`, sW);
    lane +=
      `if (nh${l} >= 0 && nw${l} >= 0 && oh${l} < ${OH} && ow${l} < ${OW} && ${times(`oh${l}`, sH)} == nh${l} && ${times(`ow${l}`, sW)} == nw${l}) ` +
      `{ v${l} = dy[yb + ${linear([o], [OH * OW])} + oh${l} * ${OW} + ow${l}]; }\n`;
    perLane += K % 4 === 0 || l === 0 ? lane : `if (${t} * 4 + ${l} < ${K}) {\n${lane}}\n`;
  }
  return kernelSource(['dy'], code + lanesBody(lanes, rows === P ? perLane : `if (${r} < ${P}) {\n${perLane}}\n`));
}
