import { beforeAll, describe, expect, it } from 'vitest';
import {
  DTypeError,
  ShapeError,
  ValueError,
  adaptiveAvgPool2d,
  arange,
  avgPool2d,
  batchNorm,
  conv2d,
  maxPool2d,
  nn,
  noGrad,
  ones,
  registerBackend,
  setBackend,
  tensor,
  zeros,
  type FusedKernels,
  type Tensor,
} from '@profundo/core';
import { createReferenceBackend } from '@profundo/core/testing';
import { useReference } from './setup.js';

beforeAll(useReference);

describe('conv2d', () => {
  it('computes a cross-correlation by hand', () => {
    // 1 image, 1 channel 3×3, kernel [[1, 0], [0, -1]]: y[i][j] = x[i][j] - x[i+1][j+1].
    const x = arange(9).reshape(1, 1, 3, 3).float();
    const w = tensor([[[[1, 0], [0, -1]]]]);
    expect(conv2d(x, w).tolist()).toEqual([[[[-4, -4], [-4, -4]]]]);
    expect(conv2d(x, w, tensor([10])).tolist()).toEqual([[[[6, 6], [6, 6]]]]);
    // Padding 1 then stride 2: positions (-1,-1), (-1,1), (1,-1), (1,1) of the padded grid.
    expect(conv2d(x, w, null, { padding: 1, stride: 2 }).tolist()).toEqual([[[[0, -2], [-6, -4]]]]);
  });

  it("'same' keeps the size and puts the extra padding bottom/right", () => {
    const x = ones([1, 1, 4, 4]);
    const y = conv2d(x, ones([1, 1, 2, 2]), null, { padding: 'same' });
    expect(y.shape).toEqual([1, 1, 4, 4]);
    // Pad 0 top/left, 1 bottom/right: the last row and column see two ones, the corner one.
    expect(Array.from(y.dataSync())).toEqual([4, 4, 4, 2, 4, 4, 4, 2, 4, 4, 4, 2, 2, 2, 2, 1]);
  });

  it('accepts unbatched input and groups', () => {
    const x = ones([4, 5, 5]);
    expect(conv2d(x, ones([6, 2, 3, 3]), null, { groups: 2 }).shape).toEqual([6, 3, 3]);
  });

  it('rejects bad input with typed errors naming conv2d', () => {
    const x = zeros([2, 4, 6, 6]);
    const w = zeros([6, 4, 3, 3]);
    expect(() => conv2d(zeros([4, 6]), w)).toThrow(ShapeError);
    expect(() => conv2d(x, zeros([6, 4, 3]))).toThrow(/conv2d: weight must be/);
    expect(() => conv2d(x, zeros([6, 3, 3, 3]))).toThrow(/conv2d: input has 4 channels but weight \[6,3,3,3\]/);
    expect(() => conv2d(x, zeros([6, 2, 3, 3]), null, { groups: 3 })).toThrow(ValueError);
    expect(() => conv2d(x, zeros([5, 2, 3, 3]), null, { groups: 2 })).toThrow(/output channels 5 .* not divisible by groups 2/);
    expect(() => conv2d(x, w, zeros([5]))).toThrow(/conv2d: bias must be \[6\]/);
    expect(() => conv2d(x, zeros([6, 4, 7, 7]))).toThrow(/conv2d: kernel 7×7 .* larger than the padded input 6×6/);
    expect(() => conv2d(x, w, null, { dilation: 3 })).toThrow(ShapeError);
    expect(() => conv2d(x, w, null, { stride: 0 })).toThrow(/conv2d: stride must be a positive integer/);
    expect(() => conv2d(x, w, null, { padding: -1 })).toThrow(ValueError);
    expect(() => conv2d(x, w, null, { padding: 'same', stride: 2 })).toThrow(/conv2d: padding 'same' needs stride 1/);
    expect(() => conv2d(x, w, null, { padding: 'full' as 'same' })).toThrow(ValueError);
    expect(() => conv2d(x.int(), w)).toThrow(DTypeError);
  });
});

