/**
 * The browser side of `gpujs.ts`: times float32 matmul, one training step of the main job's MLP,
 * and one step of the CPU bench's LeNet and Transformer encoder layer (workloads/steps.ts; the
 * networks of libs/profundo-models.ts and libs/tfjs-models.ts, same weights and batch) on
 * @profundo/backend-gpujs (webgl2 or webgpu) and on TensorFlow.js's WebGL and WebGPU backends, in
 * the page it is loaded into. Exposes `globalThis.bench`.
 *
 * Every timing covers the GPU work, not just its submission: a run issues `repeats` ops and
 * then reads the last result back, and the time is divided by `repeats`. Both libraries are
 * measured the same way, after a warmup that compiles their kernels.
 */
import { manualSeed, nn, registerBackend, setBackend, tensor, tidy, listBackends, type Tensor } from '@profundo/core';
import { createGpujsBackend, type GpujsMode } from '@profundo/backend-gpujs';
import { SGD } from '@profundo/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { stepModel } from './libs/profundo-models.js';
import { MODELS } from './libs/tfjs-models.js';
import { stepCases, stepData, type ModelName } from './workloads/steps.js';

/** Which implementation a measurement runs on. */
export type Lib = 'gpujs-webgl2' | 'gpujs-webgl' | 'gpujs-webgpu' | 'tfjs-webgl' | 'tfjs-webgpu';

const isTfjs = (lib: Lib): boolean => lib.startsWith('tfjs-');

function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

async function useLib(lib: Lib): Promise<void> {
  if (isTfjs(lib)) {
    const name = lib.slice('tfjs-'.length);
    await tf.setBackend(name);
    await tf.ready();
    if (tf.getBackend() !== name) throw new Error(`tfjs runs on ${tf.getBackend()}, not ${name}`);
    return;
  }
  const mode = lib.slice('gpujs-'.length) as GpujsMode;
  if (!listBackends().includes(lib)) registerBackend(lib, () => createGpujsBackend({ mode }));
  await setBackend(lib);
}

/** Milliseconds per call of `run` (which returns something to read back), median of `samples`. */
async function time(run: (repeats: number) => Promise<void>, repeats: number, samples: number): Promise<number> {
  await run(1); // warmup: compiles
  const out: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    await run(repeats);
    out.push((performance.now() - t0) / repeats);
  }
  out.sort((a, b) => a - b);
  return out[Math.floor(out.length / 2)]!;
}

/** ms per n×n×n matmul. */
async function matmul(lib: Lib, n: number, repeats: number, samples: number): Promise<number> {
  await useLib(lib);
  const av = random(n * n, 1);
  const bv = random(n * n, 2);
  if (isTfjs(lib)) {
    const a = tf.tensor2d(av, [n, n]);
    const b = tf.tensor2d(bv, [n, n]);
    const ms = await time(async (r) => {
      let c: tf.Tensor | null = null;
      for (let i = 0; i < r; i++) {
        c?.dispose();
        c = tf.matMul(a, b);
      }
      await c!.data();
      c!.dispose();
    }, repeats, samples);
    a.dispose();
    b.dispose();
    return ms;
  }
  const a = tensor(av, { shape: [n, n] });
  const b = tensor(bv, { shape: [n, n] });
  const ms = await time(async (r) => {
    let c: Tensor | null = null;
    for (let i = 0; i < r; i++) {
      c?.dispose();
      c = a.matmul(b);
    }
    await c!.data();
    c!.dispose();
  }, repeats, samples);
  a.dispose();
  b.dispose();
  return ms;
}

