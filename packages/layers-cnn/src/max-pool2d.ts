/**
 * The 2-D max-pooling layer.
 *
 * @module
 */
import { maxPool2d, nn, type Tensor } from '@profundo/core';
import { checkPoolOptions, expectFloat } from './check.js';

/** Options of {@link MaxPool2d}; defaults as in PyTorch's `nn.MaxPool2d`. */
export interface MaxPool2dLayerOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly [number, number];
  /** Padding on every side, at most half the window; it never wins the max (default 0). */
  padding?: number | readonly [number, number];
}

/**
 * Max pooling over `kH×kW` windows of `[N, C, H, W]` (or `[C, H, W]`) inputs. The gradient
 * goes to the first maximum of each window, as in PyTorch.
 *
 * @example
 * ```ts
 * const pool = new MaxPool2d(2);
 * pool.forward(randn([8, 16, 28, 28])).shape; // [8, 16, 14, 14]
 * new MaxPool2d(3, { stride: 2, padding: 1 });  // ResNet's stem pooling
 * ```
 */
export class MaxPool2d extends nn.Module {
  /** Stride (the kernel size when not given). */
  readonly stride: number | readonly [number, number];
  /** Padding on every side. */
  readonly padding: number | readonly [number, number];

  /** @param kernelSize window size, `k` or `[kH, kW]`. */
  constructor(
    readonly kernelSize: number | readonly [number, number],
    options: MaxPool2dLayerOptions = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    checkPoolOptions('MaxPool2d', kernelSize, this.stride, this.padding);
  }

  /** Pools `x` (float32). */
  forward(x: Tensor): Tensor {
    expectFloat('MaxPool2d', x);
    return maxPool2d(x, { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding });
  }
}
