/**
 * conv2d, the pooling ops and batchNorm against TensorFlow.js (tfjs-core + tfjs-backend-cpu) as
 * an independent reference: forward values and the gradients with respect to every input,
 * through a random upstream weighting `w` (`sum(w · f(inputs))`), so a wrong gradient cannot
 * hide behind an all-ones upstream.
 *
 * Every case runs twice: on the CPU backend with its fused conv / pool kernels ('cpu'), and on
 * the same backend with `fused` removed ('cpu-composite'), which forces core's im2col composite.
 *
 * tfjs is NHWC with HWIO filters, so the tfjs side transposes (inside the differentiated
 * function, so its gradients come back NCHW / OIHW). tfjs has no grouped convolution: the tfjs
 * side splits the channels, convolves each group and concatenates. tfjs has no gradient for
 * dilated convolutions: the tfjs side dilates the filter explicitly (zeros between taps), which
 * is the same function. In Node, `@tensorflow/tfjs-layers` is what registers tfjs's gradients.
 */
import * as pf from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const BACKENDS = ['cpu', 'cpu-composite'] as const;

beforeAll(async () => {
  if (!pf.listBackends().includes('cpu')) pf.registerBackend('cpu', createCpuBackend);
  if (!pf.listBackends().includes('cpu-composite')) {
    // The CPU backend without its fused kernels: every conv / pool goes through the composite.
    pf.registerBackend('cpu-composite', () =>
      Object.create(createCpuBackend(), { name: { value: 'cpu-composite' }, fused: { value: undefined } }) as pf.Backend,
    );
  }
  await tf.setBackend('cpu');
});
beforeEach(() => tf.engine().startScope());
afterEach(() => tf.engine().endScope());

// ----- inputs and comparison ----------------------------------------------------------------

/** mulberry32, seeded: inputs independent of Profundo's own generator. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Arr {
  data: Float32Array;
  shape: number[];
}

function uniform(next: () => number, shape: number[], lo = -1, hi = 1): Arr {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, () => lo + (hi - lo) * next()), shape };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string, abs = 2e-4, rel = 2e-4): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    const excess = err - (abs + rel * Math.abs(expected[i]!));
    if (!(excess <= 0) && (worst < 0 || err > worstErr)) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0) expect.fail(`${label}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (|err| ${worstErr})`);
}

/**
 * Runs `pfFn` on Profundo (current backend) and `tfFn` on tfjs with the same inputs; compares
 * output shape and values, and the gradient of `sum(w · f)` with respect to every input.
 */
function compare(
  label: string,
  inputs: Arr[],
  pfFn: (...xs: pf.Tensor[]) => pf.Tensor,
  tfFn: (...xs: tf.Tensor[]) => tf.Tensor,
  seed: number,
): void {
  const xs = inputs.map((a) => pf.tensor(a.data, { shape: a.shape, requiresGrad: true }));
  const y = pfFn(...xs);
  const tfy = tfFn(...inputs.map((a) => tf.tensor(a.data, a.shape)));
  expect([...y.shape], `${label}: shape`).toEqual(tfy.shape);
  expectClose(y.dataSync(), tfy.dataSync(), `${label} forward`);
  const w = uniform(rng(seed), [...y.shape], -1.5, 1.5);
  y.mul(pf.tensor(w.data, { shape: w.shape })).sum().backward();
  const tw = tf.tensor(w.data, w.shape);
  const expected = tf.grads((...vs: tf.Tensor[]) => tf.sum(tf.mul(tw, tfFn(...vs))))(inputs.map((a) => tf.tensor(a.data, a.shape)));
  xs.forEach((x, i) => {
    expect(x.grad, `${label}: gradient of input ${i}`).not.toBeNull();
    expectClose(x.grad!.dataSync(), expected[i]!.dataSync(), `${label} gradient of input ${i} [${x.shape}]`);
  });
}

// ----- the tfjs side ------------------------------------------------------------------------

/** Inserts `d - 1` zeros between the taps of an HWIO filter along `axis` (0 or 1). */
function dilateFilter(f: tf.Tensor4D, axis: 0 | 1, d: number): tf.Tensor4D {
  if (d === 1) return f;
  const k = f.shape[axis];
  const parts = tf.expandDims(f, axis + 1); // [..., k, 1, ...]
  const zshape = [...parts.shape];
  zshape[axis + 1] = d - 1;
  const spread = tf.concat([parts, tf.zeros(zshape)], axis + 1); // [..., k, d, ...]
  const flatShape = [...f.shape] as [number, number, number, number];
  flatShape[axis] = k * d;
  const flat = tf.reshape(spread, flatShape) as tf.Tensor4D;
  const size = [...f.shape] as [number, number, number, number];
  size[axis] = (k - 1) * d + 1;
  return tf.slice(flat, [0, 0, 0, 0], size);
}

