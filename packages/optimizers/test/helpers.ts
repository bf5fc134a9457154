/**
 * Shared setup of the optimizer tests: the backends the suites run on and the test problems in
 * Profundo.
 *
 * The suites that exercise numerics and optimizer state run once per entry of {@link BACKENDS}:
 * Profundo's CPU backend, and the gpu.js backend on headless-gl (float32 kernels on Mesa's
 * llvmpipe in Node). That one needs an X display — run vitest under `xvfb-run -a`, as the root
 * `pnpm test` does when none is set; without one its tests fail, naming 'headlessgl', and never
 * run on another backend.
 */
import { listBackends, nn, registerBackend, setBackend, tensor, tidy, type Backend, type Tensor } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
// Loaded only when a suite creates it, so the CPU-only suites do not load gpu.js.
import type { GpujsBackend } from '@profundo/backend-gpujs';
import { beforeAll, beforeEach, expect } from 'vitest';
import type { Optimizer, BaseOptions } from '../src/index.js';
import { QUADRATIC, ROSENBROCK, type Vec } from './reference.js';

/** A backend a suite runs on. */
export interface TestBackend {
  /** The name it is registered under: the suites' label for it and the `backendName` of its tensors. */
  name: string;
  /** Makes a fresh instance. */
  create(): Backend | Promise<Backend>;
  /** Asserts that `b` (made by `create`, possibly wrapped) is the backend asked for. */
  check(b: Backend): void;
}

export const CPU: TestBackend = {
  name: 'cpu',
  create: createCpuBackend,
  check() {
    // Nothing to check: createCpuBackend has a single mode.
  },
};

export const GPUJS: TestBackend = {
  name: 'gpujs-headlessgl',
  create: async () => (await import('@profundo/backend-gpujs')).createGpujsBackend({ mode: 'headlessgl' }),
  check(b) {
    // The kernels must really run on headless-gl (createGpujsBackend verified which gpu.js
    // kernel class ran its probe), not on any fallback.
    expect((b as GpujsBackend).mode).toBe('headlessgl');
  },
};

/** Registers `backend` under `name` (once per test file, i.e. per worker), makes it current and checks it. */
export async function activate(backend: TestBackend, name = backend.name, create: () => Backend | Promise<Backend> = backend.create): Promise<Backend> {
  if (!listBackends().includes(name)) registerBackend(name, create);
  const b = await setBackend(name);
  backend.check(b);
  return b;
}

/** The backends the numeric and state suites run on, for `describe.each(BACKENDS)('$name', …)`. */
export const BACKENDS: TestBackend[] = [CPU, GPUJS];

/**
 * Makes `backend` current for the enclosing describe block: created (and, for gpu.js, its mode
 * asserted) before the block's first test, and current again before each test, so that a test
 * that switches backends cannot leak into the next.
 */
export function useBackend(backend: TestBackend): void {
  beforeAll(async () => {
    await activate(backend);
  });
  beforeEach(async () => {
    await setBackend(backend.name);
  });
}

/** Selects Profundo's CPU backend for the suite (the suites that are about the API, not numerics). */
export function useCpu(): void {
  useBackend(CPU);
}

/** A test problem: its starting point and its loss written with Profundo ops. */
export interface Problem {
  name: string;
  theta0: Vec;
  loss(theta: Tensor): Tensor;
}

export const quadratic: Problem = {
  name: 'quadratic',
  theta0: QUADRATIC.theta0,
  loss(theta) {
    const A = tensor(QUADRATIC.A);
    const b = tensor(QUADRATIC.b);
    const Atheta = A.mul(theta.reshape([1, 3])).sum(1);
    return theta.mul(Atheta).sum().mul(0.5).sub(theta.mul(b).sum());
  },
};

export const rosenbrock: Problem = {
  name: 'rosenbrock',
  theta0: ROSENBROCK.theta0,
  loss(theta) {
    const n = theta.shape[0]!;
    const x = theta.narrow(0, 0, n - 1);
    const y = theta.narrow(0, 1, n - 1);
    return y.sub(x.square()).square().mul(100).add(x.sub(1).square()).sum();
  },
};

/** A fresh parameter holding `values`. */
export function param(values: Vec): nn.Parameter {
  return new nn.Parameter(tensor(values));
}

/** One training step: zeroGrad, backward of `loss()`, step, all inside `tidy`. */
export function trainStep(opt: Optimizer<BaseOptions>, loss: () => Tensor): void {
  tidy(() => {
    opt.zeroGrad();
    loss().backward();
    opt.step();
  });
}

/** Runs `steps` steps of `opt` on `problem` and returns θ after each step. */
export function trajectory(theta: Tensor, opt: Optimizer<BaseOptions>, problem: Problem, steps: number): Vec[] {
  const out: Vec[] = [];
  for (let k = 0; k < steps; k++) {
    trainStep(opt, () => problem.loss(theta));
    out.push(Array.from(theta.dataSync()));
  }
  return out;
}
