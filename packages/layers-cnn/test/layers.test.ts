import * as pf from '@profundo/core';
import { manualSeed, memory, nn, noGrad, randn, tensor, tidy, zeros } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, Flatten, MaxPool2d } from '@profundo/layers-cnn';

const { crossEntropy } = nn;

beforeAll(async () => {
  if (!pf.listBackends().includes('cpu')) pf.registerBackend('cpu', createCpuBackend);
  await pf.setBackend('cpu');
});

function lenet(): pf.nn.Sequential {
  return new nn.Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
    new nn.ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 16, 5),
    new nn.ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new nn.Linear(400, 120),
    new nn.ReLU(),
    new nn.Linear(120, 84),
    new nn.ReLU(),
    new nn.Linear(84, 10),
  );
}

describe('Conv2d', () => {
  it('has PyTorch shapes and parameter names', () => {
    const conv = new Conv2d(4, 6, [3, 2], { groups: 2 });
    expect(conv.namedParameters().map(([n, p]) => `${n}:${p.shape}`)).toEqual(['weight:6,2,3,2', 'bias:6']);
    expect(conv.forward(zeros([2, 4, 7, 7])).shape).toEqual([2, 6, 5, 6]);
    expect(new Conv2d(3, 8, 3, { stride: 2, padding: 1 }).forward(zeros([1, 3, 32, 32])).shape).toEqual([1, 8, 16, 16]);
    expect(new Conv2d(3, 8, 3, { padding: 'same', dilation: 2 }).forward(zeros([1, 3, 9, 10])).shape).toEqual([1, 8, 9, 10]);
    expect(new Conv2d(3, 8, 3).forward(zeros([3, 9, 10])).shape).toEqual([8, 7, 8]);
    expect(new Conv2d(3, 8, 1, { bias: false }).namedParameters().map(([n]) => n)).toEqual(['weight']);
  });

  it('names nested parameters like PyTorch (features.0.weight …)', () => {
    class Net extends nn.Module {
      features = new nn.Sequential(new Conv2d(1, 4, 3), new nn.ReLU(), new MaxPool2d(2), new Conv2d(4, 8, 3), new BatchNorm2d(8));
      classifier = new nn.Sequential(new Flatten(), new nn.Linear(8, 2));
      forward(x: pf.Tensor): pf.Tensor {
        return this.classifier.forward(new AdaptiveAvgPool2d(1).forward(this.features.forward(x)));
      }
    }
    const net = new Net();
    expect(Object.keys(net.stateDict())).toEqual([
      'features.0.weight',
      'features.0.bias',
      'features.3.weight',
      'features.3.bias',
      'features.4.weight',
      'features.4.bias',
      // PyTorch's order: each module's buffers right after its parameters.
      'features.4.running_mean',
      'features.4.running_var',
      'features.4.num_batches_tracked',
      'classifier.1.weight',
      'classifier.1.bias',
    ]);
    expect(net.forward(randn([2, 1, 12, 12])).shape).toEqual([2, 2]);
  });

  it('initializes weight and bias from U(-1/√fanIn, 1/√fanIn), reproducibly', () => {
    manualSeed(5);
    const conv = new Conv2d(16, 32, 3, { groups: 2 }); // fanIn = 8 · 3 · 3 = 72
    const bound = 1 / Math.sqrt(72);
    const w = conv.weight.dataSync() as Float32Array;
    const b = conv.bias!.dataSync() as Float32Array;
    expect(Math.max(...w)).toBeLessThanOrEqual(bound);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-bound);
    expect(Math.max(...w)).toBeGreaterThan(0.95 * bound);
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(variance).toBeCloseTo((bound * bound) / 3, 3); // U(-a, a) has variance a²/3
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(bound);
    manualSeed(5);
    expect(Array.from(new Conv2d(16, 32, 3, { groups: 2 }).weight.dataSync())).toEqual(Array.from(w));
  });

  it('rejects bad configurations', () => {
    expect(() => new Conv2d(3, 8, 3, { groups: 2 })).toThrow(/Conv2d: inChannels 3 and outChannels 8 must both be divisible by groups 2/);
    expect(() => new Conv2d(3, 8, 3, { padding: 'same', stride: 2 })).toThrow(pf.ValueError);
    expect(() => new Conv2d(0, 8, 3)).toThrow(pf.ValueError);
    expect(() => new Conv2d(3, 8, 0)).toThrow(pf.ValueError);
    expect(() => new Conv2d(3, 8, 3).forward(zeros([1, 4, 8, 8]))).toThrow(pf.ShapeError);
  });
});

