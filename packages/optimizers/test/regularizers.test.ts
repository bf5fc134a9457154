/**
 * L2 / L1 penalties (values and gradients worked out by hand) and gradient clipping, on every
 * backend of BACKENDS with the same tolerances. Measured worst relative error, 1.4e-7 on both
 * (the ∞-norm check, whose expected values leave out the 1e-6 of maxNorm / (‖g‖ + 1e-6)); the
 * one case where the backends differ is the 3-norm, cbrt(17): 1.2e-7 on gpu.js, 3.1e-8 on CPU.
 */
import { tensor, type Tensor } from '@profundo/core';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, clipGradValue, l1Penalty, l2Penalty, SGD } from '../src/index.js';
import { BACKENDS, param, trainStep, useBackend } from './helpers.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());
function expectClose(actual: number[], expected: number[], tol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!), `element ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i]!))));
}

describe.each(BACKENDS)('on $name', (backend) => {
  useBackend(backend);

  describe('l2Penalty', () => {
    it('is λ Σ θ² (no ½) with gradient 2λθ', () => {
      const a = tensor([1, -2, 0.5], { requiresGrad: true });
      const b = tensor([[3], [-0.25]], { requiresGrad: true });
      const pen = l2Penalty([a, b], 0.25);
      // 0.25 · (1 + 4 + 0.25 + 9 + 0.0625) = 0.25 · 14.3125
      expect(pen.shape).toEqual([]);
      expectClose(values(pen), [3.578125]);
      pen.backward();
      // 2 · 0.25 · θ = θ / 2
      expectClose(values(a.grad!), [0.5, -1, 0.25]);
      expectClose(values(b.grad!), [1.5, -0.125]);
    });

    it('added to the loss, is SGD weight decay of 2λ', () => {
      const loss = (w: Tensor): Tensor => w.sub(tensor([3, -1])).square().sum();
      const w1 = param([0.5, 2]);
      const w2 = param([0.5, 2]);
      const decayed = new SGD([w1], { lr: 0.1, weightDecay: 0.2 });
      const penalized = new SGD([w2], { lr: 0.1 });
      for (let k = 0; k < 20; k++) {
        trainStep(decayed, () => loss(w1));
        trainStep(penalized, () => loss(w2).add(l2Penalty([w2], 0.1)));
      }
      expectClose(values(w1), values(w2), 1e-6);
    });
  });

  describe('l1Penalty', () => {
    it('is λ Σ |θ| with gradient λ·sign(θ), 0 at 0', () => {
      const a = tensor([1, -2, 0, 0.5], { requiresGrad: true });
      const pen = l1Penalty([a], 0.1);
      expectClose(values(pen), [0.35]);
      pen.backward();
      expectClose(values(a.grad!), [0.1, -0.1, 0, 0.1]);
    });

    it('drives a weight that the loss does not need to exactly zero under SGD-like steps', () => {
      // loss = (w₀ − 2)² + λ(|w₀| + |w₁|): w₁ only feels the penalty and oscillates around 0
      // within one step of lr·λ, while w₀ settles at 2 − λ/2.
      const w = param([1, 0.3]);
      const opt = new SGD([w], { lr: 0.05 });
      for (let k = 0; k < 200; k++) trainStep(opt, () => w.narrow(0, 0, 1).sub(2).square().sum().add(l1Penalty([w], 0.4)));
      const [w0, w1] = values(w);
      expect(Math.abs(w0! - 1.8)).toBeLessThan(1e-3);
      expect(Math.abs(w1!)).toBeLessThanOrEqual(0.05 * 0.4 + 1e-6);
    });
  });

  describe('penalty errors', () => {
    it('rejects no parameters and a bad lambda', () => {
      expect(() => l2Penalty([], 0.1)).toThrow(/no parameters/);
      expect(() => l1Penalty([tensor([1])], -1)).toThrow(/lambda/);
      expect(() => l2Penalty([tensor([1])], Number.NaN)).toThrow(/lambda/);
    });
  });

  describe('clipGradNorm', () => {
    function withGrads(...grads: number[][]): Tensor[] {
      return grads.map((g) => {
        const p = tensor(g.map(() => 0), { requiresGrad: true });
        p.grad = tensor(g);
        return p;
      });
    }

    it('scales all gradients by maxNorm / (‖g‖ + 1e-6) when the total 2-norm is larger, and returns the norm', () => {
      const ps = withGrads([3, 0], [0, 4, 0]); // total norm 5
      const gradObjects = ps.map((p) => p.grad);
      const norm = clipGradNorm(ps, 1);
      expectClose(values(norm), [5]);
      const s = 1 / (5 + 1e-6);
      expectClose(values(ps[0]!.grad!), [3 * s, 0]);
      expectClose(values(ps[1]!.grad!), [0, 4 * s, 0]);
      expect(ps.map((p) => p.grad)).toEqual(gradObjects); // same tensors, new values
    });

    it('leaves gradients whose norm is within the bound unchanged', () => {
      const ps = withGrads([0.3, -0.4]);
      expectClose(values(clipGradNorm(ps, 1)), [0.5]);
      expectClose(values(ps[0]!.grad!), [0.3, -0.4]);
    });

    it('supports the 1-norm, the ∞-norm and a general p-norm', () => {
      let ps = withGrads([1, -2], [2]);
      expectClose(values(clipGradNorm(ps, 10, 1)), [5]);
      ps = withGrads([1, -7], [2]);
      expectClose(values(clipGradNorm(ps, 3.5, Infinity)), [7]);
      expectClose(values(ps[0]!.grad!), [0.5, -3.5], 1e-6);
      ps = withGrads([1, -2], [2]);
      expectClose(values(clipGradNorm(ps, 10, 3)), [Math.cbrt(17)], 1e-6);
    });

    it('skips parameters without gradients and returns 0 when there are none', () => {
      const bare = tensor([1, 2], { requiresGrad: true });
      expectClose(values(clipGradNorm([bare], 1)), [0]);
      const ps = [...withGrads([6, 8]), bare];
      expectClose(values(clipGradNorm(ps, 5)), [10]);
      expect(bare.grad).toBeNull();
    });

    it('rejects a negative maxNorm or normType', () => {
      expect(() => clipGradNorm([], -1)).toThrow(/maxNorm/);
      expect(() => clipGradNorm([], 1, 0)).toThrow(/normType/);
    });
  });

  describe('clipGradValue', () => {
    it('clamps every gradient element into [-v, v]', () => {
      const p = tensor([0, 0, 0, 0], { requiresGrad: true });
      p.grad = tensor([-3, -0.2, 0.5, 9]);
      clipGradValue([p], 0.5);
      expectClose(values(p.grad), [-0.5, -0.2, 0.5, 0.5]);
      expect(() => clipGradValue([p], -1)).toThrow(/clipValue/);
    });
  });
});
