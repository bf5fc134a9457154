/**
 * The optimizers TensorFlow.js also has (SGD, momentum, Nesterov, Adagrad, Adadelta, RMSprop,
 * Adam) against tfjs-core's own optimizers on the same problems, 50 steps, to 1e-5 relative.
 *
 * Where the two conventions differ, the options below are chosen so that they coincide, and
 * where they cannot, the test pins the difference down instead:
 *
 * - Momentum: tfjs's `MomentumOptimizer` accumulates `a ← μa + g` and steps `θ ← θ − γa`
 *   (Nesterov: `θ ← θ − γ(g + μa)`), which is PyTorch's SGD with dampening 0 — not the
 *   Sutskever / Keras form `v ← μv − γg, θ ← θ + v` that folds the learning rate into the
 *   velocity (those agree only while γ is constant). tfjs has no dampening and no weight decay.
 * - Adagrad: tfjs starts the accumulator at 0.1 (PyTorch: 0), puts eps inside the square
 *   root, `g / √(s + ε)`, with ε fixed to the backend's epsilon (1e-7 on CPU), where PyTorch
 *   has `g / (√s + ε)` with ε = 1e-10; it has no lr decay. We pass
 *   `initialAccumulatorValue: 0.1`; since s ≥ 0.1 the eps placement changes the step by at
 *   most 5e-7 relative.
 * - Adadelta: tfjs computes the step with the running average of g² from *before* this step,
 *   `Δ = √(u + ε) / √(v_{t−1} + ε) · g_t`, where Zeiler's Algorithm 1 and PyTorch use the
 *   updated `v_t`. No choice of options makes them agree (on step 1 tfjs's step is `γg`
 *   exactly, PyTorch's `γ√ε · g / √((1 − ρ)g² + ε)`), so the test checks that tfjs follows the
 *   reference with that one-step lag, and that ours does not.
 * - RMSprop: tfjs calls α `decay` (default 0.9, PyTorch 0.99), puts eps inside the square
 *   root (`√(v + ε)`, PyTorch `√v + ε`), in the centered form *subtracts* it
 *   (`√(v − ḡ² − ε)`), and keeps the learning rate inside the momentum buffer
 *   (`b ← μb + γg/d`, PyTorch `b ← μb + g/d` then `θ ← θ − γb`; equal for constant γ). We pass
 *   ε = 1e-10 to both so that its placement is invisible.
 * - Adam: tfjs's default ε is 1e-7 (PyTorch 1e-8), and it divides the moments by float32
 *   running products `1 − β^t` (PyTorch: double-precision powers); the formula is the same.
 *   We pass ε = 1e-8 to both. The float32 products are the largest difference measured here:
 *   `1 − fround(0.999)` is 9.9998713e-4, 1.3e-5 off, which moves the early steps by ~6e-6
 *   relative (about 4.5e-6 over the 50 steps). tfjs has neither AMSGrad nor AdamW's
 *   decoupled decay, nor weight decay in any optimizer.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import type { Tensor } from '@profundo/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adadelta, Adagrad, Adam, RMSprop, SGD, type BaseOptions, type Optimizer } from '../src/index.js';
import { param, quadratic, rosenbrock, trajectory, useCpu, type Problem } from './helpers.js';
import {
  QUADRATIC,
  quadraticGrad,
  refAdadelta,
  refAdagradTfjs,
  refTrajectory,
  rosenbrockGrad,
  trajectoryError,
  type Vec,
} from './reference.js';

useCpu();
beforeAll(async () => {
  await tf.setBackend('cpu');
});

const STEPS = 50;

/** The same losses as `helpers.ts`, in tfjs ops. */
const tfLoss: Record<string, (theta: tf.Tensor1D) => tf.Scalar> = {
  quadratic(theta) {
    const A = tf.tensor2d(QUADRATIC.A);
    const b = tf.tensor1d(QUADRATIC.b);
    const Atheta = tf.sum(tf.mul(A, tf.reshape(theta, [1, 3])), 1);
    return tf.sub(tf.mul(tf.sum(tf.mul(theta, Atheta)), 0.5), tf.sum(tf.mul(theta, b))) as tf.Scalar;
  },
  rosenbrock(theta) {
    const n = theta.shape[0];
    const x = tf.slice(theta, 0, n - 1);
    const y = tf.slice(theta, 1, n - 1);
    return tf.sum(tf.add(tf.mul(tf.square(tf.sub(y, tf.square(x))), 100), tf.square(tf.sub(x, 1)))) as tf.Scalar;
  },
};

function tfTrajectory(opt: tf.Optimizer, problem: Problem): Vec[] {
  return tf.tidy(() => {
    const theta = tf.variable(tf.tensor1d(problem.theta0));
    const out: Vec[] = [];
    for (let k = 0; k < STEPS; k++) {
      opt.minimize(() => tfLoss[problem.name]!(theta), false, [theta]);
      out.push(Array.from(theta.dataSync()));
    }
    theta.dispose();
    opt.dispose();
    return out;
  });
}

function ours(make: (params: Tensor[]) => Optimizer<BaseOptions>, problem: Problem): Vec[] {
  const theta = param(problem.theta0);
  return trajectory(theta, make([theta]), problem, STEPS);
}

