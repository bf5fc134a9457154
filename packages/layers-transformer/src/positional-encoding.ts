/**
 * Positional encodings: fixed sinusoidal and learned.
 *
 * @module
 */
import { ShapeError, ValueError, add, keep, narrow, nn, tensor, tidy, zeros, type Tensor } from '@profundo/core';

/**
 * The fixed sinusoidal position table of Vaswani et al. (2017), shape `[length, dim]`:
 * `PE[pos, 2i] = sin(pos / 10000^(2i/dim))`, `PE[pos, 2i+1] = cos(pos / 10000^(2i/dim))`.
 * Computed in float64 on the host, stored as float32. An odd `dim` ends with a sine column.
 *
 * @example
 * ```ts
 * const pe = sinusoidalPositionalEncoding(50, 16);
 * pe.shape;                          // [50, 16]
 * (await pe.data()).slice(0, 4);     // [0, 1, 0, 1] (row 0: sin 0, cos 0, …)
 * ```
 */
export function sinusoidalPositionalEncoding(length: number, dim: number): Tensor {
  if (!Number.isInteger(length) || length < 0 || !Number.isInteger(dim) || dim <= 0) {
    throw new ValueError('sinusoidalPositionalEncoding', `length must be a non-negative and dim a positive integer, got ${length} and ${dim}`);
  }
  const pe = new Float32Array(length * dim);
  for (let pos = 0; pos < length; pos++) {
    for (let j = 0; j < dim; j += 2) {
      const angle = pos / Math.pow(10000, j / dim);
      pe[pos * dim + j] = Math.sin(angle);
      if (j + 1 < dim) pe[pos * dim + j + 1] = Math.cos(angle);
    }
  }
  return tensor(pe, { shape: [length, dim] });
}

/** Options of {@link PositionalEncoding}. */
export interface PositionalEncodingOptions {
  /** Dropout probability applied after adding the encoding (default 0.1, as in the PyTorch tutorial). */
  dropout?: number;
  /** Longest sequence supported (default 5000). */
  maxLen?: number;
}

/**
 * Adds the fixed {@link sinusoidalPositionalEncoding} to batch-first inputs `[N, L, dModel]`
 * (or `[L, dModel]`) and applies dropout. The table is a constant, not a parameter or buffer,
 * so the module has no state-dict entries.
 *
 * @example
 * ```ts
 * const embedding = new Embedding(100, 64);
 * const ids = tensor([[5, 8, 2]], { dtype: 'int32' });
 * const pos = new PositionalEncoding(64, { dropout: 0.1 });
 * pos.forward(embedding.forward(ids).mul(Math.sqrt(64))).shape; // [1, 3, 64]
 * ```
 */
export class PositionalEncoding extends nn.Module {
  /** The table `[maxLen, dModel]`. */
  readonly pe: Tensor;
  /** The dropout after the addition. */
  readonly dropout: nn.Dropout;
  /** Longest sequence supported. */
  readonly maxLen: number;

  /** @param dModel size of each position's vector. */
  constructor(
    readonly dModel: number,
    options: PositionalEncodingOptions = {},
  ) {
    super();
    this.maxLen = options.maxLen ?? 5000;
    const p = options.dropout ?? 0.1;
    // Every option is checked before the table is made, so a bad one leaves nothing behind.
    checkSizes('PositionalEncoding', this.maxLen, dModel);
    if (!(p >= 0 && p <= 1)) throw new ValueError('PositionalEncoding', `dropout must be in [0, 1], got ${p}`);
    this.pe = keep(sinusoidalPositionalEncoding(this.maxLen, dModel));
    this.dropout = new nn.Dropout(p);
  }

  /** Returns `dropout(x + PE[:L])` for `x` of shape `[N, L, dModel]` or `[L, dModel]`. */
  forward(x: Tensor): Tensor {
    return this.dropout.forward(add(x, positions('PositionalEncoding', this.pe, x, this.maxLen, this.dModel)));
  }
}

/**
 * A learned table of position vectors, `weight` `[maxLen, dModel]` drawn from N(0, 1) as an
 * `nn.Embedding` is; `forward(x)` adds its first `L` rows to `x` of shape `[N, L, dModel]`
 * (or `[L, dModel]`), as BERT and GPT-2 do. State-dict key: `weight`.
 *
 * @example
 * ```ts
 * const pos = new LearnedPositionalEmbedding(128, 64);
 * const tokens = randn([2, 10, 64]); // [N, L ≤ 128, 64]
 * pos.forward(tokens).shape;         // [2, 10, 64] (tokens + weight[:10])
 * ```
 */
export class LearnedPositionalEmbedding extends nn.Module {
  /** The position table `[maxLen, dModel]`. */
  readonly weight: nn.Parameter;

  /**
   * @param maxLen longest sequence supported.
   * @param dModel size of each position's vector.
   */
  constructor(
    readonly maxLen: number,
    readonly dModel: number,
  ) {
    super();
    checkSizes('LearnedPositionalEmbedding', maxLen, dModel);
    // tidy frees the initial tensor, so the parameter holds the only reference to its storage.
    this.weight = tidy(() => new nn.Parameter(nn.init.normal(zeros([maxLen, dModel]))));
  }

  /** Returns `x + weight[:L]`. */
  forward(x: Tensor): Tensor {
    return add(x, positions('LearnedPositionalEmbedding', this.weight, x, this.maxLen, this.dModel));
  }
}

/** Checks a positional table's size: `maxLen` and `dModel` positive integers. */
function checkSizes(op: string, maxLen: number, dModel: number): void {
  for (const [what, n] of [['maxLen', maxLen], ['dModel', dModel]] as const) {
    if (!Number.isInteger(n) || n <= 0) throw new ValueError(op, `${what} must be a positive integer, got ${n}`);
  }
}

function positions(op: string, table: Tensor, x: Tensor, maxLen: number, dModel: number): Tensor {
  nn.expectLive(op, x);
  nn.expectFloat(op, x);
  nn.expectOneBackend(op, [['the input', x], ['the table', table]]);
  if ((x.rank !== 2 && x.rank !== 3) || x.shape[x.rank - 1] !== dModel) {
    throw new ShapeError(op, `expected input [N, L, ${dModel}] or [L, ${dModel}], got [${x.shape}]`);
  }
  const length = x.shape[x.rank - 2]!;
  if (length > maxLen) throw new ShapeError(op, `sequence length ${length} exceeds maxLen ${maxLen}`);
  return narrow(table, 0, 0, length);
}
