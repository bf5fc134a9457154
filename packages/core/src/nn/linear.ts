/**
 * The fully connected layer.
 *
 * @module
 */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { tidy } from '../memory.js';
import { zeros } from '../ops/creation.js';
import { matmul3 } from '../ops/matmul.js';
import { add } from '../ops/elementwise.js';
import { reshape } from '../ops/movement.js';
import { sameBackend } from '../ops/run.js';
import type { Tensor } from '../tensor.js';
import { uniform } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/**
 * `y = x Wᵀ + b` over the last dim, with PyTorch's `[out, in]` weight layout and its default
 * init: both W and b from U(-1/√in, 1/√in).
 *
 * @example
 * ```ts
 * const fc = new nn.Linear(784, 10);
 * fc.forward(zeros([32, 784])).shape; // [32, 10]
 * ```
 */
export class Linear extends Module {
  /** Weight, shape `[outFeatures, inFeatures]`. */
  readonly weight: Parameter;
  /** Bias, shape `[outFeatures]`, or null without bias. */
  readonly bias: Parameter | null;

  /** Creates the layer with freshly initialized parameters. */
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: { bias?: boolean } = {},
  ) {
    super();
    for (const [what, n] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new ValueError('Linear', `${what} must be a positive integer, got ${n}`);
    }
    const bound = 1 / Math.sqrt(inFeatures);
    // tidy frees the initial tensors, so the parameters hold the only references to their storage.
    this.weight = tidy(() => new Parameter(uniform(zeros([outFeatures, inFeatures]), -bound, bound)));
    this.bias = options.bias === false ? null : tidy(() => new Parameter(uniform(zeros([outFeatures]), -bound, bound)));
  }

  /** Applies the layer to `x` of shape `[..., inFeatures]` (float32). */
  forward(x: Tensor): Tensor {
    if (x.dtype !== 'float32') {
      throw new DTypeError('Linear', `input must be float32, got ${x.dtype} [${x.shape}]; cast it first (x.float())`);
    }
    if (x.rank === 0 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new ShapeError('Linear', `expected input [..., ${this.inFeatures}], got [${x.shape}]`);
    }
    // Before the views below are made, so a rejected input leaves nothing behind.
    sameBackend('Linear', this.bias ? [x, this.weight, this.bias] : [x, this.weight]);
    const lead = x.shape.slice(0, -1);
    const rows = lead.reduce((a, b) => a * b, 1);
    const w = reshape(this.weight, [1, this.outFeatures, this.inFeatures]);
    let y = reshape(matmul3(reshape(x, [1, rows, this.inFeatures]), w, false, true), [...lead, this.outFeatures]);
    if (this.bias) y = add(y, this.bias);
    return y;
  }
}
