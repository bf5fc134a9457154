/**
 * Layer normalization.
 *
 * @module
 */
import { ShapeError, ValueError, layerNorm, nn, ones, tidy, zeros, type Tensor } from '@profundo/core';

/** Options of {@link LayerNorm}; defaults as in PyTorch's `nn.LayerNorm`. */
export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Whether to learn an element-wise scale `weight` (init 1) and shift `bias` (init 0) (default true). */
  elementwiseAffine?: boolean;
  /** Whether to learn `bias` when `elementwiseAffine` is set (default true). */
  bias?: boolean;
}

/**
 * Layer normalization over the last dims, as PyTorch's `nn.LayerNorm`: core's functional
 * `layerNorm` with learned `weight` and `bias`,
 * `y = (x - mean) / √(var + eps) · weight + bias`, with the mean and the *biased* variance
 * taken over the trailing dims given by `normalizedShape`. The same in training and
 * evaluation. State-dict keys: `weight`, `bias` (both of shape `normalizedShape`).
 *
 * @example
 * ```ts
 * const ln = new LayerNorm(64);
 * ln.forward(randn([8, 10, 64])); // each [64] row: mean 0, variance ≈ 1
 * ```
 */
export class LayerNorm extends nn.Module {
  /** Scale `normalizedShape` (init 1), or null without `elementwiseAffine`. */
  readonly weight: nn.Parameter | null;
  /** Shift `normalizedShape` (init 0), or null without `elementwiseAffine` or `bias`. */
  readonly bias: nn.Parameter | null;
  /** The trailing shape normalized over. */
  readonly normalizedShape: readonly number[];
  /** Added to the variance. */
  readonly eps: number;

  /** @param normalizedShape the trailing dim size, or the trailing shape. */
  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.length === 0 || this.normalizedShape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new ShapeError('LayerNorm', `normalizedShape must be positive integers, got [${this.normalizedShape}]`);
    }
    this.eps = options.eps ?? 1e-5;
    if (!(this.eps >= 0)) throw new ValueError('LayerNorm', `eps must be >= 0, got ${this.eps}`);
    const affine = options.elementwiseAffine ?? true;
    // tidy frees the initial tensors, so the parameters hold the only references to their storage.
    this.weight = affine ? tidy(() => new nn.Parameter(ones(this.normalizedShape))) : null;
    this.bias = affine && options.bias !== false ? tidy(() => new nn.Parameter(zeros(this.normalizedShape))) : null;
  }

  /** Normalizes `x` of shape `[..., ...normalizedShape]` (float32). */
  forward(x: Tensor): Tensor {
    nn.expectLive('LayerNorm', x);
    nn.expectFloat('LayerNorm', x);
    nn.expectOneBackend('LayerNorm', [['the input', x], ['weight', this.weight], ['bias', this.bias]]);
    const k = this.normalizedShape.length;
    if (x.rank < k || x.shape.slice(x.rank - k).join() !== this.normalizedShape.join()) {
      throw new ShapeError('LayerNorm', `expected input [..., ${this.normalizedShape}], got [${x.shape}]`);
    }
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }
}
