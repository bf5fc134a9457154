import { beforeAll, describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError, manualSeed, nn, ones, tensor, zeros, type Tensor } from '@profundo/core';
import { useReference } from './setup.js';

beforeAll(useReference);

class Net extends nn.Module {
  features = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2, { bias: false }));
  head = new nn.Linear(2, 1);
  forward(x: Tensor): Tensor {
    return this.head.forward(this.features.forward(x));
  }
}

describe('Module', () => {
  it('names parameters like PyTorch', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n, p]) => `${n}:${p.shape}`)).toEqual([
      'features.0.weight:3,4',
      'features.0.bias:3',
      'features.2.weight:2,3',
      'head.weight:1,2',
      'head.bias:1',
    ]);
  });

  it('round-trips a state dict and rejects mismatches', () => {
    manualSeed(1);
    const a = new Net();
    manualSeed(2);
    const b = new Net();
    const x = ones([2, 4]);
    expect(Array.from(a.forward(x).dataSync())).not.toEqual(Array.from(b.forward(x).dataSync()));
    b.loadStateDict(a.stateDict());
    expect(Array.from(b.forward(x).dataSync())).toEqual(Array.from(a.forward(x).dataSync()));
    expect(() => b.loadStateDict({ 'head.bias': zeros([1]) })).toThrow(ValueError);
    expect(() => b.loadStateDict({ ...a.stateDict(), 'head.bias': zeros([2]) })).toThrow(ShapeError);
  });

  it('zeroGrad clears grads; train/eval propagate', () => {
    const net = new Net();
    net.forward(ones([1, 4])).sum().backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    net.eval();
    expect(net.features[1]!.training).toBe(false);
  });

  it('Linear computes x Wᵀ + b', () => {
    const fc = new nn.Linear(2, 2);
    fc.loadStateDict({ weight: tensor([[1, 2], [3, 4]]), bias: tensor([10, 20]) });
    expect(Array.from(fc.forward(tensor([[1, 1]])).dataSync())).toEqual([13, 27]);
    expect(() => fc.forward(ones([1, 3]))).toThrow(/Linear.*\[1,3\]/);
  });

  it('Linear init is U(-1/√in, 1/√in)', () => {
    manualSeed(0);
    const w = new nn.Linear(400, 50).weight.dataSync();
    const bound = 1 / 20;
    expect(Math.max(...w)).toBeLessThanOrEqual(bound);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-bound);
    expect(Math.max(...w)).toBeGreaterThan(bound * 0.99);
  });

  it('init fills with the documented spread', () => {
    manualSeed(0);
    const w = zeros([300, 200]);
    nn.init.kaimingNormal(w, { nonlinearity: 'relu' });
    const v = w.dataSync();
    const std = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / 200), 2);
    nn.init.xavierUniform(w);
    expect(Math.max(...w.dataSync())).toBeLessThanOrEqual(Math.sqrt(6 / 500));
  });
});

describe('Dropout', () => {
  it('zeroes about p of the elements and rescales the rest; identity in eval', () => {
    manualSeed(0);
    const d = new nn.Dropout(0.25);
    const y = d.forward(ones([10000])).dataSync();
    const zerosFrac = y.filter((v) => v === 0).length / y.length;
    expect(Math.abs(zerosFrac - 0.25)).toBeLessThan(0.02);
    expect(y.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    d.eval();
    expect(Array.from(d.forward(ones([3])).dataSync())).toEqual([1, 1, 1]);
    expect(() => new nn.Dropout(1.5)).toThrow(ValueError);
  });
});

describe('losses', () => {
  it('crossEntropy matches -log softmax by hand', () => {
    const logits = tensor([[1, 2, 3]]);
    const expected = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
    expect(nn.crossEntropy(logits, tensor([2], { dtype: 'int32' })).item()).toBeCloseTo(expected, 6);
  });

  it('crossEntropy rejects float labels and bad shapes, naming the op', () => {
    expect(() => nn.crossEntropy(ones([2, 3]), tensor([0, 1]))).toThrow(DTypeError);
    expect(() => nn.crossEntropy(ones([2, 3]), tensor([0, 1]))).toThrow(/^crossEntropy: .*float32/);
    expect(() => nn.crossEntropy(ones([2, 3]), tensor([0], { dtype: 'int32' }))).toThrow(ShapeError);
    expect(() => nn.crossEntropy(ones([2, 3]), tensor([0, 3], { dtype: 'int32' }))).toThrow(/out of range/);
  });

  it('mseLoss and binaryCrossEntropy by hand', () => {
    expect(nn.mseLoss(tensor([1, 3]), tensor([2, 1])).item()).toBeCloseTo((1 + 4) / 2, 6);
    const bce = nn.binaryCrossEntropy(tensor([0.8, 0.1]), tensor([1, 0])).item();
    expect(bce).toBeCloseTo(-(Math.log(0.8) + Math.log(0.9)) / 2, 6);
    expect(() => nn.mseLoss(ones([2]), ones([2, 1]))).toThrow(ShapeError);
  });
});