describe('pooling and Flatten layers', () => {
  const x = () => pf.arange(32).reshape(1, 2, 4, 4).float();

  it('MaxPool2d / AvgPool2d / AdaptiveAvgPool2d values', () => {
    expect(new MaxPool2d(2).forward(x()).tolist()).toEqual([[[[5, 7], [13, 15]], [[21, 23], [29, 31]]]]);
    expect(new AvgPool2d(2).forward(x()).tolist()).toEqual([[[[2.5, 4.5], [10.5, 12.5]], [[18.5, 20.5], [26.5, 28.5]]]]);
    expect(new MaxPool2d(3, { stride: 1, padding: 1 }).forward(x()).shape).toEqual([1, 2, 4, 4]);
    expect(new AvgPool2d([2, 4], { stride: [2, 4], countIncludePad: false }).forward(x()).tolist()).toEqual([[[[3.5], [11.5]], [[19.5], [27.5]]]]);
    expect(new AdaptiveAvgPool2d(1).forward(x()).tolist()).toEqual([[[[7.5]], [[23.5]]]]);
    expect(new AdaptiveAvgPool2d([3, 2]).forward(x()).shape).toEqual([1, 2, 3, 2]);
    expect(new MaxPool2d(2).namedParameters()).toEqual([]);
  });

  it('Flatten keeps the batch dim by default', () => {
    expect(new Flatten().forward(zeros([64, 16, 5, 5])).shape).toEqual([64, 400]);
    expect(new Flatten(2).forward(zeros([64, 16, 5, 5])).shape).toEqual([64, 16, 25]);
    expect(new Flatten(0, 1).forward(zeros([4, 3, 2])).shape).toEqual([12, 2]);
  });
});

