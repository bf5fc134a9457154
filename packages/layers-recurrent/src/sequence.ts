/**
 * Batching sequences of unequal length.
 *
 * @module
 */
import { DTypeError, ShapeError, ValueError, nn, onesLike, pad, reshape, stack, type Tensor } from '@profundo/core';

/** Options of {@link padSequence}; defaults as in PyTorch's `pad_sequence`. */
export interface PadSequenceOptions {
  /** Returns `[N, T, *]` instead of `[T, N, *]`, and the masks `[N, T]` instead of `[T, N]` (default false). */
  batchFirst?: boolean;
  /** What the padded steps hold (default 0). */
  paddingValue?: number;
}

/**
 * What {@link padSequence} returns.
 *
 * @example
 * ```ts
 * const batch: PaddedSequence = padSequence([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])]);
 * batch.padded.shape;     // [2, 2, 2]
 * batch.lengths;          // [1, 2]
 * batch.paddingMask;      // [[false, false], [true, false]]
 * ```
 */
export interface PaddedSequence {
  /** The sequences padded to the longest, `[T, N, *]` (batch-first: `[N, T, *]`), same dtype as the inputs. */
  padded: Tensor;
  /** Each sequence's length, in input order. */
  lengths: number[];
  /** Bool, true at the real steps: `[T, N]` (batch-first: `[N, T]`). */
  mask: Tensor;
  /**
   * Bool, true at the padded steps: the complement of `mask`, in the convention of PyTorch's
   * `key_padding_mask` (with `batchFirst`, it is a `[N, T]` key-padding mask as it stands).
   */
  paddingMask: Tensor;
}

/**
 * Pads a list of sequences `[Lᵢ, *]` (the trailing dims equal) to the longest one and stacks
 * them, as PyTorch's `nn.utils.rnn.pad_sequence`, and returns their lengths and the masks of
 * the real and the padded steps. Every input must be live and on one backend; the outputs are
 * on that backend.
 *
 * @example
 * ```ts
 * const { padded, lengths, mask } = padSequence([tensor([1, 2, 3]), tensor([4])], { batchFirst: true });
 * padded;  // [[1, 2, 3], [4, 0, 0]]
 * lengths; // [3, 1]
 * mask;    // [[true, true, true], [true, false, false]]
 * ```
 */
export function padSequence(sequences: readonly Tensor[], options: PadSequenceOptions = {}): PaddedSequence {
  const op = 'padSequence';
  if (!Array.isArray(sequences) || sequences.length === 0) throw new ValueError(op, 'needs a non-empty array of tensors');
  sequences.forEach((s, i) => nn.expectLive(op, s, `sequence ${i}`));
  const paddingValue = options.paddingValue ?? 0;
  if (typeof paddingValue !== 'number' || Number.isNaN(paddingValue)) throw new ValueError(op, `paddingValue must be a number, got ${String(paddingValue)}`);
  const first = sequences[0]!;
  if (first.rank === 0) throw new ShapeError(op, 'sequence 0 is a scalar; sequences need a leading time dim');
  const trailing = first.shape.slice(1);
  sequences.forEach((s, i) => {
    if (s.rank === 0 || s.shape.slice(1).join() !== trailing.join()) {
      throw new ShapeError(op, `every sequence must be [L, ${trailing}] like sequence 0 [${first.shape}], sequence ${i} is [${s.shape}]`);
    }
    if (s.dtype !== first.dtype) throw new DTypeError(op, `sequence ${i} is ${s.dtype}, sequence 0 ${first.dtype}`);
    if (s.shape[0] === 0) throw new ShapeError(op, `sequence ${i} is empty: [${s.shape}]`);
  });
  nn.expectOneBackend(op, sequences.map((s, i) => [`sequence ${i}`, s] as const));
  const lengths = sequences.map((s) => s.shape[0]!);
  const T = Math.max(...lengths);
  const dim = options.batchFirst ? 0 : 1;
  const padTo = (s: Tensor): Tensor => {
    const pads = s.shape.map((_: number, d: number): [number, number] => [0, d === 0 ? T - s.shape[0]! : 0]);
    return s.shape[0] === T ? s : pad(s, pads, paddingValue);
  };
  const padded = stack(sequences.map(padTo), dim);
  // The masks are made on the sequences' backend from the sequences themselves.
  const steps = (s: Tensor, value: 0 | 1): Tensor => {
    const col = reshape(s, [s.shape[0]!, -1]).narrow(1, 0, 1).reshape([s.shape[0]!]);
    const ones = onesLike(col, { dtype: 'bool' });
    const real = value === 1 ? ones : ones.eq(0);
    return s.shape[0] === T ? real : pad(real, [[0, T - s.shape[0]!]], 1 - value);
  };
  const mask = stack(sequences.map((s) => steps(s, 1)), dim);
  const paddingMask = stack(sequences.map((s) => steps(s, 0)), dim);
  return { padded, lengths, mask, paddingMask };
}