interface ConvCase {
  stride: [number, number];
  padding: number | [number, number] | 'same';
  dilation: [number, number];
  groups: number;
}

/** tfjs conv2d on NCHW / OIHW tensors with PyTorch's semantics (groups, dilation, padding). */
function tfConv(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null, c: ConvCase): tf.Tensor {
  const xh = tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
  const f = dilateFilter(dilateFilter(tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D, 0, c.dilation[0]), 1, c.dilation[1]);
  const cg = f.shape[2];
  const og = f.shape[3] / c.groups;
  const pad: 'same' | [[0, 0], [number, number], [number, number], [0, 0]] =
    c.padding === 'same'
      ? 'same'
      : typeof c.padding === 'number'
        ? [[0, 0], [c.padding, c.padding], [c.padding, c.padding], [0, 0]]
        : [[0, 0], [c.padding[0], c.padding[0]], [c.padding[1], c.padding[1]], [0, 0]];
  const outs: tf.Tensor4D[] = [];
  for (let g = 0; g < c.groups; g++) {
    const xs = tf.slice(xh, [0, 0, 0, g * cg], [-1, -1, -1, cg]);
    const fs = tf.slice(f, [0, 0, 0, g * og], [-1, -1, -1, og]);
    outs.push(tf.conv2d(xs, fs, c.stride, pad));
  }
  let y: tf.Tensor = outs.length === 1 ? outs[0]! : tf.concat(outs, 3);
  if (b) y = tf.add(y, b);
  return tf.transpose(y, [0, 3, 1, 2]);
}

/**
 * tfjs pooling on NCHW with PyTorch's semantics. tfjs's padded average pooling averages the
 * in-bounds positions only (PyTorch's `countIncludePad: false`), but its CPU gradient divides
 * every window by `kH·kW` regardless, disagreeing with its own forward (and with finite
 * differences). So the differentiated references pad explicitly and pool without padding:
 * `avg` is `avgPool(pad(x))`, `avgExclude` rescales that by `kH·kW / in-bounds count`; tfjs's
 * native padded `avgPool` serves as a forward-only check (`avgExcludeNative`).
 */
function tfPool(
  kind: 'max' | 'avg' | 'avgExclude' | 'avgExcludeNative',
  x: tf.Tensor,
  k: [number, number],
  s: [number, number],
  p: [number, number],
): tf.Tensor {
  const xh = tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
  const explicit: [[0, 0], [number, number], [number, number], [0, 0]] = [[0, 0], [p[0], p[0]], [p[1], p[1]], [0, 0]];
  let y: tf.Tensor4D;
  if (kind === 'max') y = tf.maxPool(xh, k, s, explicit as unknown as number);
  else if (kind === 'avgExcludeNative') y = tf.avgPool(xh, k, s, explicit as unknown as number);
  else {
    y = tf.avgPool(tf.pad(xh, explicit), k, s, 'valid');
    if (kind === 'avgExclude') {
      const [, H, W] = xh.shape;
      const ones = tf.ones([1, H, W, 1]) as tf.Tensor4D;
      y = tf.div(y, tf.avgPool(tf.pad(ones, explicit), k, s, 'valid')); // ÷ the fraction in bounds
    }
  }
  return tf.transpose(y, [0, 3, 1, 2]);
}

// ----- conv2d grid --------------------------------------------------------------------------

const SIZES: { name: string; hw: [number, number] }[] = [
  { name: 'odd 7×9', hw: [7, 9] },
  { name: 'even 8×6', hw: [8, 6] },
];

