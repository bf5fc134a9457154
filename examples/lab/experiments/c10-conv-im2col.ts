/**
 * C10: "convolution is a matrix product between the kernel and the image patches".
 *
 * For several convolution settings, unfold the input into its patch matrix (im2col: one column
 * per output position, one row per (channel, kernel row, kernel column)), multiply the kernel
 * reshaped to [out, in·kh·kw] by it with `matmul`, and compare with `conv2d`, both against a
 * float64 direct convolution.
 */
import { conv2d, matmul, randn, reshape, tensor } from '@profundo/core';
import { r, type Experiment } from '../lib/lab.js';

interface Config {
  label: string;
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  k: number;
  stride: number;
  padding: number;
  dilation: number;
}

/** im2col of one image `[C, H, W]` (row-major): `[C·k·k, Hout·Wout]`. */
export function im2col(x: Float32Array, c: number, h: number, w: number, k: number, stride: number, padding: number, dilation: number) {
  const hOut = Math.floor((h + 2 * padding - dilation * (k - 1) - 1) / stride) + 1;
  const wOut = Math.floor((w + 2 * padding - dilation * (k - 1) - 1) / stride) + 1;
  const rows = c * k * k;
  const cols = new Float32Array(rows * hOut * wOut);
  for (let ci = 0; ci < c; ci++) {
    for (let ki = 0; ki < k; ki++) {
      for (let kj = 0; kj < k; kj++) {
        const row = (ci * k + ki) * k + kj;
        for (let oi = 0; oi < hOut; oi++) {
          for (let oj = 0; oj < wOut; oj++) {
            const ii = oi * stride - padding + ki * dilation;
            const jj = oj * stride - padding + kj * dilation;
            const inside = ii >= 0 && ii < h && jj >= 0 && jj < w;
            cols[row * hOut * wOut + oi * wOut + oj] = inside ? x[(ci * h + ii) * w + jj]! : 0;
          }
        }
      }
    }
  }
  return { cols, rows, hOut, wOut };
}

/** Direct convolution in float64, for reference. */
function direct(x: Float32Array, wt: Float32Array, cfg: Config, hOut: number, wOut: number): Float64Array {
  const { n, c, h, w, o, k, stride, padding, dilation } = cfg;
  const out = new Float64Array(n * o * hOut * wOut);
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < o; oc++)
      for (let oi = 0; oi < hOut; oi++)
        for (let oj = 0; oj < wOut; oj++) {
          let s = 0;
          for (let ci = 0; ci < c; ci++)
            for (let ki = 0; ki < k; ki++)
              for (let kj = 0; kj < k; kj++) {
                const ii = oi * stride - padding + ki * dilation;
                const jj = oj * stride - padding + kj * dilation;
                if (ii >= 0 && ii < h && jj >= 0 && jj < w) s += x[((b * c + ci) * h + ii) * w + jj]! * wt[((oc * c + ci) * k + ki) * k + kj]!;
              }
          out[((b * o + oc) * hOut + oi) * wOut + oj] = s;
        }
  return out;
}

