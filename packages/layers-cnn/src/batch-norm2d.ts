/**
 * The 2-D batch-normalization layer.
 *
 * @module
 */
import {
  ShapeError,
  ValueError,
  add,
  batchNorm,
  nn,
  noGrad,
  ones,
  scalar,
  tidy,
  zeros,
  type Tensor,
} from '@profundo/core';
import { expectFloat } from './check.js';

/** Options of {@link BatchNorm2d}; defaults as in PyTorch's `nn.BatchNorm2d`. */
export interface BatchNorm2dOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /**
   * Weight of each new batch in the running statistics, `r ← (1 - m)·r + m·batch`
   * (default 0.1); `null` keeps a cumulative average instead (`m = 1 / numBatchesTracked`),
   * which reads the batch count synchronously.
   */
  momentum?: number | null;
  /** Whether to learn a per-channel scale `weight` (γ, init 1) and shift `bias` (β, init 0) (default true). */
  affine?: boolean;
  /** Whether to keep running statistics for evaluation (default true); without them, batch statistics are used in both modes. */
  trackRunningStats?: boolean;
}

/**
 * Batch normalization over the channels of `[N, C, H, W]` inputs, as PyTorch's
 * `nn.BatchNorm2d`: `y = (x - mean) / √(var + eps) · weight + bias` per channel. In training
 * mode `mean` and `var` (biased) come from the batch (over N, H, W) and the running statistics
 * are updated with the batch mean and the *unbiased* batch variance; in evaluation mode the
 * running statistics are used.
 *
 * State-dict keys match PyTorch's: `weight`, `bias`, `running_mean`, `running_var`,
 * `num_batches_tracked` (the buffers are the properties `runningMean`, `runningVar`,
 * `numBatchesTracked`; the count is int32 here, int64 in PyTorch).
 *
 * @example
 * ```ts
 * const bn = new BatchNorm2d(16);
 * bn.forward(randn([8, 16, 28, 28]));  // training: batch statistics, running stats updated
 * bn.eval();
 * bn.forward(randn([1, 16, 28, 28]));  // evaluation: running statistics
 * Object.keys(bn.stateDict()); // ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
 * ```
 */
export class BatchNorm2d extends nn.Module {
  /** Per-channel scale γ `[numFeatures]` (init 1), or null without `affine`. */
  readonly weight: nn.Parameter | null;
  /** Per-channel shift β `[numFeatures]` (init 0), or null without `affine`. */
  readonly bias: nn.Parameter | null;
  /** Running mean `[numFeatures]` (init 0), or null without `trackRunningStats`. State-dict key `running_mean`. */
  declare readonly runningMean: Tensor | null;
  /** Running unbiased variance `[numFeatures]` (init 1), or null without `trackRunningStats`. State-dict key `running_var`. */
  declare readonly runningVar: Tensor | null;
  /** Number of training batches seen (int32 scalar), or null without `trackRunningStats`. State-dict key `num_batches_tracked`. */
  declare readonly numBatchesTracked: Tensor | null;
  /** Added to the variance. */
  readonly eps: number;
  /** Running-statistics momentum (`null`: cumulative average). */
  readonly momentum: number | null;
  /** Whether `weight` and `bias` exist. */
  readonly affine: boolean;
  /** Whether running statistics are kept. */
  readonly trackRunningStats: boolean;

  /** @param numFeatures number of channels `C`. */
  constructor(
    readonly numFeatures: number,
    options: BatchNorm2dOptions = {},
  ) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new ValueError('BatchNorm2d', `numFeatures must be a positive integer, got ${numFeatures}`);
    }
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    if (!(this.eps >= 0)) throw new ValueError('BatchNorm2d', `eps must be >= 0, got ${this.eps}`);
    if (this.momentum !== null && !(this.momentum >= 0 && this.momentum <= 1)) {
      throw new ValueError('BatchNorm2d', `momentum must be in [0, 1] or null, got ${this.momentum}`);
    }
    // tidy frees the initial tensors, so the parameters hold the only references to their storage.
    this.weight = this.affine ? tidy(() => new nn.Parameter(ones([numFeatures]))) : null;
    this.bias = this.affine ? tidy(() => new nn.Parameter(zeros([numFeatures]))) : null;
    if (this.trackRunningStats) {
      this.registerBuffer('runningMean', zeros([numFeatures]), 'running_mean');
      this.registerBuffer('runningVar', ones([numFeatures]), 'running_var');
      this.registerBuffer('numBatchesTracked', scalar(0, { dtype: 'int32' }), 'num_batches_tracked');
    } else {
      (this as { runningMean: Tensor | null }).runningMean = null;
      (this as { runningVar: Tensor | null }).runningVar = null;
      (this as { numBatchesTracked: Tensor | null }).numBatchesTracked = null;
    }
  }

  /**
   * Normalizes `x` `[N, numFeatures, H, W]` (float32). A batch that fails leaves the running
   * statistics and the batch counter as they were.
   */
  forward(x: Tensor): Tensor {
    expectFloat('BatchNorm2d', x);
    if (x.rank !== 4 || x.shape[1] !== this.numFeatures) {
      throw new ShapeError('BatchNorm2d', `expected input [N, ${this.numFeatures}, H, W], got [${x.shape}]`);
    }
    if ((this.training || !this.trackRunningStats) && x.size / this.numFeatures <= 1) {
      throw new ValueError('BatchNorm2d', `needs more than one value per channel in training, got input [${x.shape}]`);
    }
    let momentum = this.momentum ?? 0;
    // Counted once the batch succeeded; momentum null averages over every batch, this one included.
    const count = this.training ? this.numBatchesTracked : null;
    if (count && this.momentum === null) momentum = 1 / (count.item() + 1);
    const y = batchNorm(x, {
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      weight: this.weight,
      bias: this.bias,
      training: this.training || !this.trackRunningStats,
      momentum,
      eps: this.eps,
    });
    if (count) noGrad(() => tidy(() => void count.assign(add(count, 1))));
    return y;
  }
}
