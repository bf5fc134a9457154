import { beforeAll, describe, expect, it } from 'vitest';
import { GradError, ShapeError, grad, noGrad, ones, tensor, valueAndGrad, type Tensor } from '@profundo/core';
import { useReference } from './setup.js';

beforeAll(useReference);

const vals = (t: Tensor | null): number[] => Array.from(t!.dataSync());

describe('backward', () => {
  it('computes d/dx of x·y + x² by hand', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = tensor([4, 5, 6], { requiresGrad: true });
    x.mul(y).add(x.square()).sum().backward();
    expect(vals(x.grad)).toEqual([4 + 2, 5 + 4, 6 + 6]); // y + 2x
    expect(vals(y.grad)).toEqual([1, 2, 3]); // x
  });

  it('accumulates into grad across backward calls', () => {
    const x = tensor([2], { requiresGrad: true });
    x.mul(3).sum().backward();
    x.mul(x).sum().backward();
    expect(vals(x.grad)).toEqual([3 + 4]);
  });

  it('sums the gradient of a tensor used twice (diamond graph)', () => {
    const x = tensor([1.5], { requiresGrad: true });
    const a = x.mul(2);
    a.mul(a).add(a).sum().backward(); // f = 4x² + 2x, f' = 8x + 2
    expect(vals(x.grad)).toEqual([14]);
  });

  it('takes an explicit gradient for a non-scalar output', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(x).backward(tensor([10, 100]));
    expect(vals(x.grad)).toEqual([20, 400]);
  });

  it('rejects backward on a non-scalar without a gradient', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(GradError);
    expect(() => x.mul(2).backward()).toThrow(/backward.*\[2\]/);
  });

  it('rejects a gradient of the wrong shape', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward(ones([3]))).toThrow(ShapeError);
  });

  it('rejects backward on a tensor that does not require grad', () => {
    expect(() => tensor([1]).sum().backward()).toThrow(GradError);
  });

  it('records nothing under noGrad, and detach cuts the graph', () => {
    const x = tensor([3], { requiresGrad: true });
    expect(noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    x.mul(d).sum().backward(); // d is a constant: d/dx (x · 3) = 3
    expect(vals(x.grad)).toEqual([3]);
  });

  it('passes no gradient to int32 inputs and through comparisons', () => {
    const x = tensor([1, -2, 3], { requiresGrad: true });
    expect(x.gt(0).requiresGrad).toBe(false);
    expect(x.argmax().requiresGrad).toBe(false);
  });
});

describe('functional grad', () => {
  it('valueAndGrad returns the value and one gradient per argument', () => {
    const f = (x: Tensor, y: Tensor): Tensor => x.mul(y).sum();
    const { value, grads } = valueAndGrad(f)(tensor([1, 2]), tensor([3, 4]));
    expect(value.item()).toBe(11);
    expect(vals(grads[0]!)).toEqual([3, 4]);
    expect(vals(grads[1]!)).toEqual([1, 2]);
  });

  it('grad leaves its arguments untouched', () => {
    const x = tensor([1, 2, 3]);
    const [dx] = grad((v: Tensor) => v.square().sum())(x);
    expect(vals(dx!)).toEqual([2, 4, 6]);
    expect(x.grad).toBeNull();
    expect(x.requiresGrad).toBe(false);
  });

  it('gives zeros for an argument the output does not use', () => {
    const [, dy] = grad((x: Tensor, _y: Tensor) => x.sum())(tensor([1]), tensor([5, 6]));
    expect(vals(dy!)).toEqual([0, 0]);
  });
});

describe('tensors on a backend that is not current', () => {
  it('backward and *Like follow the tensor, not the current backend', async () => {
    const { listBackends, registerBackend, setBackend, zerosLike } = await import('@profundo/core');
    const { createReferenceBackend } = await import('@profundo/core/testing');
    if (!listBackends().includes('other')) registerBackend('other', createReferenceBackend);
    const x = tensor([1, 2], { requiresGrad: true });
    await setBackend('other');
    try {
      x.square().sum().backward();
      expect(vals(x.grad)).toEqual([2, 4]);
      expect(zerosLike(x).add(x).shape).toEqual([2]);
    } finally {
      await useReference();
    }
  });
});
