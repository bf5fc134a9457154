/** Shared setup of the optimizer tests: the CPU backend and the test problems in Profundo. */
import { listBackends, nn, registerBackend, setBackend, tensor, tidy, type Tensor } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { beforeAll } from 'vitest';
import type { Optimizer, BaseOptions } from '../src/index.js';
import { QUADRATIC, ROSENBROCK, type Vec } from './reference.js';

/** Selects Profundo's CPU backend for the suite. */
export function useCpu(): void {
  beforeAll(async () => {
    if (!listBackends().includes('cpu')) registerBackend('cpu', createCpuBackend);
    await setBackend('cpu');
  });
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
