/**
 * The 2-D max-pooling layer.
 *
 * @module
 */
import { maxPool2d, maxPool2dWithIndices, nn, type Tensor } from '@profundo/core';
import { checkPoolOptions, expectFloat } from './check.js';

/** Options of {@link MaxPool2d}; defaults as in PyTorch's `nn.MaxPool2d`. */
export interface MaxPool2dLayerOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly [number, number];
  /** Padding on every side, at most half the window; it never wins the max (default 0). */
  padding?: number | readonly [number, number];
  /** Step between window taps, `d` or `[dH, dW]` (default 1). */
  dilation?: number | readonly [number, number];
  /** Round the output size up, keeping a last partial window (default false). */
  ceilMode?: boolean;
}

/**
 * Max pooling over `kH×kW` windows of `[N, C, H, W]` (or `[C, H, W]`) inputs, with PyTorch's
 * `stride`, `padding`, `dilation` and `ceilMode`. The gradient goes to the first maximum of
 * each window, as in PyTorch. PyTorch's `return_indices=True` is
 * {@link MaxPool2d.forwardWithIndices}.
 *
 * @example
 * ```ts
 * const pool = new MaxPool2d(2);
 * pool.forward(randn([8, 16, 28, 28])).shape; // [8, 16, 14, 14]
 * new MaxPool2d(3, { stride: 2, padding: 1 });  // ResNet's stem pooling
 * new MaxPool2d(2, { ceilMode: true }).forward(randn([1, 1, 5, 5])).shape; // [1, 1, 3, 3]
 * ```
 */
export class MaxPool2d extends nn.Module {
  /** Stride (the kernel size when not given). */
  readonly stride: number | readonly [number, number];
  /** Padding on every side. */
  readonly padding: number | readonly [number, number];
  /** Step between window taps. */
  readonly dilation: number | readonly [number, number];
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;

  /** @param kernelSize window size, `k` or `[kH, kW]`. */
  constructor(
    readonly kernelSize: number | readonly [number, number],
    options: MaxPool2dLayerOptions = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
    checkPoolOptions('MaxPool2d', kernelSize, this.stride, this.padding, this.dilation, this.ceilMode);
  }

  private options() {
    return { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode };
  }

  /** Pools `x` (float32). */
  forward(x: Tensor): Tensor {
    expectFloat('MaxPool2d', x);
    return maxPool2d(x, this.options());
  }

  /**
   * Pools `x` and returns where each maximum was (PyTorch's `return_indices=True`): flat
   * positions `h·W + w` in each input plane (int32).
   *
   * @example
   * ```ts
   * const { values, indices } = new MaxPool2d(2).forwardWithIndices(tensor([[[[1, 5], [3, 4]]]]));
   * values;  // [[[[5]]]]
   * indices; // [[[[1]]]]
   * ```
   */
  forwardWithIndices(x: Tensor): { values: Tensor; indices: Tensor } {
    expectFloat('MaxPool2d', x);
    return maxPool2dWithIndices(x, this.options());
  }
}
