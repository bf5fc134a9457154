/**
 * `Sequential`: modules applied one after another.
 *
 * @module
 */
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

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

  /**
   * Applies every module in order. If one throws, the outputs the earlier ones made are freed
   * before the error propagates, so a failed call leaves `memory()` as it was.
   */
  forward(x: Tensor): Tensor {
    let y = x;
    const made: Tensor[] = [];
    try {
      for (let i = 0; i < this.length; i++) {
        y = this[i]!.forward(y);
        made.push(y);
      }
    } catch (e) {
      // Never the input, a parameter or a buffer (a module may return one of those).
      const owned = new Set<Tensor>([x, ...this.parameters(), ...this.namedBuffers().map(([, b]) => b)]);
      for (const t of made) if (!owned.has(t) && !(t instanceof Parameter)) t.dispose();
      throw e;
    }
    return y;
  }
}
