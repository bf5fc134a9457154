/**
 * `Sequential`: modules applied one after another.
 *
 * @module
 */
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/**
 * Chains modules: the output of each is the input of the next. Children are named `0`, `1`,
 * … as in PyTorch, so parameter names read `0.weight`, `2.bias`.
 *
 * @example
 * ```ts
 * const mlp = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10));
 * ```
 */
export class Sequential extends Module {
  [index: number]: Module;
  /** Number of modules in the chain. */
  readonly length: number;

  /** Creates the chain. */
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => (this[i] = m));
    this.length = modules.length;
  }

  /** Applies every module in order. */
  forward(x: Tensor): Tensor {
    let y = x;
    for (let i = 0; i < this.length; i++) y = this[i]!.forward(y);
    return y;
  }
}
