/**
 * Input checks shared by the layers.
 *
 * @module
 */
import { DTypeError, type Tensor } from '@profundo/core';

/** @internal Throws a DTypeError naming `layer` unless `x` is float32. */
export function expectFloat(layer: string, x: Tensor): void {
  if (x.dtype !== 'float32') {
    throw new DTypeError(layer, `input must be float32, got ${x.dtype} [${x.shape}]; cast it first (x.float())`);
  }
}
