/**
 * The embedding lookup table.
 *
 * @module
 */
import { DTypeError, DisposedError, ProfundoError, ValueError, arange, eq, indexSelect, nn, noGrad, reshape, tidy, unsqueeze, where, zeros, type Tensor } from '@profundo/core';

/** Options of {@link Embedding}; as PyTorch's `nn.Embedding`. */
export interface EmbeddingOptions {
  /**
   * Index of a padding token (negative counts from the end): its row starts at zero and gets
   * no gradient, so it stays the same during training.
   */
  paddingIdx?: number;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`, as PyTorch's
 * `nn.Embedding`: `forward(indices)` maps int32 indices of any shape `[...]` to
 * `[..., embeddingDim]`. The gradient reaches only the rows that were looked up (summed over
 * repeats). `weight` is drawn from N(0, 1) (PyTorch's default) with the seeded generator; the
 * `paddingIdx` row starts at zero and never receives gradient. State-dict key: `weight`.
 *
 * @example
 * ```ts
 * const emb = new Embedding(10, 4, { paddingIdx: 0 });
 * const ids = tensor([[1, 2, 0], [3, 0, 0]], { dtype: 'int32' });
 * emb.forward(ids).shape; // [2, 3, 4]
 * ```
 */
export class Embedding extends nn.Module {
  /** The table, shape `[numEmbeddings, embeddingDim]`. */
  readonly weight: nn.Parameter;
  /** The padding index (normalized to be non-negative), or null. */
  readonly paddingIdx: number | null;

  /**
   * @param numEmbeddings size of the vocabulary.
   * @param embeddingDim size of each vector.
   */
  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    if (!Number.isInteger(numEmbeddings) || numEmbeddings <= 0 || !Number.isInteger(embeddingDim) || embeddingDim <= 0) {
      throw new ValueError('Embedding', `numEmbeddings and embeddingDim must be positive integers, got ${numEmbeddings} and ${embeddingDim}`);
    }
    let pad: number | null = null;
    if (options.paddingIdx !== undefined) {
      const p = options.paddingIdx;
      if (!Number.isInteger(p) || p >= numEmbeddings || p < -numEmbeddings) {
        throw new ValueError('Embedding', `paddingIdx must be an integer in [-${numEmbeddings}, ${numEmbeddings}), got ${p}`);
      }
      pad = p < 0 ? p + numEmbeddings : p;
    }
    this.paddingIdx = pad;
    // tidy frees the initial tensors, so the parameter holds the only reference to its storage.
    this.weight = tidy(() => {
      const w = new nn.Parameter(nn.init.normal(zeros([numEmbeddings, embeddingDim])));
      if (pad !== null) {
        noGrad(() => {
          const row = eq(reshape(arange(0, numEmbeddings, 1, { dtype: 'int32' }), [numEmbeddings, 1]), pad);
          w.assign(where(row, 0, w));
        });
      }
      return w;
    });
  }

  /** Looks up int32 `indices` of any shape; returns `[...indices.shape, embeddingDim]`. */
  forward(indices: Tensor): Tensor {
    if (indices.isDisposed) throw new DisposedError('Embedding', `indices (shape [${indices.shape}]) were already disposed`);
    if (indices.dtype !== 'int32') {
      throw new DTypeError('Embedding', `indices must be int32, got ${indices.dtype}`);
    }
    const flat = reshape(indices, [indices.size]);
    let rows: Tensor;
    try {
      rows = indexSelect(this.weight, 0, flat);
    } catch (e) {
      flat.dispose();
      // An index out of the table (or ids on another backend) is the caller's mistake: say so
      // under this layer's name, keeping the error's class.
      if (e instanceof ProfundoError && e.op === 'indexSelect') {
        const Type = e.constructor as new (op: string, message: string) => ProfundoError;
        const note = e instanceof ValueError ? ` (numEmbeddings ${this.numEmbeddings})` : '';
        throw new Type('Embedding', `${e.message.slice(e.op.length + 2)}${note}`);
      }
      throw e;
    }
    let out = reshape(rows, [...indices.shape, this.embeddingDim]);
    if (this.paddingIdx !== null) {
      // Padding positions keep the row's value but pass no gradient.
      out = where(unsqueeze(eq(indices, this.paddingIdx), -1), out.detach(), out);
    }
    return out;
  }
}