describe('BatchNorm2d', () => {
  // Channel 0: 1, 2, 3, 4 (mean 2.5, biased var 1.25, unbiased 5/3);
  // channel 1: 0, 0, 2, 6 (mean 2, biased var 6, unbiased 8).
  const batch = () => tensor([[[[1, 2]], [[0, 0]]], [[[3, 4]], [[2, 6]]]]);
  const stats = [
    { mean: 2.5, biased: 1.25, unbiased: 5 / 3, values: [1, 2, 3, 4] },
    { mean: 2, biased: 6, unbiased: 8, values: [0, 0, 2, 6] },
  ];
  const channel = (t: pf.Tensor, c: number): number[] => {
    const d = t.dataSync();
    return [d[c * 2]!, d[c * 2 + 1]!, d[4 + c * 2]!, d[4 + c * 2 + 1]!];
  };

  it('training: batch statistics; running stats updated with the unbiased variance', () => {
    const bn = new BatchNorm2d(2);
    const y = bn.forward(batch());
    stats.forEach((s, c) => {
      channel(y, c).forEach((v, i) => expect(v).toBeCloseTo((s.values[i]! - s.mean) / Math.sqrt(s.biased + 1e-5), 5));
    });
    bn.runningMean!.dataSync().forEach((v, c) => expect(v).toBeCloseTo(0.1 * stats[c]!.mean, 7));
    Array.from(bn.runningVar!.dataSync()).forEach((v, c) => expect(v).toBeCloseTo(0.9 + 0.1 * stats[c]!.unbiased, 6));
    expect(bn.numBatchesTracked!.item()).toBe(1);
    bn.forward(batch());
    expect(bn.numBatchesTracked!.item()).toBe(2);
    bn.runningMean!.dataSync().forEach((v, c) => expect(v).toBeCloseTo(0.19 * stats[c]!.mean, 6)); // 0.9·0.1m + 0.1m
  });

  it('evaluation: running statistics, no updates, affine applied', () => {
    const bn = new BatchNorm2d(2, { eps: 0 });
    bn.loadStateDict({
      weight: tensor([2, 1]),
      bias: tensor([0, 1]),
      running_mean: tensor([1, -1]),
      running_var: tensor([4, 0.25]),
      num_batches_tracked: tensor(7, { dtype: 'int32' }),
    });
    bn.eval();
    const y = bn.forward(batch());
    expect(channel(y, 0)).toEqual([0, 1, 2, 3]); // 2 · (x - 1) / 2
    expect(channel(y, 1)).toEqual([3, 3, 7, 15]); // (x + 1) / 0.5 + 1
    expect(Array.from(bn.runningMean!.dataSync())).toEqual([1, -1]);
    expect(bn.numBatchesTracked!.item()).toBe(7);
  });

  it('gradients flow to input, weight and bias in training', () => {
    const bn = new BatchNorm2d(2);
    const x = tensor(batch().dataSync() as Float32Array, { shape: [2, 2, 1, 2], requiresGrad: true });
    bn.forward(x).mul(tensor([1, 2, 3, 4, 5, 6, 7, 8]).reshape(2, 2, 1, 2)).sum().backward();
    // d/dbias = Σ upstream per channel; d/dx of a normalized batch sums to 0 per channel.
    expect(Array.from(bn.bias!.grad!.dataSync())).toEqual([1 + 2 + 5 + 6, 3 + 4 + 7 + 8]);
    const gx = x.grad!.dataSync();
    expect(gx[0]! + gx[1]! + gx[4]! + gx[5]!).toBeCloseTo(0, 5);
  });

  it('momentum null keeps a cumulative average', () => {
    const bn = new BatchNorm2d(2, { momentum: null });
    bn.forward(batch());
    bn.forward(batch().mul(3));
    // Mean of the two batch means: (m + 3m) / 2.
    bn.runningMean!.dataSync().forEach((v, c) => expect(v).toBeCloseTo(2 * stats[c]!.mean, 5));
  });

  it('without running stats or affine: batch statistics in both modes, no state', () => {
    const bn = new BatchNorm2d(2, { trackRunningStats: false, affine: false });
    expect(Object.keys(bn.stateDict())).toEqual([]);
    expect(bn.runningMean).toBeNull();
    const train = Array.from(bn.forward(batch()).dataSync());
    bn.eval();
    expect(Array.from(bn.forward(batch()).dataSync())).toEqual(train);
  });

  it('has PyTorch state-dict keys and checks its input', () => {
    const bn = new BatchNorm2d(3);
    expect(Object.entries(bn.stateDict()).map(([k, v]) => `${k}:${v.dtype}[${v.shape}]`)).toEqual([
      'weight:float32[3]',
      'bias:float32[3]',
      'running_mean:float32[3]',
      'running_var:float32[3]',
      'num_batches_tracked:int32[]',
    ]);
    expect(() => bn.forward(zeros([2, 4, 3, 3]))).toThrow(/BatchNorm2d: expected input \[N, 3, H, W\], got \[2,4,3,3\]/);
    expect(() => bn.forward(zeros([2, 3, 3]))).toThrow(pf.ShapeError);
    expect(() => new BatchNorm2d(3, { momentum: 2 })).toThrow(pf.ValueError);
  });
});

describe('LeNet', () => {
  it('trains: loss falls and a step in tidy leaves live tensors unchanged', async () => {
    manualSeed(0);
    const net = lenet();
    expect(net.namedParameters().map(([n]) => n).slice(0, 4)).toEqual(['0.weight', '0.bias', '3.weight', '3.bias']);
    const x = randn([16, 1, 28, 28]);
    const y = tensor(Int32Array.from({ length: 16 }, (_, i) => i % 10), { dtype: 'int32' });
    const step = (): number =>
      tidy(() => {
        net.zeroGrad();
        const loss = crossEntropy(net.forward(x), y);
        loss.backward();
        noGrad(() => {
          for (const p of net.parameters()) p.assign(p.sub(p.grad!.mul(0.05)));
        });
        return loss.item();
      });
    const first = step();
    const before = memory().backends['cpu']!;
    let last = first;
    for (let i = 0; i < 10; i++) last = step();
    const after = memory().backends['cpu']!;
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytes).toBe(before.bytes);
    expect(last).toBeLessThan(first);
  });
});
