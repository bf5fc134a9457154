/**
 * Functional autograd: gradients of a function, without touching any tensor's `.grad`.
 *
 * @module
 */
import { GradError } from '../errors.js';
import { adoptIntoScope, tidy } from '../memory.js';
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
 * value;    // 11
 * grads[0]; // [3, 4]
 * grads[1]; // [1, 2]
 * ```
 */
export function valueAndGrad<A extends Tensor[]>(f: (...args: A) => Tensor): (...args: A) => { value: Tensor; grads: Tensor[] } {
  return (...args: A) => run('valueAndGrad', f, args);
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
  return (...args: A) => {
    const { value, grads } = run('grad', f, args);
    value.dispose();
    return grads;
  };
}

/**
 * Runs `f` on detached copies of `args` inside a `tidy`, as TensorFlow.js does: f's
 * intermediates are freed once the gradients are known, and when `f` (or the check of its
 * result) throws, everything made here is freed before the error propagates.
 */
function run<A extends Tensor[]>(op: string, f: (...args: A) => Tensor, args: A): { value: Tensor; grads: Tensor[] } {
  for (const a of args) {
    a.info(op);
    if (a.dtype !== 'float32') throw new GradError(op, `arguments must be float32, got ${a.dtype}`);
  }
  return tidy(() => {
    const leaves = args.map((a) => {
      const leaf = a.detach();
      leaf.requiresGrad = true;
      return leaf;
    }) as A;
    const out = f(...leaves);
    if (out === null || typeof out !== 'object' || typeof (out as Partial<Tensor>).size !== 'number') {
      throw new GradError(op, `f must return a scalar tensor, got ${out === null ? 'null' : typeof out}`);
    }
    if (out.size !== 1) {
      throw new GradError(op, `f must return a scalar, got shape [${out.shape}]`);
    }
    if (out.requiresGrad) out.backward();
    const grads = leaves.map((leaf) => {
      const g = leaf.grad ?? noGrad(() => zerosLike(leaf));
      adoptIntoScope(g);
      leaf.grad = null;
      return g;
    });
    return { value: out.detach(), grads };
  });
}
