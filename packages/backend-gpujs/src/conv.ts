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
