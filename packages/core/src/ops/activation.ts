/**
 * Softmax, log-softmax and GELU. Softmax and log-softmax run the backend's fused kernel
 * when it has one (last dim), else a numerically stable composite; their backward is written
 * once here either way.
 *
 * @module
 */
import { noGrad, record } from '../autograd/graph.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { ValueError } from '../errors.js';
import { erf, exp, log, mul, sub, add, tanh } from './elementwise.js';
import { transpose } from './movement.js';
import { max, sum } from './reduce.js';
import { expectDType, runKernel } from './run.js';

type Fused = 'softmax' | 'logSoftmax';

function lastDimKernel(name: Fused, x: Tensor, axis: number, composite: (x: Tensor) => Tensor): Tensor {
  const fused = x.backend(name).fused?.[name];
  if (!fused) return noGrad(() => composite(x));
  if (axis === x.rank - 1) return runKernel(name, [x], x.shape, 'float32', (_, [xi]) => fused.call(x.backend(name).fused, xi!));
  // Move the dim last, run the fused kernel, move it back.
  return noGrad(() => transpose(lastDimKernel(name, transpose(x, axis, -1), x.rank - 1, composite), axis, -1));
}

/**
 * Softmax along `dim` (default: last): `exp(x) / sum(exp(x))`, computed stably.
 *
 * @example
 * ```ts
 * softmax(tensor([1, 2, 3])); // [0.090, 0.245, 0.665]
 * ```
 */
export function softmax(x: Tensor, dim = -1): Tensor {
  expectDType('softmax', x, ['float32']);
  const axis = normalizeAxis('softmax', dim, x.rank);
  const y = lastDimKernel('softmax', x, axis, (v) => {
    const e = exp(sub(v, max(v, axis, true)));
    return e.div(sum(e, axis, true));
  });
  return record(y, 'softmax', [x], (g) => [mul(y, sub(g, sum(mul(g, y), axis, true)))]);
}

/**
 * Log-softmax along `dim` (default: last): `x - log(sum(exp(x)))`, computed stably. Pair it
 * with `nllLoss`, or use `crossEntropy` on logits directly.
 *
 * @example
 * ```ts
 * logSoftmax(tensor([1, 2, 3])); // [-2.4076, -1.4076, -0.4076]
 * ```
 */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  expectDType('logSoftmax', x, ['float32']);
  const axis = normalizeAxis('logSoftmax', dim, x.rank);
  const y = lastDimKernel('logSoftmax', x, axis, (v) => {
    const shifted = sub(v, max(v, axis, true));
    return sub(shifted, log(sum(exp(shifted), axis, true)));
  });
  return record(y, 'logSoftmax', [x], (g) => [sub(g, mul(exp(y), sum(g, axis, true)))]);
}

/** Options of {@link gelu}. */
export interface GeluOptions {
  /**
   * `'none'` (default): the exact form with erf; `'tanh'`: the tanh approximation
   * `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` of GPT-2 and BERT's original code
   * (PyTorch's `approximate='tanh'`).
   */
  approximate?: 'none' | 'tanh';
}

/**
 * GELU, by default the exact form `x · Φ(x) = 0.5 · x · (1 + erf(x / √2))` (PyTorch's
 * default); with `approximate: 'tanh'`, `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
 *
 * @example
 * ```ts
 * gelu(tensor([-1, 0, 1]));                          // [-0.1587, 0, 0.8413]
 * gelu(tensor([-1, 0, 1]), { approximate: 'tanh' }); // [-0.1588, 0, 0.8412]
 * ```
 */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  expectDType('gelu', x, ['float32']);
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ValueError('gelu', `approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  }
  if (approximate === 'tanh') {
    const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}