/** ms per training step of the main job's MLP (784 → 256 → 10, batch 64, SGD momentum), loss read back. */
async function mlpStep(lib: Lib, repeats: number, samples: number): Promise<number> {
  await useLib(lib);
  const x = random(64 * 784, 3).map((v) => v + 0.5);
  const labels = Int32Array.from({ length: 64 }, (_, i) => (i * 7) % 10);
  if (isTfjs(lib)) {
    const xs = tf.tensor2d(x, [64, 784]);
    const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
    const w1 = tf.variable(tf.mul(tf.tensor2d(random(784 * 256, 4), [784, 256]), 0.07));
    const b1 = tf.variable(tf.zeros([256]));
    const w2 = tf.variable(tf.mul(tf.tensor2d(random(256 * 10, 5), [256, 10]), 0.12));
    const b2 = tf.variable(tf.zeros([10]));
    const opt = tf.train.momentum(0.05, 0.9);
    const step = () =>
      opt.minimize(() => {
        const h = tf.relu(tf.add(tf.matMul(xs, w1), b1));
        return tf.losses.softmaxCrossEntropy(ys, tf.add(tf.matMul(h, w2), b2)) as tf.Scalar;
      }, true)!;
    const ms = await time(async (r) => {
      for (let i = 0; i < r; i++) {
        const loss = step();
        if (i === r - 1) await loss.data();
        loss.dispose();
      }
    }, repeats, samples);
    tf.dispose([xs, ys, w1, b1, w2, b2]);
    opt.dispose();
    return ms;
  }
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
  const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const xs = tensor(x, { shape: [64, 784] });
  const ys = tensor(labels, { dtype: 'int32' });
  const ms = await time(async (r) => {
    for (let i = 0; i < r; i++) {
      const loss = tidy(() => {
        opt.zeroGrad();
        const l = nn.crossEntropy(model.forward(xs), ys);
        l.backward();
        opt.step();
        return l.detach();
      });
      if (i === r - 1) await loss.data();
      loss.dispose();
    }
  }, repeats, samples);
  opt.zeroGrad();
  for (const p of model.parameters()) p.dispose();
  xs.dispose();
  ys.dispose();
  return ms;
}

/**
 * ms per training step of the CPU bench's `model` ('lenet': Adam, batch 64; 'transformer': one
 * encoder layer, SGD): forward, backward, update, loss read back (asynchronously, as WebGPU needs).
 * Returns the first step's loss too, which must agree across libraries (same weights and batch).
 */
async function modelStep(lib: Lib, model: ModelName, repeats: number, samples: number): Promise<{ ms: number; loss: number }> {
  await useLib(lib);
  const c = stepCases.find((s) => s.model === model)!;
  let first = NaN;
  if (isTfjs(lib)) {
    const m = MODELS[model](stepData(model));
    const vars = Object.values(m.vars);
    const opt = c.optimizer.kind === 'adam' ? tf.train.adam(c.optimizer.lr) : tf.train.sgd(c.optimizer.lr);
    const ms = await time(async (r) => {
      for (let i = 0; i < r; i++) {
        const loss = opt.minimize(() => m.loss(m.x, m.y), true, vars)!;
        if (i === r - 1 || Number.isNaN(first)) {
          const v = (await loss.data())[0]!;
          if (Number.isNaN(first)) first = v;
        }
        loss.dispose();
      }
    }, repeats, samples);
    opt.dispose();
    tf.dispose([...vars, m.x, m.y]);
    return { ms, loss: first };
  }
  const { x, y, params, opt, loss } = stepModel(c);
  const ms = await time(async (r) => {
    for (let i = 0; i < r; i++) {
      const l = tidy(() => {
        opt.zeroGrad();
        const v = loss(x, y);
        v.backward();
        opt.step();
        return v.detach();
      });
      if (i === r - 1 || Number.isNaN(first)) {
        const v = (await l.data())[0]!;
        if (Number.isNaN(first)) first = v;
      }
      l.dispose();
    }
  }, repeats, samples);
  opt.zeroGrad();
  for (const p of params) p.dispose();
  x.dispose();
  y.dispose();
  return { ms, loss: first };
}

const bench = { matmul, mlpStep, modelStep };
(globalThis as { bench?: typeof bench }).bench = bench;
