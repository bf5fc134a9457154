/**
 * The training-step networks of workloads/steps.ts written with TensorFlow.js's public ops, from
 * the same PyTorch-layout weights: activations NHWC and filters HWIO, as tfjs wants, the inputs
 * the same numbers as everyone else's, permuted. Shared by the CPU bench (tfjs.ts) and the
 * gpu.js browser bench (gpujs-page.ts), so it imports nothing Node-only.
 */
import * as tf from '@tensorflow/tfjs-core';
import { encoderLayerWeights, oneHot, permute, reshape, type HostTensor } from '../harness/data.js';
import { LENET, TRANSFORMER, type StepCase, type StepData } from '../workloads/steps.js';

export function t(h: HostTensor): tf.Tensor {
  return tf.tensor(h.values, [...h.shape], h.values instanceof Int32Array ? 'int32' : 'float32');
}

/** `[out, in]` (PyTorch Linear) → `[in, out]`. */
const dense = (h: HostTensor): HostTensor => permute(h, [1, 0]);

export interface Model {
  vars: Record<string, tf.Variable>;
  /** The batch (rows along the first axis) and the rows of one sample (a sequence is T rows). */
  x: tf.Tensor;
  y: tf.Tensor;
  sampleRows: number;
  /** The scalar loss on a batch (or a slice of it). */
  loss: (x: tf.Tensor, y: tf.Tensor) => tf.Scalar;
}

let nextVar = 0;
/** A fresh suffix for a variable's name (tfjs names must be unique). */
export function nextVarId(): number {
  return nextVar++;
}

function variables(entries: Record<string, HostTensor>): Record<string, tf.Variable> {
  return Object.fromEntries(Object.entries(entries).map(([k, h]) => [k, tf.tidy(() => tf.variable(t(h), true, `bench_${k}_${nextVar++}`))]));
}

function linear(x: tf.Tensor2D, w: tf.Variable, b: tf.Variable): tf.Tensor2D {
  return tf.add(tf.matMul(x, w as tf.Tensor2D), b);
}

function layerNorm(z: tf.Tensor2D, g: tf.Variable, b: tf.Variable, eps: number): tf.Tensor2D {
  const { mean, variance } = tf.moments(z, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, eps))), g), b);
}

export const MODELS: Record<StepCase['model'], (d: StepData) => Model> = {
  mlp(d) {
    const p = d.params;
    const v = variables({ w1: dense(p['fc1.weight']!), b1: p['fc1.bias']!, w2: dense(p['fc2.weight']!), b2: p['fc2.bias']! });
    const loss = (x: tf.Tensor, y: tf.Tensor): tf.Scalar => {
      const h = tf.relu(linear(x as tf.Tensor2D, v.w1!, v.b1!));
      return tf.losses.softmaxCrossEntropy(y, linear(h, v.w2!, v.b2!)) as tf.Scalar;
    };
    return { vars: v, x: t(d.x), y: t(oneHot(d.y, 10)), sampleRows: 1, loss };
  },

  transformer(d) {
    const { batch: B, seq: T, dModel: D, heads: H, eps } = TRANSFORMER;
    const dh = D / H;
    const p = d.params;
    const v = variables(encoderLayerWeights(p));
    /** [B·T, D] → [B, H, T, dh] */
    const heads = (z: tf.Tensor): tf.Tensor4D => tf.transpose(tf.reshape(z, [-1, T, H, dh]), [0, 2, 1, 3]);
    const loss = (x: tf.Tensor, target: tf.Tensor): tf.Scalar => {
      const [q, k, vv] = tf.split(linear(x as tf.Tensor2D, v.inW!, v.inB!), 3, 1);
      const scores = tf.mul(tf.matMul(heads(q!), heads(k!), false, true), 1 / Math.sqrt(dh));
      const o = tf.matMul(tf.softmax(scores), heads(vv!)); // [B, H, T, dh]
      const attn = linear(tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [-1, D]), v.outW!, v.outB!);
      const h1 = layerNorm(tf.add(x as tf.Tensor2D, attn), v.n1g!, v.n1b!, eps);
      const ff = linear(tf.relu(linear(h1, v.l1W!, v.l1B!)), v.l2W!, v.l2B!);
      const out = layerNorm(tf.add(h1, ff), v.n2g!, v.n2b!, eps);
      return tf.losses.meanSquaredError(target, out) as tf.Scalar;
    };
    return { vars: v, x: t(reshape(d.x, [B * T, D])), y: t(reshape(d.y, [B * T, D])), sampleRows: T, loss };
  },

  lenet(d) {
    const { batch, c2, hidden, classes } = LENET;
    const p = d.params;
    // PyTorch flattens [c2, 7, 7] (c, h, w); NHWC flattens [7, 7, c2]: permute fc1's columns.
    const fc1 = permute(reshape(p['fc1.weight']!, [hidden, c2, 7, 7]), [0, 2, 3, 1]);
    const v = variables({
      c1w: permute(p['conv1.weight']!, [2, 3, 1, 0]),
      c1b: p['conv1.bias']!,
      c2w: permute(p['conv2.weight']!, [2, 3, 1, 0]),
      c2b: p['conv2.bias']!,
      f1w: dense(reshape(fc1, [hidden, c2 * 49])),
      f1b: p['fc1.bias']!,
      f2w: dense(p['fc2.weight']!),
      f2b: p['fc2.bias']!,
    });
    const block = (z: tf.Tensor4D, w: tf.Variable, b: tf.Variable): tf.Tensor4D =>
      tf.maxPool(tf.relu(tf.add(tf.conv2d(z, w as tf.Tensor4D, 1, 2), b)), 2, 2, 'valid');
    const loss = (x: tf.Tensor, y: tf.Tensor): tf.Scalar => {
      const h = block(block(x as tf.Tensor4D, v.c1w!, v.c1b!), v.c2w!, v.c2b!);
      const f = tf.relu(linear(tf.reshape(h, [-1, c2 * 49]), v.f1w!, v.f1b!));
      return tf.losses.softmaxCrossEntropy(y, linear(f, v.f2w!, v.f2b!)) as tf.Scalar;
    };
    // C = 1: NCHW and NHWC hold the same bytes.
    return { vars: v, x: t(reshape(d.x, [batch, 28, 28, 1])), y: t(oneHot(d.y, classes)), sampleRows: 1, loss };
  },
};
