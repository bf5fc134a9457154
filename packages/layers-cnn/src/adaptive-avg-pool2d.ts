/**
 * The 2-D adaptive average-pooling layer.
 *
 * @module
 */
import { adaptiveAvgPool2d, nn, type Tensor } from '@profundo/core';
import { expectFloat, pairOption } from './check.js';

/**
 * Average pooling to a fixed output size whatever the input size, as PyTorch's
 * `nn.AdaptiveAvgPool2d`: output row `i` of `OH` averages input rows
 * `floor(i·H/OH) .. ceil((i+1)·H/OH) - 1`, likewise for columns.
 *
 * @example
 * ```ts
 * const gap = new AdaptiveAvgPool2d(1);        // global average pooling
 * gap.forward(randn([8, 512, 7, 7])).shape;    // [8, 512, 1, 1]
 * new AdaptiveAvgPool2d([6, 6]).forward(randn([1, 256, 13, 13])).shape; // [1, 256, 6, 6]
 * ```
 */
export class AdaptiveAvgPool2d extends nn.Module {
  /** @param outputSize `[OH, OW]`, or one number for a square output. */
  constructor(readonly outputSize: number | readonly [number, number]) {
    super();
    pairOption('AdaptiveAvgPool2d', 'outputSize', outputSize, 1);
  }

  /** Pools `x` `[N, C, H, W]` (float32) to `[N, C, OH, OW]`. */
  forward(x: Tensor): Tensor {
    expectFloat('AdaptiveAvgPool2d', x);
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}