function compare(cfg: Config, x: Float32Array, wt: Float32Array) {
  const { n, c, h, w, o, k, stride, padding, dilation } = cfg;
  const viaConv = conv2d(tensor(x, { shape: [n, c, h, w] }), tensor(wt, { shape: [o, c, k, k] }), null, { stride, padding, dilation });
  const perImage: Float32Array[] = [];
  let shape = { rows: 0, hOut: 0, wOut: 0 };
  for (let b = 0; b < n; b++) {
    const { cols, ...rest } = im2col(x.subarray(b * c * h * w, (b + 1) * c * h * w), c, h, w, k, stride, padding, dilation);
    shape = rest;
    const prod = matmul(tensor(wt, { shape: [o, shape.rows] }), tensor(cols, { shape: [shape.rows, rest.hOut * rest.wOut] }));
    perImage.push(prod.dataSync() as Float32Array);
  }
  const a = viaConv.dataSync();
  const b = new Float32Array(perImage.reduce((s, p) => s + p.length, 0));
  perImage.reduce((off, p) => (b.set(p, off), off + p.length), 0);
  const ref = direct(x, wt, cfg, shape.hOut, shape.wOut);
  let convVsMatmul = 0;
  let convVsRef = 0;
  let matmulVsRef = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    convVsMatmul = Math.max(convVsMatmul, Math.abs(a[i]! - b[i]!));
    convVsRef = Math.max(convVsRef, Math.abs(a[i]! - ref[i]!));
    matmulVsRef = Math.max(matmulVsRef, Math.abs(b[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  return {
    shapes: { conv2dOutput: viaConv.shape, patchMatrix: [shape.rows, shape.hOut * shape.wOut], kernelMatrix: [o, shape.rows] },
    a,
    b,
    convVsMatmul,
    convVsRef,
    matmulVsRef,
    scale,
  };
}

export const convIm2col: Experiment = {
  id: 'c10',
  name: 'conv-im2col',
  claim: 'convolution is a matrix product between the kernel and the image patches (im2col)',
  async run(ctx) {
    const configs: Config[] = [
      { label: '3×3, pad 1', n: 2, c: 3, h: 12, w: 12, o: 4, k: 3, stride: 1, padding: 1, dilation: 1 },
      { label: '3×3, stride 2', n: 2, c: 3, h: 12, w: 12, o: 4, k: 3, stride: 2, padding: 0, dilation: 1 },
      { label: '3×3, dilation 2, pad 2', n: 2, c: 3, h: 12, w: 12, o: 4, k: 3, stride: 1, padding: 2, dilation: 2 },
      { label: 'LeNet conv1: 1→6, 5×5, pad 2, 28×28', n: 2, c: 1, h: 28, w: 28, o: 6, k: 5, stride: 1, padding: 2, dilation: 1 },
      { label: 'LeNet conv2: 6→16, 5×5, 14×14', n: 2, c: 6, h: 14, w: 14, o: 16, k: 5, stride: 1, padding: 0, dilation: 1 },
    ];
    const used = ctx.tiny ? configs.slice(0, 2) : configs;

    // The worked example: a 4×4 image 1…16 and a 2×2 kernel.
    const wx = Float32Array.from({ length: 16 }, (_, i) => i + 1);
    const wk = Float32Array.from([1, 0, 0, -1]);
    const worked = compare({ label: 'worked', n: 1, c: 1, h: 4, w: 4, o: 1, k: 2, stride: 1, padding: 0, dilation: 1 }, wx, wk);
    const { cols } = im2col(wx, 1, 4, 4, 2, 1, 0, 1);
    const patchMatrix = Array.from({ length: 4 }, (_, i) => Array.from(cols.subarray(i * 9, (i + 1) * 9)));

    const rows = used.map((cfg) => {
      const x = randn([cfg.n, cfg.c, cfg.h, cfg.w]).dataSync() as Float32Array;
      const wt = randn([cfg.o, cfg.c, cfg.k, cfg.k]).dataSync() as Float32Array;
      const res = compare(cfg, x, wt);
      ctx.log(`${cfg.label}: max |conv2d − im2col·matmul| = ${res.convVsMatmul.toExponential(2)} (output scale ${res.scale.toFixed(1)})`);
      return {
        config: cfg.label,
        ...res.shapes,
        maxAbsDiffConvVsIm2colMatmul: r(res.convVsMatmul, 3),
        maxAbsErrConvVsFloat64: r(res.convVsRef, 3),
        maxAbsErrIm2colMatmulVsFloat64: r(res.matmulVsRef, 3),
        maxAbsOutput: r(res.scale, 4),
        relativeDiff: r(res.convVsMatmul / res.scale, 3),
      };
    });
    const worst = Math.max(...rows.map((x) => x.relativeDiff));
    const ok = worst < 1e-5 && worked.convVsMatmul === 0;
    const plotRows = rows.flatMap((x) => [
      { config: x.config, method: 'conv2d', maxAbs: x.maxAbsErrConvVsFloat64 },
      { config: x.config, method: 'im2col · matmul', maxAbs: x.maxAbsErrIm2colMatmulVsFloat64 },
    ]);
    const largest = Math.max(...rows.map((x) => x.maxAbsDiffConvVsIm2colMatmul));
    const agreement =
      largest === 0
        ? 'agree bit for bit (the CPU backend itself computes conv2d as im2col then a matrix product)'
        : `agree to ${worst.toExponential(1)} of the output's scale (float32 rounding)`;
    const heat = patchMatrix.flatMap((row, i) => row.map((v, j) => ({ row: `w[${Math.floor(i / 2)},${i % 2}]`, column: `patch ${j}`, value: v })));
    return {
      verdict: ok ? 'holds' : 'does not hold',
      because: `conv2d and the kernel matrix times the im2col patch matrix ${agreement} in ${rows.length} settings with stride, padding and dilation and on the 4×4 worked example; both are within ${r(Math.max(...rows.map((x) => x.maxAbsErrConvVsFloat64 / x.maxAbsOutput)), 2).toExponential(1)} of the output's scale from a float64 direct convolution`,
      data: 'seeded standard-normal images and kernels, and a 4×4 worked example (pixels 1…16, kernel [[1, 0], [0, −1]])',
      budget: `${rows.length} convolution settings, batch 2; one float64 direct convolution as the reference`,
      numbers: {
        workedExample: {
          image: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]],
          kernel: [[1, 0], [0, -1]],
          patchMatrix,
          conv2d: Array.from(worked.a),
          kernelTimesPatches: Array.from(worked.b),
        },
        settings: rows,
      },
      plots: {
        differences: {
          title: { text: 'Largest error against a float64 direct convolution', subtitle: `conv2d and im2col·matmul differ from each other by at most ${largest}` },
          width: 300,
          height: 200,
          data: { values: plotRows },
          mark: 'bar',
          encoding: {
            y: { field: 'config', type: 'nominal', title: null },
            yOffset: { field: 'method' },
            x: { field: 'maxAbs', type: 'quantitative', title: 'max |error| (float32 rounding)' },
            color: { field: 'method', type: 'nominal', legend: { orient: 'bottom' } },
          },
        },
        'patch-matrix': {
          title: 'im2col of the 4×4 image 1…16 for a 2×2 kernel: one column per output position',
          width: 360,
          height: 120,
          data: { values: heat },
          layer: [
            { mark: 'rect', encoding: { x: { field: 'column', type: 'ordinal', sort: null, title: null }, y: { field: 'row', type: 'ordinal', title: 'kernel entry' }, color: { field: 'value', type: 'quantitative' } } },
            { mark: { type: 'text', fontSize: 11 }, encoding: { x: { field: 'column', type: 'ordinal', sort: null }, y: { field: 'row', type: 'ordinal' }, text: { field: 'value' } } },
          ],
        },
      },
    };
  },
};
