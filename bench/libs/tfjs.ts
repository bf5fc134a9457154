/**
 * TensorFlow.js 4.22: tfjs-backend-cpu (plain JS) and tfjs-backend-wasm (XNNPACK, SIMD, one
 * thread in Node), one column each. Activations are NHWC and filters HWIO, as tfjs wants; the
 * inputs are the same numbers as everyone else's, permuted. Kernels run eagerly on both
 * backends, so a result exists when the op returns. The per-op overhead workloads run inside
 * `tf.tidy`; the tiny step takes its gradient with `tf.variableGrads` of a `tf.Variable`.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers tfjs's gradients in Node
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { encoderLayerWeights, oneHot, permute, reshape, type HostTensor } from '../harness/data.js';
import { convInputs, type ConvCase } from '../workloads/conv.js';
import {
  checkResult,
  smallOpExpected,
  smallOpInputs,
  tinyStepExpected,
  tinyStepInputs,
  type DispatchCase,
} from '../workloads/dispatch.js';
import { matmulInputs, type MatmulCase } from '../workloads/matmul.js';
import { LENET, TRANSFORMER, stepData, type StepCase, type StepData } from '../workloads/steps.js';
import { NotAvailable, type Library, type Runner, type Workload } from './types.js';

export async function tfjsLibraries(): Promise<Library[]> {
  const require = createRequire(import.meta.url);
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
  await import('@tensorflow/tfjs-backend-wasm'); // registers 'wasm' (after setWasmPaths)
  tf.enableProdMode(); // no NaN checks or debug bookkeeping
  return [new Tfjs('cpu'), new Tfjs('wasm')];
}

function t(h: HostTensor): tf.Tensor {
  return tf.tensor(h.values, [...h.shape], h.values instanceof Int32Array ? 'int32' : 'float32');
}

/** `[out, in]` (PyTorch Linear) → `[in, out]`. */
const dense = (h: HostTensor): HostTensor => permute(h, [1, 0]);

class Tfjs implements Library {
  readonly profundo = false;
  readonly column: string;
  constructor(private readonly backend: 'cpu' | 'wasm') {
    this.column = `tfjs-${backend}`;
  }

  async activate(): Promise<void> {
    if (tf.getBackend() !== this.backend) await tf.setBackend(this.backend);
    await tf.ready();
  }

  prepare(w: Workload): Runner {
    if (tf.getBackend() !== this.backend) throw new Error(`tfjs backend is ${tf.getBackend()}, not ${this.backend}`);
    switch (w.kind) {
      case 'matmul':
        return matmul(w);
      case 'conv':
        return this.conv(w);
      case 'step':
        return this.step(w);
      case 'dispatch':
        return dispatch(w);
    }
  }

  private requireKernel(name: string): void {
    if (!tf.getKernel(name, this.backend)) throw new NotAvailable(`tfjs-${this.backend} has no ${name} kernel`);
  }