const convGrid: (ConvCase & { size: [number, number]; label: string })[] = [];
for (const stride of [1, 2]) {
  for (const padding of [0, 1, 'same'] as const) {
    if (padding === 'same' && stride !== 1) continue;
    for (const dilation of [1, 2]) {
      for (const groups of [1, 2]) {
        for (const size of SIZES) {
          convGrid.push({
            stride: [stride, stride],
            padding,
            dilation: [dilation, dilation],
            groups,
            size: size.hw,
            label: `stride ${stride}, padding ${padding}, dilation ${dilation}, groups ${groups}, ${size.name}`,
          });
        }
      }
    }
  }
}
// Odd shapes: non-square kernel and strides, asymmetric pair padding, 1×1 (no im2col), depthwise.
const extraConv: (ConvCase & { size: [number, number]; label: string; kernel: [number, number]; cin: number; cout: number; bias?: boolean })[] = [
  { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 1, size: [9, 8], kernel: [2, 3], cin: 3, cout: 5, label: 'kernel 2×3, stride [2,1], padding [1,2], dilation [1,2]' },
  { stride: [1, 1], padding: 0, dilation: [1, 1], groups: 2, size: [5, 6], kernel: [1, 1], cin: 4, cout: 6, label: '1×1, groups 2 (no im2col)' },
  { stride: [2, 2], padding: 0, dilation: [1, 1], groups: 1, size: [7, 7], kernel: [1, 1], cin: 3, cout: 4, label: '1×1, stride 2' },
  { stride: [1, 1], padding: 'same', dilation: [1, 1], groups: 4, size: [6, 7], kernel: [3, 3], cin: 4, cout: 8, label: "depthwise ×2, 'same'" },
  { stride: [1, 1], padding: 'same', dilation: [1, 1], groups: 1, size: [6, 6], kernel: [4, 4], cin: 2, cout: 3, label: "even kernel 4×4, 'same' (extra pad bottom/right)", bias: false },
  { stride: [3, 2], padding: 2, dilation: [2, 1], groups: 3, size: [11, 10], kernel: [3, 2], cin: 6, cout: 3, label: 'stride [3,2], padding 2, dilation [2,1], groups 3' },
];

describe.each(BACKENDS)('conv2d vs tfjs on %s', (backend) => {
  beforeAll(async () => {
    await pf.setBackend(backend);
  });

  convGrid.forEach((c, n) => {
    it(c.label, () => {
      const next = rng(100 + n);
      const [H, W] = c.size;
      const x = uniform(next, [2, 4, H, W]);
      const w = uniform(next, [6, 4 / c.groups, 3, 3]);
      const b = uniform(next, [6]);
      const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
      compare(c.label, [x, w, b], (xi, wi, bi) => pf.conv2d(xi!, wi!, bi, opts), (xi, wi, bi) => tfConv(xi!, wi!, bi!, c), 7 + n);
    });
  });

  extraConv.forEach((c, n) => {
    it(c.label, () => {
      const next = rng(500 + n);
      const x = uniform(next, [3, c.cin, ...c.size]);
      const w = uniform(next, [c.cout, c.cin / c.groups, ...c.kernel]);
      const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
      if (c.bias === false) {
        compare(c.label, [x, w], (xi, wi) => pf.conv2d(xi!, wi!, null, opts), (xi, wi) => tfConv(xi!, wi!, null, c), 50 + n);
      } else {
        const b = uniform(next, [c.cout]);
        compare(c.label, [x, w, b], (xi, wi, bi) => pf.conv2d(xi!, wi!, bi, opts), (xi, wi, bi) => tfConv(xi!, wi!, bi!, c), 50 + n);
      }
    });
  });

  it('unbatched [C, H, W] input', () => {
    const next = rng(900);
    const x = uniform(next, [3, 6, 5]);
    const w = uniform(next, [2, 3, 3, 3]);
    const c: ConvCase = { stride: [1, 1], padding: 1, dilation: [1, 1], groups: 1 };
    compare('unbatched', [x, w], (xi, wi) => pf.conv2d(xi!, wi!, null, { padding: 1 }), (xi, wi) => tf.squeeze(tfConv(tf.expandDims(xi!, 0), wi!, null, c), [0]), 901);
  });
});

// ----- pooling grid -------------------------------------------------------------------------

const poolGrid: { k: [number, number]; s: [number, number]; p: [number, number]; size: [number, number] }[] = [];
for (const k of [2, 3]) {
  for (const s of [1, 2]) {
    for (const p of [0, 1]) {
      for (const size of SIZES) poolGrid.push({ k: [k, k], s: [s, s], p: [p, p], size: size.hw });
    }
  }
}
poolGrid.push({ k: [3, 2], s: [2, 1], p: [1, 0], size: [9, 8] });
poolGrid.push({ k: [2, 3], s: [1, 3], p: [0, 1], size: [5, 7] });

