/**
 * The losses TensorFlow.js also has, against tfjs 4.22 (an independent implementation), values
 * and gradients: softmax cross-entropy with label smoothing (tfjs smooths one-hot labels to
 * `(1 - s)·y + s / C`, as PyTorch does), sigmoid cross-entropy from logits, absolute
 * difference (L1) and Huber. tfjs's `Reduction.NONE` gives per-element losses (per row for
 * softmax), which the comparison uses with Profundo's `reduction: 'none'`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { manualSeed, nn, rand, randn, tensor, type Tensor } from '@profundo/core';
import { useReference } from './setup.js';

beforeAll(async () => {
  await useReference();
  await tf.setBackend('cpu');
});

const near = (got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(tol * (1 + Math.abs(want[i]!)));
};
const tfOf = (t: Tensor) => tf.tensor(t.dataSync() as Float32Array, [...t.shape]);

/** Values of `pf(x)` and of `tfFn(x)` and their gradients through the weighting `w`. */
function compare(pf: (x: Tensor) => Tensor, tfFn: (x: tf.Tensor) => tf.Tensor, x: Tensor, w: Tensor) {
  const leaf = tensor(x.dataSync() as Float32Array, { shape: x.shape, requiresGrad: true });
  const out = pf(leaf);
  out.mul(w).sum().backward();
  const want = tfFn(tfOf(x));
  near(out.dataSync(), want.dataSync() as Float32Array);
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tfOf(w), tfFn(v))))(tfOf(x));
  near(leaf.grad!.dataSync(), g.dataSync() as Float32Array);
}

describe('losses vs TensorFlow.js', () => {
  it('crossEntropy with labelSmoothing = tf.losses.softmaxCrossEntropy (one-hot labels)', () => {
    manualSeed(21);
    const logits = randn([6, 5]).mul(2);
    const labels = [4, 0, 2, 2, 1, 3];
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), 5);
    for (const s of [0, 0.1, 0.6]) {
      compare(
        (x) => nn.crossEntropy(x, tensor(Int32Array.from(labels), { dtype: 'int32' }), { labelSmoothing: s, reduction: 'none' }),
        (x) => tf.losses.softmaxCrossEntropy(oneHot, x, undefined, s, tf.Reduction.NONE),
        logits,
        rand([6]),
      );
      // Probability targets too: tfjs takes any label distribution.
      const probs = tf.softmax(tf.randomNormal([6, 5], 0, 1, 'float32', 3));
      compare(
        (x) => nn.crossEntropy(x, tensor(probs.dataSync() as Float32Array, { shape: [6, 5] }), { labelSmoothing: s, reduction: 'none' }),
        (x) => tf.losses.softmaxCrossEntropy(probs, x, undefined, s, tf.Reduction.NONE),
        logits,
        rand([6]),
      );
    }
  });

  it('binaryCrossEntropyWithLogits = tf.losses.sigmoidCrossEntropy', () => {
    manualSeed(22);
    const targets = rand([4, 3]);
    compare(
      (x) => nn.binaryCrossEntropyWithLogits(x, targets, { reduction: 'none' }),
      (x) => tf.losses.sigmoidCrossEntropy(tfOf(targets), x, undefined, 0, tf.Reduction.NONE),
      randn([4, 3]).mul(3),
      rand([4, 3]),
    );
  });

  it('l1Loss = tf.losses.absoluteDifference; huberLoss = tf.losses.huberLoss', () => {
    manualSeed(23);
    const target = randn([10]);
    compare((x) => nn.l1Loss(x, target, { reduction: 'none' }), (x) => tf.losses.absoluteDifference(tfOf(target), x, undefined, tf.Reduction.NONE), randn([10]), rand([10]));
    for (const delta of [0.3, 1, 2.5]) {
      compare(
        (x) => nn.huberLoss(x, target, { delta, reduction: 'none' }),
        (x) => tf.losses.huberLoss(tfOf(target), x, undefined, delta, tf.Reduction.NONE),
        randn([10]).mul(2),
        rand([10]),
      );
    }
  });
});
