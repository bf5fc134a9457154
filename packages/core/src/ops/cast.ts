/**
 * Explicit dtype conversion: the only way values change dtype in Profundo.
 *
 * @module
 */
import type { DType } from '../backend/backend.js';
import { DTypeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './movement.js';
import { runKernel } from './run.js';

/**
 * Converts `x` to `dtype`: float→int truncates toward zero, anything→bool is `x != 0`,
 * bool→number gives 0/1. Casting to the same dtype returns a view.
 *
 * @example
 * ```ts
 * cast(tensor([1.7, -1.7]), 'int32'); // [1, -1]
 * ```
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new DTypeError('cast', `unknown dtype '${String(dtype)}'`);
  }
  x.info('cast');
  if (x.dtype === dtype) return reshape(x, x.shape);
  return runKernel('cast', [x], x.shape, dtype, (be, [xi]) => be.cast(xi!, dtype));
}
