/**
 * Conv2d's `paddingMode` (PyTorch's `padding_mode`): 'reflect', 'replicate' and 'circular'
 * against a convolution written as loops over an explicitly indexed input (each padded
 * position mapped to the input position it copies), for number, pair and 'same' padding, with
 * stride and dilation; the gradient by gradcheck.
 */
import { createCpuBackend } from '@profundo/backend-cpu';
import { ValueError, listBackends, manualSeed, randn, registerBackend, setBackend, type Tensor } from '@profundo/core';
import { gradcheck } from '@profundo/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conv2d } from '../src/index.js';

beforeAll(async () => {
  if (!listBackends().includes('cpu')) registerBackend('cpu', createCpuBackend);
  await setBackend('cpu');
});

type Mode = 'reflect' | 'replicate' | 'circular';
const source = (mode: Mode, j: number, n: number): number =>
  mode === 'replicate' ? Math.min(Math.max(j, 0), n - 1) : mode === 'circular' ? ((j % n) + n) % n : j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;

/** The convolution by loops: output (o, i, j) sums w · x over the padded, mode-indexed input. */
function reference(x: Tensor, conv: Conv2d, mode: Mode, [pt, pl]: [number, number], out: number[]): number[] {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const xs = x.dataSync();
  const ws = conv.weight.dataSync();
  const bs = conv.bias!.dataSync();
  const [kH, kW] = conv.kernelSize;
  const [sH, sW] = conv.stride;
  const [dH, dW] = conv.dilation;
  const [, O, OH, OW] = out as [number, number, number, number];
  const res: number[] = [];
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    let acc = bs[o]!;
    for (let c = 0; c < C; c++) for (let a = 0; a < kH; a++) for (let b = 0; b < kW; b++) {
      const h = source(mode, i * sH + a * dH - pt, H);
      const w = source(mode, j * sW + b * dW - pl, W);
      acc += ws[((o * C + c) * kH + a) * kW + b]! * xs[((n * C + c) * H + h) * W + w]!;
    }
    res.push(acc);
  }
  return res;
}

describe('Conv2d paddingMode', () => {
  const settings: { padding: number | [number, number] | 'same'; stride?: number; dilation?: number; k: number; top: [number, number] }[] = [
    { padding: 1, k: 3, top: [1, 1] },
    { padding: [2, 1], k: 3, stride: 2, top: [2, 1] },
    { padding: 'same', k: 4, top: [1, 1] }, // total 3: 1 before, 2 after
    { padding: 2, k: 3, dilation: 2, top: [2, 2] },
  ];
  for (const mode of ['reflect', 'replicate', 'circular'] as const) {
    for (const s of settings) {
      it(`${mode}, padding ${JSON.stringify(s.padding)}, kernel ${s.k}, stride ${s.stride ?? 1}, dilation ${s.dilation ?? 1}`, () => {
        manualSeed(1);
        const conv = new Conv2d(2, 3, s.k, { padding: s.padding, stride: s.stride, dilation: s.dilation, paddingMode: mode });
        const x = randn([2, 2, 5, 6]);
        const y = conv.forward(x);
        const want = reference(x, conv, mode, s.top, y.shape as number[]);
        const got = Array.from(y.dataSync());
        expect(got.length).toBe(want.length);
        got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
      });
    }
  }

  it('unbatched input; the gradient through the padding (gradcheck)', async () => {
    manualSeed(2);
    const conv = new Conv2d(1, 1, 3, { padding: 1, paddingMode: 'circular' });
    expect(conv.forward(randn([1, 4, 4])).shape).toEqual([1, 4, 4]);
    await gradcheck((x) => conv.forward(x), [randn([1, 1, 4, 5])]);
  });

  it('rejects an unknown mode, naming Conv2d', () => {
    expect(() => new Conv2d(1, 1, 3, { paddingMode: 'mirror' as never })).toThrow(ValueError);
    expect(() => new Conv2d(1, 1, 3, { paddingMode: 'mirror' as never })).toThrow(/^Conv2d: paddingMode must be 'zeros', 'reflect', 'replicate' or 'circular', got 'mirror'/);
  });
});
