/**
 * Pooling options added for PyTorch parity: max pooling's `dilation`, `ceilMode` and indices
 * (`maxPool2dWithIndices`), average pooling's `ceilMode` and `divisorOverride`. Against a
 * loop-written transcription of PyTorch's CPU kernels (window bounds, the ceil-mode output
 * size rule, divisors with and without padding), and gradients by gradcheck.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ValueError, avgPool2d, manualSeed, maxPool2d, maxPool2dWithIndices, randn, tensor, type Tensor } from '@profundo/core';
import { gradcheck } from '@profundo/core/testing';
import { useReference } from './setup.js';

beforeAll(useReference);

interface Opts { k: [number, number]; s: [number, number]; p: [number, number]; d: [number, number]; ceil: boolean; include?: boolean; div?: number }

function outSize(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let o = Math.floor((n + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= n + p) o--;
  return o;
}

/** PyTorch's max_pool2d / avg_pool2d CPU loops, one plane at a time. */
function reference(x: Tensor, o: Opts, kind: 'max' | 'avg'): { shape: number[]; values: number[]; indices: number[] } {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const xs = x.dataSync();
  const OH = outSize(H, o.k[0], o.s[0], o.p[0], o.d[0], o.ceil);
  const OW = outSize(W, o.k[1], o.s[1], o.p[1], o.d[1], o.ceil);
  const values: number[] = [];
  const indices: number[] = [];
  for (let pl = 0; pl < N * C; pl++) {
    for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
      if (kind === 'max') {
        let best = -Infinity;
        let at = -1;
        for (let a = 0; a < o.k[0]; a++) for (let b = 0; b < o.k[1]; b++) {
          const h = i * o.s[0] - o.p[0] + a * o.d[0];
          const w = j * o.s[1] - o.p[1] + b * o.d[1];
          if (h < 0 || h >= H || w < 0 || w >= W) continue;
          const v = xs[pl * H * W + h * W + w]!;
          if (v > best || at < 0) { best = v; at = h * W + w; }
        }
        values.push(best);
        indices.push(at);
      } else {
        let hs = i * o.s[0] - o.p[0];
        let ws = j * o.s[1] - o.p[1];
        let he = Math.min(hs + o.k[0], H + o.p[0]);
        let we = Math.min(ws + o.k[1], W + o.p[1]);
        const poolSize = (he - hs) * (we - ws);
        hs = Math.max(hs, 0); ws = Math.max(ws, 0); he = Math.min(he, H); we = Math.min(we, W);
        let acc = 0;
        for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) acc += xs[pl * H * W + h * W + w]!;
        const divisor = o.div ?? (o.include ?? true ? poolSize : (he - hs) * (we - ws));
        values.push(acc / divisor);
      }
    }
  }
  return { shape: [N, C, OH, OW], values, indices };
}

const close = (got: ArrayLike<number>, want: number[]) => {
  expect(got.length).toBe(want.length);
  want.forEach((v, i) => expect(got[i]!).toBeCloseTo(v, 5));
};

describe('max pooling: dilation, ceilMode, indices', () => {
  const cases: Opts[] = [
    { k: [2, 2], s: [2, 2], p: [0, 0], d: [1, 1], ceil: true },
    { k: [3, 3], s: [2, 2], p: [1, 1], d: [1, 1], ceil: true },
    { k: [3, 2], s: [1, 2], p: [0, 1], d: [2, 1], ceil: false },
    { k: [2, 3], s: [3, 2], p: [1, 1], d: [2, 2], ceil: true },
  ];
  for (const o of cases) {
    it(`kernel [${o.k}] stride [${o.s}] padding [${o.p}] dilation [${o.d}] ceil ${o.ceil}`, () => {
      manualSeed(o.k[0] * 7 + o.s[1]);
      const x = randn([2, 2, 7, 8]);
      const opts = { kernelSize: o.k, stride: o.s, padding: o.p, dilation: o.d, ceilMode: o.ceil };
      const want = reference(x, o, 'max');
      const y = maxPool2d(x, opts);
      expect(y.shape).toEqual(want.shape);
      close(y.dataSync(), want.values);
      const r = maxPool2dWithIndices(x, opts);
      close(r.values.dataSync(), want.values);
      expect(Array.from(r.indices.dataSync())).toEqual(want.indices);
      expect(r.indices.dtype).toBe('int32');
    });
  }

  it('indices of an unbatched input; the gradient goes to the first maximum (gradcheck elsewhere)', async () => {
    const x = tensor([[[1, 5, 5, 0], [3, 4, 8, 8]]], { requiresGrad: true });
    const r = maxPool2dWithIndices(x, 2);
    expect(r.indices.shape).toEqual([1, 1, 2]);
    expect(Array.from(r.indices.dataSync())).toEqual([1, 6]);
    r.values.sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 1, 0, 0, 0, 0, 1, 0]);
    manualSeed(3);
    await gradcheck((a) => maxPool2d(a, { kernelSize: 2, dilation: 2, ceilMode: true }), [randn([1, 2, 5, 5])]);
  });
});

describe('average pooling: ceilMode, divisorOverride', () => {
  const cases: Opts[] = [
    { k: [2, 2], s: [2, 2], p: [0, 0], d: [1, 1], ceil: true },
    { k: [3, 3], s: [2, 2], p: [1, 1], d: [1, 1], ceil: true, include: true },
    { k: [3, 3], s: [2, 2], p: [1, 1], d: [1, 1], ceil: true, include: false },
    { k: [3, 2], s: [2, 2], p: [1, 0], d: [1, 1], ceil: false, div: 4 },
    { k: [3, 3], s: [2, 3], p: [1, 1], d: [1, 1], ceil: true, div: 2 },
  ];
  for (const o of cases) {
    it(`kernel [${o.k}] stride [${o.s}] padding [${o.p}] ceil ${o.ceil} countIncludePad ${o.include ?? true} divisor ${o.div ?? '-'}`, async () => {
      manualSeed(o.k[1] * 5 + o.s[1]);
      const x = randn([1, 2, 7, 8]);
      const opts = { kernelSize: o.k, stride: o.s, padding: o.p, ceilMode: o.ceil, countIncludePad: o.include, divisorOverride: o.div };
      const want = reference(x, o, 'avg');
      const y = avgPool2d(x, opts);
      expect(y.shape).toEqual(want.shape);
      close(y.dataSync(), want.values);
      await gradcheck((a) => avgPool2d(a, opts), [randn([1, 1, 5, 6])]);
    });
  }

  it('rejects a dilation, a divisorOverride of 0, a non-boolean ceilMode, naming the op', () => {
    expect(() => avgPool2d(randn([1, 1, 4, 4]), { kernelSize: 2, dilation: 2 } as never)).toThrow(/^avgPool2d: has no dilation option/);
    expect(() => avgPool2d(randn([1, 1, 4, 4]), { kernelSize: 2, divisorOverride: 0 })).toThrow(ValueError);
    expect(() => avgPool2d(randn([1, 1, 4, 4]), { kernelSize: 2, divisorOverride: 1.5 })).toThrow(/divisorOverride must be a positive integer, got 1.5/);
    expect(() => maxPool2d(randn([1, 1, 4, 4]), { kernelSize: 2, ceilMode: 'yes' as never })).toThrow(/^maxPool2d: ceilMode must be a boolean/);
    expect(() => maxPool2dWithIndices(randn([1, 1, 4, 4]), { kernelSize: 2, dilation: 0 })).toThrow(/^maxPool2dWithIndices: dilation/);
  });
});