describe('pooling', () => {
  const x16 = () => arange(16).reshape(1, 1, 4, 4).float();

  it('maxPool2d and avgPool2d by hand', () => {
    const x = x16();
    expect(maxPool2d(x, 2).tolist()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(avgPool2d(x, 2).tolist()).toEqual([[[[2.5, 4.5], [10.5, 12.5]]]]);
    // Padding never wins a max, even against negative values.
    expect(maxPool2d(x.neg(), { kernelSize: 2, padding: 1 }).tolist()).toEqual([[[[-0, -1, -3], [-4, -5, -7], [-12, -13, -15]]]]);
    // Corner window of a padded 3×3 average: 4 real values; divisor 9 or 4.
    expect(avgPool2d(x, { kernelSize: 3, stride: 3, padding: 1 }).dataSync()[0]).toBeCloseTo((0 + 1 + 4 + 5) / 9, 6);
    expect(avgPool2d(x, { kernelSize: 3, stride: 3, padding: 1, countIncludePad: false }).dataSync()[0]).toBeCloseTo(2.5, 6);
  });

  it('adaptiveAvgPool2d uses PyTorch windows', () => {
    const x = x16();
    // Rows 0..3 → 3 outputs: windows [0,2), [1,3), [2,4).
    const y = adaptiveAvgPool2d(x, [3, 1]);
    expect(Array.from(y.dataSync())).toEqual([3.5, 7.5, 11.5]);
    expect(adaptiveAvgPool2d(x, 1).tolist()).toEqual([[[[7.5]]]]);
  });

  it('rejects bad windows', () => {
    const x = x16();
    expect(() => maxPool2d(x, { kernelSize: 2, padding: 2 })).toThrow(/maxPool2d: padding \[2, 2\] must be at most half/);
    expect(() => maxPool2d(x, 5)).toThrow(ShapeError);
    expect(() => avgPool2d(x, { kernelSize: 2, stride: 0 })).toThrow(/avgPool2d: stride/);
    expect(() => maxPool2d(zeros([4, 4]), 2)).toThrow(/maxPool2d: input must be \[N, C, H, W\]/);
    expect(() => adaptiveAvgPool2d(x, 0)).toThrow(ValueError);
  });
});

describe('batchNorm', () => {
  it('normalizes with batch statistics and updates running ones (unbiased)', () => {
    // Channel 0 holds 1, 2, 3, 4: mean 2.5, biased var 1.25, unbiased 5/3.
    const x = tensor([1, 2, 3, 4]).reshape(2, 1, 1, 2);
    const rm = zeros([1]);
    const rv = ones([1]);
    const y = batchNorm(x, { runningMean: rm, runningVar: rv, training: true, eps: 0 });
    const s = Math.sqrt(1.25);
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo((i + 1 - 2.5) / s, 5));
    expect(rm.dataSync()[0]).toBeCloseTo(0.25, 6);
    expect(rv.dataSync()[0]).toBeCloseTo(0.9 + 0.1 * (5 / 3), 6);
    expect(() => batchNorm(x)).toThrow(/batchNorm: needs runningMean and runningVar/);
    expect(() => batchNorm(zeros([1, 2, 1, 1]), { training: true })).toThrow(/more than one value per channel/);
    expect(() => batchNorm(x, { weight: ones([2]) })).toThrow(ShapeError);
  });
});

describe('fused-kernel selection', () => {
  it('uses a forward-only fused conv2d when no gradient is needed, else the composite', async () => {
    const calls: string[] = [];
    const ref = createReferenceBackend();
    // A fused conv2d that answers zeros: which path ran shows in the values.
    const fused: FusedKernels = {
      conv2d: (x, w) => {
        calls.push('conv2d');
        const shape = [x.shape[0]!, w.shape[0]!, x.shape[2]! - w.shape[2]! + 1, x.shape[3]! - w.shape[3]! + 1];
        return ref.write(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, 'float32');
      },
    };
    registerBackend('ref-fused-forward-only', () => ({ ...ref, name: 'ref-fused-forward-only', fused }));
    await setBackend('ref-fused-forward-only');
    try {
      const x = ones([1, 1, 3, 3]);
      const w = ones([1, 1, 2, 2], { requiresGrad: true });
      expect(Array.from(noGrad(() => conv2d(x, w)).dataSync())).toEqual([0, 0, 0, 0]);
      expect(calls).toEqual(['conv2d']);
      const y = conv2d(x, w); // needs a gradient, and there is no conv2dBackprop*: composite
      expect(Array.from(y.dataSync())).toEqual([4, 4, 4, 4]);
      y.sum().backward();
      expect(Array.from(w.grad!.dataSync())).toEqual([4, 4, 4, 4]);
      expect(calls).toEqual(['conv2d']);
    } finally {
      await useReference();
    }
  });
});


describe('Module.registerBuffer with a state-dict key', () => {
  it('keeps the camelCase property and uses the given key in namedBuffers / stateDict / loadStateDict', () => {
    class Stats extends nn.Module {
      declare readonly runningMean: Tensor;
      constructor() {
        super();
        this.registerBuffer('runningMean', zeros([2]), 'running_mean');
      }
      forward(x: Tensor): Tensor {
        return x.sub(this.runningMean);
      }
    }
    const outer = new nn.Sequential(new Stats());
    expect(outer.namedBuffers().map(([k]) => k)).toEqual(['0.running_mean']);
    outer.loadStateDict({ '0.running_mean': tensor([1, 2]) });
    expect(Array.from((outer[0] as Stats).runningMean.dataSync())).toEqual([1, 2]);
    expect(() => outer.loadStateDict({ '0.runningMean': tensor([1, 2]) })).toThrow(ValueError);
  });
});
