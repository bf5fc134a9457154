/**
 * The optimizer configurations the trajectory tests run: each optimizer with its options, the
 * matching independent reference, and a learning rate per problem (Rosenbrock's curvature,
 * about 1300 at the start, needs far smaller steps for the non-adaptive methods).
 */
import type { Tensor } from '@profundo/core';
import { Adadelta, Adagrad, Adam, AdamW, RMSprop, SGD, type BaseOptions, type Optimizer } from '../src/index.js';
import { refAdadelta, refAdagrad, refAdam, refRMSprop, refSGD, type RefStep } from './reference.js';

export interface Case {
  name: string;
  lr: { quadratic: number; rosenbrock: number };
  make(params: Tensor[], lr: number): Optimizer<BaseOptions>;
  ref(lr: number): RefStep;
}

const sgd = (name: string, o: { momentum?: number; dampening?: number; nesterov?: boolean; weightDecay?: number }, lr: Case['lr']): Case => ({
  name,
  lr,
  make: (params, lr) => new SGD(params, { lr, ...o }),
  ref: (lr) => refSGD({ lr, ...o }),
});
const adagrad = (name: string, o: { lrDecay?: number; weightDecay?: number; initialAccumulatorValue?: number; eps?: number }, lr: Case['lr']): Case => ({
  name,
  lr,
  make: (params, lr) => new Adagrad(params, { lr, ...o }),
  ref: (lr) => refAdagrad({ lr, ...o }),
});
const adadelta = (name: string, o: { rho?: number; eps?: number; weightDecay?: number }, lr: Case['lr']): Case => ({
  name,
  lr,
  make: (params, lr) => new Adadelta(params, { lr, ...o }),
  ref: (lr) => refAdadelta({ lr, ...o }),
});
const rmsprop = (name: string, o: { alpha?: number; eps?: number; weightDecay?: number; momentum?: number; centered?: boolean }, lr: Case['lr']): Case => ({
  name,
  lr,
  make: (params, lr) => new RMSprop(params, { lr, ...o }),
  ref: (lr) => refRMSprop({ lr, ...o }),
});
const adam = (name: string, o: { betas?: [number, number]; eps?: number; weightDecay?: number; amsgrad?: boolean }, lr: Case['lr']): Case => ({
  name,
  lr,
  make: (params, lr) => new Adam(params, { lr, ...o }),
  ref: (lr) => refAdam({ lr, ...o }),
});
const adamw = (name: string, o: { betas?: [number, number]; eps?: number; weightDecay?: number; amsgrad?: boolean }, lr: Case['lr']): Case => ({
  name,
  lr,
  make: (params, lr) => new AdamW(params, { lr, ...o }),
  ref: (lr) => refAdam({ lr, weightDecay: 0.01, ...o, decoupled: true }),
});

export const CASES: Case[] = [
  sgd('SGD', {}, { quadratic: 0.1, rosenbrock: 5e-4 }),
  sgd('SGD momentum', { momentum: 0.9 }, { quadratic: 0.05, rosenbrock: 1e-4 }),
  sgd('SGD Nesterov', { momentum: 0.9, nesterov: true }, { quadratic: 0.05, rosenbrock: 1e-4 }),
  sgd('SGD momentum + dampening', { momentum: 0.8, dampening: 0.3 }, { quadratic: 0.05, rosenbrock: 1e-4 }),
  sgd('SGD Nesterov + weight decay', { momentum: 0.9, nesterov: true, weightDecay: 0.1 }, { quadratic: 0.05, rosenbrock: 1e-4 }),
  adagrad('Adagrad', {}, { quadratic: 0.5, rosenbrock: 0.05 }),
  adagrad('Adagrad lr decay + initial accumulator + weight decay', { lrDecay: 0.05, initialAccumulatorValue: 0.1, weightDecay: 0.1, eps: 1e-6 }, { quadratic: 0.5, rosenbrock: 0.05 }),
  adadelta('Adadelta', {}, { quadratic: 1, rosenbrock: 1 }),
  adadelta('Adadelta rho + eps + weight decay', { rho: 0.95, eps: 1e-4, weightDecay: 0.1 }, { quadratic: 1, rosenbrock: 0.5 }),
  rmsprop('RMSprop', {}, { quadratic: 0.01, rosenbrock: 0.01 }),
  rmsprop('RMSprop centered', { centered: true, alpha: 0.9 }, { quadratic: 0.01, rosenbrock: 0.005 }),
  rmsprop('RMSprop centered + momentum + weight decay', { centered: true, momentum: 0.9, weightDecay: 0.1, alpha: 0.9 }, { quadratic: 0.005, rosenbrock: 0.001 }),
  adam('Adam', {}, { quadratic: 0.05, rosenbrock: 0.02 }),
  adam('Adam AMSGrad', { amsgrad: true, betas: [0.8, 0.99] }, { quadratic: 0.05, rosenbrock: 0.02 }),
  adam('Adam weight decay', { weightDecay: 1 }, { quadratic: 0.05, rosenbrock: 0.02 }),
  adamw('AdamW', {}, { quadratic: 0.05, rosenbrock: 0.02 }),
  adamw('AdamW AMSGrad + weight decay', { weightDecay: 0.5, amsgrad: true }, { quadratic: 0.05, rosenbrock: 0.02 }),
];
