/**
 * The 2-D average-pooling layer.
 *
 * @module
 */
import { ValueError, avgPool2d, nn, type Tensor } from '@profundo/core';
import { checkPoolOptions, expectFloat } from './check.js';

/** Options of {@link AvgPool2d}; defaults as in PyTorch's `nn.AvgPool2d`. */
export interface AvgPool2dLayerOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly [number, number];
  /** Zero padding on every side, at most half the window (default 0). */
  padding?: number | readonly [number, number];
  /** Whether padded zeros count in each window's divisor (default true). */
  countIncludePad?: boolean;
  /** Round the output size up, keeping a last partial window (default false). */
  ceilMode?: boolean;
  /** A fixed divisor (a positive integer) for every window (default: the window's size). */
  divisorOverride?: number;
}

/**
 * Average pooling over `kH×kW` windows of `[N, C, H, W]` (or `[C, H, W]`) inputs.
 *
 * @example
 * ```ts
 * const pool = new AvgPool2d(2);
 * pool.forward(randn([8, 16, 28, 28])).shape; // [8, 16, 14, 14]
 * new AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false });
 * new AvgPool2d(2, { ceilMode: true, divisorOverride: 4 }).forward(randn([1, 1, 5, 5])).shape; // [1, 1, 3, 3]
 * ```
 */
export class AvgPool2d extends nn.Module {
  /** Stride (the kernel size when not given). */
  readonly stride: number | readonly [number, number];
  /** Padding on every side. */
  readonly padding: number | readonly [number, number];
  /** Whether padding counts in the divisor. */
  readonly countIncludePad: boolean;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;
  /** The fixed divisor, if any. */
  readonly divisorOverride: number | undefined;

  /** @param kernelSize window size, `k` or `[kH, kW]`. */
  constructor(
    readonly kernelSize: number | readonly [number, number],
    options: AvgPool2dLayerOptions = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    checkPoolOptions('AvgPool2d', kernelSize, this.stride, this.padding);
    if (options.countIncludePad !== undefined && typeof options.countIncludePad !== 'boolean') {
      throw new ValueError('AvgPool2d', `countIncludePad must be a boolean, got ${typeof options.countIncludePad}`);
    }
    this.countIncludePad = options.countIncludePad ?? true;
    this.ceilMode = options.ceilMode ?? false;
    checkPoolOptions('AvgPool2d', kernelSize, this.stride, this.padding, 1, this.ceilMode);
    this.divisorOverride = options.divisorOverride;
    if (this.divisorOverride !== undefined && !(Number.isInteger(this.divisorOverride) && this.divisorOverride > 0)) {
      throw new ValueError('AvgPool2d', `divisorOverride must be a positive integer, got ${String(this.divisorOverride)}`);
    }
  }

  /** Pools `x` (float32). */
  forward(x: Tensor): Tensor {
    expectFloat('AvgPool2d', x);
    return avgPool2d(x, {
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      countIncludePad: this.countIncludePad,
      ceilMode: this.ceilMode,
      divisorOverride: this.divisorOverride,
    });
  }
}
