/**
 * Activation functions as modules, for use in `Sequential`.
 *
 * @module
 */
import { gelu, logSoftmax, softmax } from '../ops/activation.js';
import { relu, sigmoid, tanh } from '../ops/elementwise.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/** `max(x, 0)`. @example `new Sequential(new Linear(4, 8), new ReLU())` */
export class ReLU extends Module {
  /** Applies ReLU. */
  forward(x: Tensor): Tensor { return relu(x); }
}

/** Logistic sigmoid. */
export class Sigmoid extends Module {
  /** Applies the sigmoid. */
  forward(x: Tensor): Tensor { return sigmoid(x); }
}

/** Hyperbolic tangent. */
export class Tanh extends Module {
  /** Applies tanh. */
  forward(x: Tensor): Tensor { return tanh(x); }
}

/** GELU (exact). */
export class GELU extends Module {
  /** Applies GELU. */
  forward(x: Tensor): Tensor { return gelu(x); }
}

/** Softmax along `dim`. */
export class Softmax extends Module {
  /** @param dim the dim that sums to 1 (default last). */
  constructor(readonly dim = -1) { super(); }
  /** Applies softmax. */
  forward(x: Tensor): Tensor { return softmax(x, this.dim); }
}

/** Log-softmax along `dim`. */
export class LogSoftmax extends Module {
  /** @param dim the dim to normalize over (default last). */
  constructor(readonly dim = -1) { super(); }
  /** Applies log-softmax. */
  forward(x: Tensor): Tensor { return logSoftmax(x, this.dim); }
}

/** Returns its input unchanged. */
export class Identity extends Module {
  /** Returns `x`. */
  forward(x: Tensor): Tensor { return x; }
}
