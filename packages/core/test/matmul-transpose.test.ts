/**
 * `matmul`'s `transposeA` / `transposeB`: values and gradients against TensorFlow.js's
 * `matMul(a, b, transposeA, transposeB)` (batched and broadcast too), and proof that no
 * transposed copy is made: a backend that counts its `permute` calls sees none, forward or
 * backward.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { listBackends, manualSeed, matmul, randn, registerBackend, setBackend, tensor, transpose, type Tensor } from '@profundo/core';
import { createReferenceBackend } from '@profundo/core/testing';
import { useReference } from './setup.js';

let permutes = 0;

beforeAll(async () => {
  if (!listBackends().includes('counting')) {
    registerBackend('counting', () => {
      const be = createReferenceBackend();
      const permute = be.permute.bind(be);
      return { ...be, name: 'counting', permute: (x, perm) => (permutes++, permute(x, perm)) };
    });
  }
  await setBackend('counting');
  await tf.setBackend('cpu');
});
afterAll(useReference);

const tfOf = (t: Tensor) => tf.tensor(t.dataSync() as Float32Array, [...t.shape]);
const near = (got: ArrayLike<number>, want: ArrayLike<number>) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(want[i]!)));
};

describe('matmul transposeA / transposeB', () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[3, 4], [5, 4], false, true],
    [[4, 3], [4, 5], true, false],
    [[4, 3], [5, 4], true, true],
    [[2, 3, 4], [2, 5, 4], false, true],
    [[2, 4, 3], [4, 5], true, false],
    [[4, 3], [2, 5, 4], true, true],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    it(`[${sa}]${ta ? 'ᵀ' : ''} @ [${sb}]${tb ? 'ᵀ' : ''}: values and gradients = tf.matMul, no permute`, () => {
      manualSeed(sa.length * 10 + sb.length);
      const a = randn(sa, { requiresGrad: true });
      const b = randn(sb, { requiresGrad: true });
      permutes = 0;
      const y = matmul(a, b, { transposeA: ta, transposeB: tb });
      const w = randn(y.shape);
      y.mul(w).sum().backward();
      expect(permutes).toBe(0);
      // tfjs's matMul gradient does not reduce a broadcast batch: broadcast explicitly.
      const lift = (t: tf.Tensor, other: readonly number[]) => (t.rank < other.length ? tf.broadcastTo(t, [...other.slice(0, -2), ...t.shape]) : t);
      const f = (x: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(tfOf(w), tf.matMul(lift(x, sb), lift(z, sa), ta, tb)));
      near(y.dataSync(), tf.matMul(tfOf(a), tfOf(b), ta, tb).dataSync());
      const [ga, gb] = tf.grads(f)([tfOf(a), tfOf(b)]);
      near(a.grad!.dataSync(), ga!.dataSync());
      near(b.grad!.dataSync(), gb!.dataSync());
    });
  }

  it('equals matmul of the materialized transpose (which does permute)', () => {
    const a = tensor([[1, 2], [3, 4], [5, 6]]);
    const b = tensor([[1, 0], [2, 1]]);
    expect(Array.from(matmul(a, b, { transposeB: true }).dataSync())).toEqual(Array.from(matmul(a, transpose(b)).dataSync()));
    permutes = 0;
    transpose(b).dataSync();
    expect(permutes).toBe(1);
    expect(Array.from(a.matmul(a, { transposeA: true }).dataSync())).toEqual([35, 44, 44, 56]);
  });

  it('rejects a flag on a rank-1 operand, a non-boolean flag and mismatched inner dims, naming matmul', () => {
    expect(() => matmul(tensor([1, 2]), tensor([[1, 2]]), { transposeA: true })).toThrow(/^matmul: transposeA needs an operand of rank >= 2.*\[2\]/);
    expect(() => matmul(tensor([[1, 2]]), tensor([[1, 2]]), { transposeB: 1 as never })).toThrow(/^matmul: transposeB must be a boolean/);
    expect(() => matmul(tensor([[1, 2]]), tensor([[1, 2]]))).toThrow(/^matmul: inner dims differ: \[1,2\] @ \[1,2\] \(2 vs 1\)/);
    expect(() => matmul(tensor([[1, 2]]), tensor([[1, 2, 3]]), { transposeB: true })).toThrow(/\[1,2\] @ \[1,3\]ᵀ \(2 vs 3\)/);
  });
});
