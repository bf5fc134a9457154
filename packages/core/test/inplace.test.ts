/**
 * In-place changes (`assign`) to a tensor a live graph saved are caught at backward instead of
 * giving a wrong gradient; ordinary training (zero grad, backward, update with assign) never
 * trips the check. Expected values are worked out by hand.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GradError, memory, noGrad, tensor, tidy, type Tensor } from '@profundo/core';
import { useReference } from './setup.js';

beforeAll(useReference);

const vals = (t: Tensor | null): number[] => Array.from(t!.dataSync());
const live = (): { tensors: number; bytes: number } => {
  const { tensors, bytes } = memory();
  return { tensors, bytes };
};

describe('assign under a live graph', () => {
  it('throws at backward, naming the op that saved the tensor and assign', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const w = tensor([3, 4]);
    const y = x.mul(w).sum(); // dy/dx = w = [3, 4] at the time of the forward
    w.assign(tensor([30, 40]));
    const before = live();
    expect(() => y.backward()).toThrow(GradError);
    expect(() => y.backward()).toThrow(/^backward: .*'mul'.*modified in place by assign/);
    expect(x.grad).toBe(null); // nothing accumulated
    expect(live()).toEqual(before);
  });

  it('catches a parameter updated between forward and backward', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const y = w.square().sum();
    noGrad(() => w.assign(w.sub(1)));
    expect(() => y.backward()).toThrow(GradError);
    expect(w.grad).toBe(null);
  });

  it('catches an op output modified in place', () => {
    const x = tensor([0, 1], { requiresGrad: true });
    const e = x.exp(); // exp saves its output
    const y = e.sum();
    e.assign(tensor([5, 5]));
    expect(() => y.backward()).toThrow(/'exp'.*assign/);
  });

  it('a view taken before assign keeps its values, so its graph stays valid', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const w = tensor([[3, 4]]);
    const v = w.reshape(2); // shares w's old storage
    const y = x.mul(v).sum();
    w.assign(tensor([[30, 40]]));
    y.backward();
    expect(vals(x.grad)).toEqual([3, 4]); // the values the forward used
  });

  it('ordinary training (zero grad, forward, backward, update with assign) never trips the check', () => {
    // f(w) = Σ (w - t)², gradient 2 (w - t); SGD with lr 0.25 halves the distance to t each step.
    const w = tensor([1, 5], { requiresGrad: true });
    const t = tensor([3, 1]);
    const base = live();
    for (let step = 0; step < 3; step++) {
      tidy(() => {
        w.grad?.dispose();
        w.grad = null;
        const l = w.sub(t).square().sum();
        l.backward();
        noGrad(() => w.assign(w.sub(w.grad!.mul(0.25))));
      });
    }
    // distance to t: [-2, 4] → [-1, 2] → [-0.5, 1] → [-0.25, 0.5]
    expect(vals(w)).toEqual([2.75, 1.5]);
    w.grad!.dispose();
    w.grad = null;
    expect(live()).toEqual(base);
  });

  it('a new forward after assign differentiates with the new values', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    w.square().sum().backward();
    noGrad(() => w.assign(tensor([5, 7])));
    w.grad = null;
    w.square().sum().backward();
    expect(vals(w.grad)).toEqual([10, 14]);
  });
});
