/**
 * The flattening layer.
 *
 * @module
 */
import { ValueError, flatten, nn, type Tensor } from '@profundo/core';

/**
 * Flattens dims `startDim..endDim` (inclusive; by default everything but the batch dim) into
 * one, as PyTorch's `nn.Flatten`: the bridge from convolutional features to `Linear` layers.
 *
 * @example
 * ```ts
 * new Flatten().forward(zeros([64, 16, 5, 5])).shape;       // [64, 400]
 * new Flatten(2).forward(zeros([64, 16, 5, 5])).shape;      // [64, 16, 25]
 * ```
 */
export class Flatten extends nn.Module {
  /**
   * @param startDim first dim to flatten (default 1).
   * @param endDim last dim to flatten (default -1, the last).
   */
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
    for (const [what, d] of [['startDim', startDim], ['endDim', endDim]] as const) {
      if (!Number.isInteger(d)) throw new ValueError('Flatten', `${what} must be an integer, got ${String(d)}`);
    }
  }

  /** Flattens `x`. */
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}