describe.each(BACKENDS)('pooling vs tfjs on %s', (backend) => {
  beforeAll(async () => {
    await pf.setBackend(backend);
  });

  poolGrid.forEach((c, n) => {
    const label = `kernel [${c.k}], stride [${c.s}], padding [${c.p}], ${c.size.join('×')}`;
    const input = (): Arr => uniform(rng(300 + n), [2, 3, ...c.size], -2, 2);
    it(`maxPool2d ${label}`, () => {
      compare(label, [input()], (x) => pf.maxPool2d(x!, { kernelSize: c.k, stride: c.s, padding: c.p }), (x) => tfPool('max', x!, c.k, c.s, c.p), n);
    });
    it(`avgPool2d ${label}`, () => {
      compare(label, [input()], (x) => pf.avgPool2d(x!, { kernelSize: c.k, stride: c.s, padding: c.p }), (x) => tfPool('avg', x!, c.k, c.s, c.p), n);
    });
    if (c.p[0] + c.p[1] > 0) {
      it(`avgPool2d countIncludePad false ${label}`, () => {
        compare(
          label,
          [input()],
          (x) => pf.avgPool2d(x!, { kernelSize: c.k, stride: c.s, padding: c.p, countIncludePad: false }),
          (x) => tfPool('avgExclude', x!, c.k, c.s, c.p),
          n,
        );
        const y = pf.avgPool2d(pf.tensor(input().data, { shape: [2, 3, ...c.size] }), { kernelSize: c.k, stride: c.s, padding: c.p, countIncludePad: false });
        expectClose(y.dataSync(), tfPool('avgExcludeNative', tf.tensor(input().data, [2, 3, ...c.size]), c.k, c.s, c.p).dataSync(), `${label} vs tfjs's padded avgPool`);
      });
    }
  });

  it('maxPool2d routes the gradient of a tie to the first maximum (PyTorch)', () => {
    const x = pf.tensor([[[[1, 1], [1, 0]]]], { requiresGrad: true });
    pf.maxPool2d(x, 2).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([1, 0, 0, 0]);
  });

  /** tfjs has no adaptive pooling: the reference averages PyTorch's windows with slices. */
  function tfAdaptive(x: tf.Tensor, oh: number, ow: number): tf.Tensor {
    const [, , H, W] = x.shape as [number, number, number, number];
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < oh; i++) {
      const h0 = Math.floor((i * H) / oh);
      const h1 = Math.ceil(((i + 1) * H) / oh);
      const cols: tf.Tensor[] = [];
      for (let j = 0; j < ow; j++) {
        const w0 = Math.floor((j * W) / ow);
        const w1 = Math.ceil(((j + 1) * W) / ow);
        cols.push(tf.mean(tf.slice(x, [0, 0, h0, w0], [-1, -1, h1 - h0, w1 - w0]), [2, 3]));
      }
      rows.push(tf.stack(cols, 2));
    }
    return tf.stack(rows, 2);
  }

  for (const [size, out] of [
    [[7, 9], [3, 4]],
    [[8, 6], [4, 3]],
    [[5, 5], [1, 1]],
    [[6, 10], [4, 7]],
    [[3, 4], [5, 6]],
  ] as [[number, number], [number, number]][]) {
    it(`adaptiveAvgPool2d ${size.join('×')} → ${out.join('×')}`, () => {
      const x = uniform(rng(size[0] * 31 + out[1]), [2, 3, ...size]);
      compare(`adaptive ${size} → ${out}`, [x], (xi) => pf.adaptiveAvgPool2d(xi!, out), (xi) => tfAdaptive(xi!, out[0], out[1]), 3);
    });
  }
});

// ----- batchNorm ----------------------------------------------------------------------------

describe.each(BACKENDS)('batchNorm vs tfjs on %s', (backend) => {
  beforeAll(async () => {
    await pf.setBackend(backend);
  });

  it('training mode: batch statistics, gradients to x, weight and bias', () => {
    const next = rng(77);
    const x = uniform(next, [4, 3, 5, 6], -2, 3);
    const g = uniform(next, [3], 0.5, 1.5);
    const b = uniform(next, [3]);
    compare(
      'batchNorm training',
      [x, g, b],
      (xi, gi, bi) => pf.batchNorm(xi!, { weight: gi, bias: bi, training: true, eps: 1e-3 }),
      (xi, gi, bi) => {
        const xh = tf.transpose(xi!, [0, 2, 3, 1]);
        const { mean, variance } = tf.moments(xh, [0, 1, 2]);
        return tf.transpose(tf.batchNorm(xh, mean, variance, bi!, gi!, 1e-3), [0, 3, 1, 2]);
      },
      78,
    );
  });

  it('evaluation mode: running statistics', () => {
    const next = rng(79);
    const x = uniform(next, [2, 3, 4, 4]);
    const rm = uniform(next, [3]);
    const rv = uniform(next, [3], 0.5, 2);
    const prm = pf.tensor(rm.data);
    const prv = pf.tensor(rv.data);
    compare(
      'batchNorm eval',
      [x],
      (xi) => pf.batchNorm(xi!, { runningMean: prm, runningVar: prv }),
      (xi) =>
        tf.transpose(tf.batchNorm(tf.transpose(xi!, [0, 2, 3, 1]), tf.tensor(rm.data), tf.tensor(rv.data), tf.zeros([3]), tf.ones([3]), 1e-5), [0, 3, 1, 2]),
      80,
    );
  });
});
