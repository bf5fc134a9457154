/**
 * Activation functions as modules, for use in `Sequential`.
 *
 * @module
 */
import { ValueError } from '../errors.js';
import { gelu, logSoftmax, softmax, type GeluOptions } from '../ops/activation.js';
import { relu, sigmoid, tanh } from '../ops/elementwise.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/**
 * `max(x, 0)`.
 *
 * @example
 * ```ts
 * new nn.ReLU().forward(tensor([-1, 2])); // [0, 2]
 * const mlp = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
 * ```
 */
export class ReLU extends Module {
  /** Applies ReLU. */
  forward(x: Tensor): Tensor { return relu(x); }
}

/**
 * Logistic sigmoid.
 *
 * @example
 * ```ts
 * new nn.Sigmoid().forward(tensor([0, 2])); // [0.5, 0.8808]
 * ```
 */
export class Sigmoid extends Module {
  /** Applies the sigmoid. */
  forward(x: Tensor): Tensor { return sigmoid(x); }
}

/**
 * Hyperbolic tangent.
 *
 * @example
 * ```ts
 * new nn.Tanh().forward(tensor([0, 1])); // [0, 0.7616]
 * ```
 */
export class Tanh extends Module {
  /** Applies tanh. */
  forward(x: Tensor): Tensor { return tanh(x); }
}

/**
 * GELU: exact by default, or the tanh approximation (PyTorch's `nn.GELU(approximate='tanh')`).
 *
 * @example
 * ```ts
 * new nn.GELU().forward(tensor([-1, 0, 1]));                          // [-0.1587, 0, 0.8413]
 * new nn.GELU({ approximate: 'tanh' }).forward(tensor([-1, 0, 1]));   // [-0.1588, 0, 0.8412]
 * ```
 */
export class GELU extends Module {
  /** `'none'` (exact) or `'tanh'`. */
  readonly approximate: 'none' | 'tanh';
  /** @param options `approximate`: `'none'` (default) or `'tanh'`. */
  constructor(options: GeluOptions = {}) {
    super();
    this.approximate = options.approximate ?? 'none';
    if (this.approximate !== 'none' && this.approximate !== 'tanh') {
      throw new ValueError('GELU', `approximate must be 'none' or 'tanh', got '${String(this.approximate)}'`);
    }
  }
  /** Applies GELU. */
  forward(x: Tensor): Tensor { return gelu(x, { approximate: this.approximate }); }
}

/**
 * Softmax along `dim`.
 *
 * @example
 * ```ts
 * new nn.Softmax().forward(tensor([[1, 1], [0, Math.log(3)]])); // [[0.5, 0.5], [0.25, 0.75]]
 * ```
 */
export class Softmax extends Module {
  /** @param dim the dim that sums to 1 (default last). */
  constructor(readonly dim = -1) { super(); }
  /** Applies softmax. */
  forward(x: Tensor): Tensor { return softmax(x, this.dim); }
}

/**
 * Log-softmax along `dim`.
 *
 * @example
 * ```ts
 * new nn.LogSoftmax(1).forward(tensor([[0, 0]])); // [[-0.6931, -0.6931]]
 * ```
 */
export class LogSoftmax extends Module {
  /** @param dim the dim to normalize over (default last). */
  constructor(readonly dim = -1) { super(); }
  /** Applies log-softmax. */
  forward(x: Tensor): Tensor { return logSoftmax(x, this.dim); }
}

/**
 * Returns its input unchanged.
 *
 * @example
 * ```ts
 * const project = false;
 * const head = project ? new nn.Linear(8, 8) : new nn.Identity(); // a placeholder for an optional layer
 * head.forward(tensor([1, 2])); // [1, 2]
 * ```
 */
export class Identity extends Module {
  /** Returns `x`. */
  forward(x: Tensor): Tensor { return x; }
}
