/**
 * Sources of the fused 2-D pooling kernels (NCHW), one output element per thread, for fixed
 * shapes and geometry. Windows are clipped to the input per thread, so padding never enters a
 * maximum and adds nothing to a sum. The backward kernels run per input element over exactly
 * the windows that contain it (see {@link adjoint}):
 *
 * - max: an input element receives the `dy` of every window whose first maximum (scanning
 *   rows, then columns, as PyTorch and the CPU backend route it) is that element;
 * - average: every window containing it adds its `dy` divided by the window's divisor.
 *
 * @internal
 * @module
 */
import type { Pool2dParams } from '@profundo/core';
import { isNaNTest, kernelSource, unravel } from './codegen.js';
import { adjoint, clipped } from './windows.js';

/** Sizes of one pooling. */
export interface PoolGeometry {
  /** `N·C`. */
  planes: number;
  H: number;
  W: number;
  OH: number;
  OW: number;
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** The geometry of pooling an input of `shape` (see {@link Pool2dParams}). */
export function poolGeometry(shape: readonly number[], p: Pool2dParams): PoolGeometry {
  const [N, C, H, W] = shape as [number, number, number, number];
  const [kH, kW] = p.kernelSize;
  const [sH, sW] = p.stride;
  const [top, bottom, left, right] = p.padding;
  const OH = Math.floor((H + top + bottom - kH) / sH) + 1;
  const OW = Math.floor((W + left + right - kW) / sW) + 1;
  return { planes: N * C, H, W, OH, OW, kH, kW, sH, sW, top, bottom, left, right };
}

const times = (a: string, b: number): string => (b === 1 ? a : `${a} * ${b}`);

/**
 * The window at output `(oh, ow)` (expressions), clipped to the input: declares `h0`/`w0` (its
 * corner, possibly in the padding) with `suffix`, and loops `a` (rows) and `b` (columns).
 */
function window(g: PoolGeometry, oh: string, ow: string, suffix: string): { code: string; rows: ReturnType<typeof clipped>; cols: ReturnType<typeof clipped>; h0: string; w0: string } {
  const h0 = `h0${suffix}`;
  const w0 = `w0${suffix}`;
  const code = `let ${h0} = ${times(oh, g.sH)} - ${g.top};\nlet ${w0} = ${times(ow, g.sW)} - ${g.left};\n`;
  const rows = clipped(`a${suffix}`, h0, 1, g.kH, g.H, g.top > 0, g.bottom > 0);
  const cols = clipped(`b${suffix}`, w0, 1, g.kW, g.W, g.left > 0, g.right > 0);
  return { code: code + rows.prelude + cols.prelude, rows, cols, h0, w0 };
}

/** `(hi - lo)` of a clipped loop, as an expression. */
function extent(l: ReturnType<typeof clipped>): string {
  return l.lo === '0' ? l.hi : `(${l.hi} - ${l.lo})`;
}

/** Max pooling: the maximum of each clipped window, or its first NaN (as on the CPU). */
export function maxPool2dSource(g: PoolGeometry): string {
  const { H, W, OH, OW } = g;
  const { code, coords } = unravel([g.planes, OH, OW], 'i', 'z');
  const [pl, oh, ow] = coords as [string, string, string];
  const win = window(g, oh, ow, '');
  let body = code + `let xb = ${times(pl, H * W)};\n` + win.code;
  body += `let m = x[xb + (${win.h0} + ${win.rows.lo}) * ${W} + ${win.w0} + ${win.cols.lo}];\n`;
  body += win.rows.open + `let xr = xb + (${win.h0} + a) * ${W} + ${win.w0};\n`;
  // The scan revisits the first element, so a NaN there is returned too.
  body += win.cols.open + `let v = x[xr + b];\nif (${isNaNTest('v')}) { return v; }\nif (v > m) { m = v; }\n`;
  body += win.cols.close + win.rows.close + 'return m;\n';
  return kernelSource(['x'], body);
}

/**
 * Max-pool gradient: the `dy` of every window whose first maximum is this element, where a NaN
 * beats every number and the first NaN stays (the forward's choice).
 */
export function maxPool2dBackpropSource(g: PoolGeometry): string {
  const { H, W, OH, OW, kH, kW, sH, sW, top, left } = g;
  const { code, coords } = unravel([g.planes, H, W], 'i', 'z');
  const [pl, h, w] = coords as [string, string, string];
  const wr = adjoint('pr', 'oh', top ? `${h} + ${top}` : h, kH, sH, 1, OH, H - 1 + top);
  const wc = adjoint('pc', 'ow', left ? `${w} + ${left}` : w, kW, sW, 1, OW, W - 1 + left);
  let body = code + `let xb = ${times(pl, H * W)};\nlet dyb = ${times(pl, OH * OW)};\nlet me = ${linear2(h, W, w)};\n`;
  body += wr.prelude + wc.prelude + 'let acc = 0;\n';
  body += wr.open + wc.open;
  const win = window(g, 'oh', 'ow', '');
  body += win.code;
  body += `let best = (${win.h0} + ${win.rows.lo}) * ${W} + ${win.w0} + ${win.cols.lo};\nlet m = x[xb + best];\nlet found = 0;\n`;
  body += win.rows.open + `let at0 = (${win.h0} + a) * ${W} + ${win.w0};\n`;
  body +=
    win.cols.open +
    `let at = at0 + b;\nlet v = x[xb + at];\n` +
    `if (found == 0) {\nif (${isNaNTest('v')}) { best = at; found = 1; }\nif (v > m) { m = v; best = at; }\n}\n`;
  body += win.cols.close + win.rows.close;
  body += `if (best == me) { acc += dy[dyb + ${times('oh', OW)} + ow]; }\n`;
  body += wc.close + wr.close + 'return acc;\n';
  return kernelSource(['dy', 'x'], body);
}

/** `h·W + w` for coordinate expressions that may be `'0'`. */
function linear2(h: string, W: number, w: string): string {
  const terms = [h === '0' ? '' : times(h, W), w === '0' ? '' : w].filter(Boolean);
  return terms.length ? terms.join(' + ') : '0';
}

/** The divisor of the window at `(oh, ow)`: `kH·kW`, or its positions inside the input. */
function divisor(g: PoolGeometry, countIncludePad: boolean, win: ReturnType<typeof window>): string {
  if (countIncludePad) return String(g.kH * g.kW);
  return `(${extent(win.rows)} * ${extent(win.cols)})`;
}

/** Average pooling: the sum of each clipped window over its divisor. */
export function avgPool2dSource(g: PoolGeometry, countIncludePad: boolean): string {
  const { H, W, OH, OW } = g;
  const { code, coords } = unravel([g.planes, OH, OW], 'i', 'z');
  const [pl, oh, ow] = coords as [string, string, string];
  const win = window(g, oh, ow, '');
  let body = code + `let xb = ${times(pl, H * W)};\n` + win.code + 'let s = 0;\n';
  body += win.rows.open + `let xr = xb + (${win.h0} + a) * ${W} + ${win.w0};\n`;
  body += win.cols.open + 's += x[xr + b];\n';
  body += win.cols.close + win.rows.close + `return s / ${divisor(g, countIncludePad, win)};\n`;
  return kernelSource(['x'], body);
}

/** Average-pool gradient: `Σ dy / divisor` over the windows containing this element. */
export function avgPool2dBackpropSource(g: PoolGeometry, countIncludePad: boolean): string {
  const { H, W, OH, OW, kH, kW, sH, sW, top, left } = g;
  const { code, coords } = unravel([g.planes, H, W], 'i', 'z');
  const [pl, h, w] = coords as [string, string, string];
  const wr = adjoint('pr', 'oh', top ? `${h} + ${top}` : h, kH, sH, 1, OH, H - 1 + top);
  const wc = adjoint('pc', 'ow', left ? `${w} + ${left}` : w, kW, sW, 1, OW, W - 1 + left);
  let body = code + `let dyb = ${times(pl, OH * OW)};\n` + wr.prelude + wc.prelude + 'let acc = 0;\n';
  body += wr.open + wc.open;
  let div = String(kH * kW);
  if (!countIncludePad) {
    const win = window(g, 'oh', 'ow', '');
    body += win.code;
    div = divisor(g, false, win);
  }
  body += `acc += dy[dyb + ${times('oh', OW)} + ow] / ${div};\n`;
  body += wc.close + wr.close + 'return acc;\n';
  return kernelSource(['dy'], body);
}
