/**
 * The autograd graph: each differentiable op result remembers its inputs and how to map the
 * gradient of its output to gradients of its inputs.
 *
 * @module
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';

/**
 * @internal One recorded op. `backward` returns one gradient (or null) per input. The inputs
 * and the output are the tensors the op saved for backward; `versions` and `outVersion` are
 * their version counters (bumped by `assign`) when the op ran, so that backward can refuse a
 * saved tensor changed in place since.
 */
export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly backward: (grad: Tensor) => readonly (Tensor | null)[];
  readonly versions: readonly number[];
  readonly outVersion: number;
}

let gradEnabled = true;

/**
 * Whether ops currently record the graph (false inside {@link noGrad}).
 *
 * @example
 * ```ts
 * isGradEnabled();               // true
 * noGrad(() => isGradEnabled()); // false
 * ```
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording the autograd graph: results never require grad. Use it for
 * evaluation and for parameter updates. `fn` must be synchronous: an `async` function, or one
 * returning a Promise, is refused with a `ValueError` (its awaits would run with recording on).
 *
 * @example
 * ```ts
 * const model = new nn.Linear(4, 2);
 * const logits = noGrad(() => model.forward(randn([8, 4])));
 * logits.requiresGrad; // false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ValueError('noGrad', `needs a function, got ${fn === null ? 'null' : typeof fn}`);
  const tag = Object.prototype.toString.call(fn);
  if (tag === '[object AsyncFunction]' || tag === '[object AsyncGeneratorFunction]') {
    // Its awaits would resume after the mode was restored, recording a graph after all.
    throw new ValueError('noGrad', 'the function is async; noGrad only takes synchronous functions (await outside noGrad)');
  }
  const prev = gradEnabled;
  gradEnabled = false;
  let result: T;
  try {
    result = fn();
  } finally {
    gradEnabled = prev;
  }
  const r = result as unknown;
  if ((typeof r === 'object' || typeof r === 'function') && r !== null && typeof (r as PromiseLike<unknown>).then === 'function') {
    (r as PromiseLike<unknown>).then(undefined, () => undefined); // handled: the caller gets this error instead
    throw new ValueError('noGrad', 'the function returned a Promise; noGrad only takes synchronous functions (await outside noGrad)');
  }
  return result;
}

/** @internal Attaches a node to `out` when recording is on and some input requires grad. */
export function record(
  out: Tensor,
  op: string,
  inputs: readonly Tensor[],
  backward: (grad: Tensor) => readonly (Tensor | null)[],
): Tensor {
  if (gradEnabled && out.dtype === 'float32' && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out._node = { op, inputs, backward, versions: inputs.map((t) => t._version), outVersion: out._version };
  }
  return out;
}
