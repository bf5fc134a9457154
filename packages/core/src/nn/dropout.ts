/**
 * Dropout: zeroing random activations during training, a regularizer against overfitting.
 *
 * @module
 */
import { DTypeError, ValueError } from '../errors.js';
import { randLike } from '../ops/creation.js';
import { cast } from '../ops/cast.js';
import { lt, mul } from '../ops/elementwise.js';
import type { Generator } from '../random.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/**
 * Inverted dropout: in training, zeroes each element with probability `p` and scales the rest
 * by `1 / (1 - p)`, so evaluation needs no rescaling. The mask comes from the seeded generator.
 *
 * @example
 * ```ts
 * const x = ones([2, 4]);
 * nn.dropout(x, 0.5);               // each element 0 or 2 (kept ones are scaled by 1 / (1 - p))
 * nn.dropout(x, 0.5, false) === x;  // true (evaluation: the input itself)
 * ```
 */
export function dropout(x: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  return dropoutAs('dropout', x, p, training, generator);
}

function dropoutAs(op: string, x: Tensor, p: number, training: boolean, generator?: Generator): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ValueError(op, `p must be in [0, 1], got ${p}`);
  x.info(op); // a disposed input fails here, named after the caller
  // Checked in evaluation too, where dropout is the identity, so a model fails the same way in both modes.
  if (x.dtype !== 'float32') throw new DTypeError(op, `input must be float32, got ${x.dtype} [${x.shape}]`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const keepMask = cast(lt(randLike(x, { generator }), 1 - p), 'float32');
  return mul(x, mul(keepMask, 1 / (1 - p)));
}

/**
 * Dropout as a module: active in `train()` mode, the identity in `eval()` mode.
 *
 * @example
 * ```ts
 * const mlp = new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(512, 10));
 * mlp.eval(); // Dropout is the identity from now on
 * ```
 */
export class Dropout extends Module {
  /** @param p probability of zeroing an element. */
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ValueError('Dropout', `p must be in [0, 1], got ${p}`);
  }

  /** Applies dropout when training (to float32 input). */
  forward(x: Tensor): Tensor {
    return dropoutAs('Dropout', x, this.p, this.training);
  }
}
