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
import { permute } from '../harness/data.js';
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
import { stepData, type StepCase } from '../workloads/steps.js';
import { MODELS, nextVarId, t } from './tfjs-models.js';
import { NotAvailable, type Library, type Runner, type Workload } from './types.js';

export async function tfjsLibraries(): Promise<Library[]> {
  const require = createRequire(import.meta.url);
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
  await import('@tensorflow/tfjs-backend-wasm'); // registers 'wasm' (after setWasmPaths)
  tf.enableProdMode(); // no NaN checks or debug bookkeeping
  return [new Tfjs('cpu'), new Tfjs('wasm')];
}

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
  const w = tf.tidy(() => tf.variable(t(h.w), true, `bench_tiny_w_${nextVarId()}`));
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