  /**
   * The backprops go through `runKernel`, exactly as tfjs's own `conv2DBackpropInput` /
   * `conv2DBackpropFilter` ops (used by `tf.grad` of `tf.conv2d`) do; those ops are not exported.
   * The probe is the same call on the first image (tfjs-cpu's filter gradient takes minutes).
   */
  private conv(c: ConvCase): Runner {
    if (c.pass === 'input') this.requireKernel('Conv2DBackpropInput');
    if (c.pass === 'filter') this.requireKernel('Conv2DBackpropFilter');
    const h = convInputs(c);
    const x = t(permute(h.x, [0, 2, 3, 1])) as tf.Tensor4D; // NCHW → NHWC
    const w = t(permute(h.w, [2, 3, 1, 0])) as tf.Tensor4D; // OIHW → HWIO
    const dy = t(permute(h.dy, [0, 2, 3, 1])) as tf.Tensor4D;
    const [x1, dy1] = [x, dy].map((z) => tf.slice(z, 0, 1)) as [tf.Tensor4D, tf.Tensor4D];
    const pad = c.pad; // explicit, equal on all sides: the same as 'same' here
    const attrs = { strides: [1, 1], pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
    const call = (xb: tf.Tensor4D, dyb: tf.Tensor4D): tf.Tensor =>
      c.pass === 'forward'
        ? tf.conv2d(xb, w, 1, pad)
        : c.pass === 'input'
          ? (tf.engine().runKernel('Conv2DBackpropInput', { dy: dyb, filter: w }, { ...attrs, inputShape: xb.shape } as never) as tf.Tensor)
          : (tf.engine().runKernel('Conv2DBackpropFilter', { x: xb, dy: dyb }, { ...attrs, filterShape: w.shape } as never) as tf.Tensor);
    return {
      run: () => call(x, dy).dispose(),
      probe: { run: () => call(x1, dy1).dispose(), scale: c.n },
      dispose: () => tf.dispose([x, w, dy, x1, dy1]),
    };
  }

  /** One `minimize` step; the probe is forward and backward on one sample, updating nothing. */
  private step(c: StepCase): Runner {
    if (c.model === 'lenet') this.requireKernel('Conv2DBackpropFilter');
    const m = MODELS[c.model](stepData(c.model));
    const opt = c.optimizer.kind === 'adam' ? tf.train.adam(c.optimizer.lr) : tf.train.sgd(c.optimizer.lr);
    const varList = Object.values(m.vars);
    const sample = [m.x, m.y].map((z) => tf.slice(z, 0, m.sampleRows));
    return {
      run: () => {
        const l = opt.minimize(() => m.loss(m.x, m.y), true, varList)!;
        const value = l.dataSync()[0]!;
        l.dispose();
        return value;
      },
      probe: {
        run: () => {
          const { value, grads } = tf.variableGrads(() => m.loss(sample[0]!, sample[1]!), varList);
          value.dataSync();
          tf.dispose([value, grads]);
        },
        scale: m.x.shape[0]! / m.sampleRows,
      },
      dispose: () => {
        opt.dispose();
        tf.dispose([...varList, m.x, m.y, ...sample]);
      },
    };
  }
}

function matmul(c: MatmulCase): Runner {
  const h = matmulInputs(c);
  const a = t(h.a) as tf.Tensor2D;
  const b = t(h.b) as tf.Tensor2D;
  return { run: () => tf.matMul(a, b, c.transA, c.transB).dispose(), dispose: () => tf.dispose([a, b]) };
}

function dispatch(c: DispatchCase): Runner {
  if (c.op === 'add') {
    const h = smallOpInputs();
    const [a, b] = [t(h.a), t(h.b)];
    const sum = tf.add(a, b);
    checkResult('add', sum.dataSync(), smallOpExpected());
    sum.dispose();
    return {
      run: () =>
        tf.tidy(() => {
          for (let i = 0; i < c.repeat; i++) tf.add(a, b);
        }),
      dispose: () => tf.dispose([a, b]),
    };
  }

  const h = tinyStepInputs();
  const x = t(h.x) as tf.Tensor2D;
  const w = tf.tidy(() => tf.variable(t(h.w), true, `bench_tiny_w_${nextVar++}`));
  /** One step: forward and backward; W's gradient must be there (read only to check), and tidy frees it. */
  const once = (check = false): void =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(tf.relu(tf.matMul(x, w as tf.Tensor2D))) as tf.Scalar, [w]);
      const g = grads[w.name];
      if (!g) throw new Error('variableGrads left W without a gradient');
      if (check) checkResult('dW', g.dataSync(), tinyStepExpected());
    });
  once(true);
  return {
    run: () => {
      for (let i = 0; i < c.repeat; i++) once();
    },
    dispose: () => tf.dispose([x, w]),
  };
}

// ----- models --------------------------------------------------------------------------------

interface Model {
  vars: Record<string, tf.Variable>;
  /** The batch (rows along the first axis) and the rows of one sample (a sequence is T rows). */
  x: tf.Tensor;
  y: tf.Tensor;
  sampleRows: number;
  /** The scalar loss on a batch (or a slice of it). */
  loss: (x: tf.Tensor, y: tf.Tensor) => tf.Scalar;
}

let nextVar = 0;
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

const MODELS: Record<StepCase['model'], (d: StepData) => Model> = {
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
