/**
 * `Sequential`: modules applied one after another.
 *
 * @module
 */
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { tidy } from '../memory.js';

/**
 * Chains modules: the output of each is the input of the next. Children are named `0`, `1`,
 * … as in PyTorch, so parameter names read `0.weight`, `2.bias`.
 *
 * @example
 * ```ts
 * const mlp = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
 * mlp.forward(zeros([32, 784])).shape; // [32, 10]
 * mlp.length;                          // 3
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

  /**
   * Applies every module in order, inside a `tidy`: intermediates that the result's graph does
   * not need are freed at once, those it needs live until backward has run through the result
   * (or it is disposed), and if a module throws, everything the earlier ones made (their outputs
   * and the intermediates behind them) is freed before the error propagates, so a failed call
   * leaves `memory()` as it was. The input, parameters and buffers are never freed.
   */
  forward(x: Tensor): Tensor {
    return tidy(() => {
      let y = x;
      for (let i = 0; i < this.length; i++) y = this[i]!.forward(y);
      return y;
    });
  }
}