interface TfCase {
  name: string;
  lr: { quadratic: number; rosenbrock: number };
  tfjs(lr: number): tf.Optimizer;
  ours(params: Tensor[], lr: number): Optimizer<BaseOptions>;
}

const SAME: TfCase[] = [
  { name: 'SGD', lr: { quadratic: 0.1, rosenbrock: 5e-4 }, tfjs: (lr) => tf.train.sgd(lr), ours: (p, lr) => new SGD(p, { lr }) },
  {
    name: 'momentum',
    lr: { quadratic: 0.05, rosenbrock: 1e-4 },
    tfjs: (lr) => tf.train.momentum(lr, 0.9),
    ours: (p, lr) => new SGD(p, { lr, momentum: 0.9 }),
  },
  {
    name: 'Nesterov momentum',
    lr: { quadratic: 0.05, rosenbrock: 1e-4 },
    tfjs: (lr) => tf.train.momentum(lr, 0.9, true),
    ours: (p, lr) => new SGD(p, { lr, momentum: 0.9, nesterov: true }),
  },
  {
    name: 'Adagrad (initial accumulator 0.1)',
    lr: { quadratic: 0.5, rosenbrock: 0.05 },
    tfjs: (lr) => tf.train.adagrad(lr, 0.1),
    ours: (p, lr) => new Adagrad(p, { lr, initialAccumulatorValue: 0.1 }),
  },
  {
    name: 'RMSprop',
    lr: { quadratic: 0.01, rosenbrock: 0.01 },
    tfjs: (lr) => tf.train.rmsprop(lr, 0.9, 0, 1e-10, false),
    ours: (p, lr) => new RMSprop(p, { lr, alpha: 0.9, eps: 1e-10 }),
  },
  {
    name: 'RMSprop with momentum',
    lr: { quadratic: 0.005, rosenbrock: 0.001 },
    tfjs: (lr) => tf.train.rmsprop(lr, 0.9, 0.9, 1e-10, false),
    ours: (p, lr) => new RMSprop(p, { lr, alpha: 0.9, momentum: 0.9, eps: 1e-10 }),
  },
  {
    name: 'RMSprop centered',
    lr: { quadratic: 0.01, rosenbrock: 0.005 },
    tfjs: (lr) => tf.train.rmsprop(lr, 0.9, 0, 1e-10, true),
    ours: (p, lr) => new RMSprop(p, { lr, alpha: 0.9, centered: true, eps: 1e-10 }),
  },
  {
    name: 'RMSprop centered with momentum',
    lr: { quadratic: 0.005, rosenbrock: 0.001 },
    tfjs: (lr) => tf.train.rmsprop(lr, 0.9, 0.9, 1e-10, true),
    ours: (p, lr) => new RMSprop(p, { lr, alpha: 0.9, momentum: 0.9, centered: true, eps: 1e-10 }),
  },
  {
    name: 'Adam',
    lr: { quadratic: 0.05, rosenbrock: 0.02 },
    tfjs: (lr) => tf.train.adam(lr, 0.9, 0.999, 1e-8),
    ours: (p, lr) => new Adam(p, { lr, betas: [0.9, 0.999], eps: 1e-8 }),
  },
];

const problems = [
  { problem: quadratic, grad: quadraticGrad },
  { problem: rosenbrock, grad: rosenbrockGrad },
];

describe.each(SAME)('$name matches tfjs', (c) => {
  it.each(problems)('on $problem.name', ({ problem }) => {
    const lr = c.lr[problem.name as 'quadratic' | 'rosenbrock'];
    const expected = tfTrajectory(c.tfjs(lr), problem);
    const actual = ours((p) => c.ours(p, lr), problem);
    expect(trajectoryError(actual, expected)).toBeLessThan(1e-5);
  });
});

describe('tfjs conventions, pinned down', () => {
  it.each(problems)('tfjs Adagrad is g / sqrt(s + 1e-7) with s starting at 0.1 ($problem.name)', ({ problem, grad }) => {
    const lr = problem === quadratic ? 0.5 : 0.05;
    const tfjs = tfTrajectory(tf.train.adagrad(lr, 0.1), problem);
    const ref = refTrajectory(refAdagradTfjs({ lr, initialAccumulatorValue: 0.1, eps: 1e-7 }), grad, problem.theta0, STEPS);
    expect(trajectoryError(tfjs, ref)).toBeLessThan(1e-5);
  });

  it.each(problems)('tfjs Adadelta lags RMS[g] by one step; ours follows Zeiler and PyTorch ($problem.name)', ({ problem, grad }) => {
    // tfjs's first step is γg exactly, which would throw Rosenbrock's iterate far away at γ = 1.
    const o = { lr: problem === quadratic ? 1 : 1e-3, rho: 0.95, eps: 1e-6 };
    const tfjs = tfTrajectory(tf.train.adadelta(o.lr, o.rho, o.eps), problem);
    const lagged = refTrajectory(refAdadelta({ ...o, lagged: true }), grad, problem.theta0, STEPS);
    const published = refTrajectory(refAdadelta(o), grad, problem.theta0, STEPS);
    const actual = ours((p) => new Adadelta(p, o), problem);
    expect(trajectoryError(tfjs, lagged)).toBeLessThan(1e-5);
    expect(trajectoryError(actual, published)).toBeLessThan(1e-5);
    expect(trajectoryError(actual, tfjs)).toBeGreaterThan(1e-3);
  });
});
