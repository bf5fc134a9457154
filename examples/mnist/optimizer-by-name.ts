/**
 * Chooses an optimizer from a command-line name, with a learning rate that suits it when the
 * user gives none.
 */
import type { Tensor } from '@profundo/core';
import { Adadelta, Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer, type BaseOptions } from '@profundo/optimizers';

type Make = (params: Tensor[], lr: number, momentum: number, weightDecay: number) => Optimizer<BaseOptions>;

const optimizers: Record<string, { lr: number; make: Make }> = {
  sgd: { lr: 0.1, make: (p, lr, _m, wd) => new SGD(p, { lr, weightDecay: wd }) },
  momentum: { lr: 0.05, make: (p, lr, m, wd) => new SGD(p, { lr, momentum: m, weightDecay: wd }) },
  nesterov: { lr: 0.05, make: (p, lr, m, wd) => new SGD(p, { lr, momentum: m, nesterov: true, weightDecay: wd }) },
  adagrad: { lr: 0.02, make: (p, lr, _m, wd) => new Adagrad(p, { lr, weightDecay: wd }) },
  adadelta: { lr: 1, make: (p, lr, _m, wd) => new Adadelta(p, { lr, weightDecay: wd }) },
  rmsprop: { lr: 0.001, make: (p, lr, _m, wd) => new RMSprop(p, { lr, weightDecay: wd }) },
  adam: { lr: 0.001, make: (p, lr, _m, wd) => new Adam(p, { lr, weightDecay: wd }) },
  adamw: { lr: 0.001, make: (p, lr, _m, wd) => new AdamW(p, { lr, weightDecay: wd || 0.01 }) },
};

/** Names accepted by {@link makeOptimizer}. */
export const optimizerNames = Object.keys(optimizers);

/** Builds the optimizer `name` over `params`; `lr` defaults to one that suits it. */
export function makeOptimizer(
  name: string,
  params: Tensor[],
  options: { lr?: number; momentum: number; weightDecay: number },
): { optimizer: Optimizer<BaseOptions>; lr: number } {
  const entry = optimizers[name];
  if (!entry) throw new Error(`unknown optimizer '${name}'; choose one of: ${optimizerNames.join(', ')}`);
  const lr = options.lr ?? entry.lr;
  return { optimizer: entry.make(params, lr, options.momentum, options.weightDecay), lr };
}
