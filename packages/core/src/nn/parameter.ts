/**
 * Parameters: the leaves a model learns.
 *
 * @module
 */
import { DTypeError } from '../errors.js';
import { keep } from '../memory.js';
import { Tensor } from '../tensor.js';

/**
 * A float32 tensor that a {@link Module} owns and an optimizer updates. It requires grad,
 * is never disposed by `tidy`, and shares the storage of the tensor it wraps.
 *
 * @example
 * ```ts
 * class Scale extends nn.Module {
 *   w = new nn.Parameter(ones([1]));
 *   forward(x: Tensor) { return x.mul(this.w); }
 * }
 * new Scale().namedParameters().map(([name]) => name); // ['w']
 * ```
 */
export class Parameter extends Tensor {
  /** Wraps `data` (its values, not its graph) as a parameter. */
  constructor(data: Tensor, requiresGrad = true) {
    data.info('Parameter');
    if (data.dtype !== 'float32') throw new DTypeError('Parameter', `parameters must be float32, got ${data.dtype}`);
    super(data._storage!, data.shape, data.dtype, requiresGrad);
    keep(this);
  }
}
