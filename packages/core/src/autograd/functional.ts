/**
 * Functional autograd: gradients of a function, without touching any tensor's `.grad`.
 *
 * @module
 */
import { GradError } from '../errors.js';
import { adoptIntoScope } from '../memory.js';
import { zerosLike } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from './graph.js';

/**
 * Wraps a scalar-valued `f` into a function returning its value and its gradient with
 * respect to each argument.
 *
 * @example
 * ```ts
 * const f = (x: Tensor, y: Tensor) => x.mul(y).sum();
 * const { value, grads } = valueAndGrad(f)(tensor([1, 2]), tensor([3, 4]));
 * // value 11, grads [[3, 4], [1, 2]]
 * ```
 */
export function valueAndGrad<A extends Tensor[]>(f: (...args: A) => Tensor): (...args: A) => { value: Tensor; grads: Tensor[] } {
  return (...args: A) => {
    const leaves = args.map((a) => {
      if (a.dtype !== 'float32') throw new GradError('valueAndGrad', `arguments must be float32, got ${a.dtype}`);
      const leaf = a.detach();
      leaf.requiresGrad = true;
      return leaf;
    }) as A;
    const out = f(...leaves);
    if (out.size !== 1) {
      throw new GradError('valueAndGrad', `f must return a scalar, got shape [${out.shape}]`);
    }
    if (out.requiresGrad) out.backward();
    const grads = leaves.map((leaf) => {
      const g = leaf.grad ?? noGrad(() => zerosLike(leaf));
      adoptIntoScope(g);
      leaf.grad = null;
      leaf.dispose();
      return g;
    });
    const value = out.detach();
    return { value, grads };
  };
}

/**
 * Wraps a scalar-valued `f` into a function returning its gradient with respect to each
 * argument (an array, one per argument).
 *
 * @example
 * ```ts
 * const [dx] = grad((x: Tensor) => x.square().sum())(tensor([1, 2, 3])); // [2, 4, 6]
 * ```
 */
export function grad<A extends Tensor[]>(f: (...args: A) => Tensor): (...args: A) => Tensor[] {
  const vg = valueAndGrad(f);
  return (...args: A) => {
    const { value, grads } = vg(...args);
    value.dispose();
    return grads;
  };
}
