/**
 * The Transformer encoder layer.
 *
 * @module
 */
import { ValueError, add, gelu, nn, relu, transpose, type Tensor } from '@profundo/core';
import { LayerNorm } from './layer-norm.js';
import { MultiheadAttention, checkAttentionInputs } from './multihead-attention.js';

/** Options shared by the encoder and decoder layers; defaults as in PyTorch. */
export interface TransformerLayerOptions {
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout probability everywhere in the layer (default 0.1). */
  dropout?: number;
  /** Activation of the feed-forward block (default `'relu'`). */
  activation?: 'relu' | 'gelu';
  /** LayerNorm epsilon (default 1e-5). */
  layerNormEps?: number;
  /** Normalize before each block (pre-norm) instead of after the residual addition (default false: post-norm, PyTorch's default). */
  normFirst?: boolean;
  /** Whether the linear layers, attention projections and LayerNorms have biases (default true). */
  bias?: boolean;
  /**
   * Inputs and outputs `[N, L, dModel]` (default true) or sequence-first `[L, N, dModel]`
   * (false, PyTorch's default `batch_first=False`). Masks keep their shapes either way.
   */
  batchFirst?: boolean;
}

/** @internal Resolves the layer options. */
export function layerSettings(op: string, dModel: number, nhead: number, options: TransformerLayerOptions) {
  const s = {
    dimFeedforward: options.dimFeedforward ?? 2048,
    dropout: options.dropout ?? 0.1,
    activation: options.activation ?? 'relu',
    layerNormEps: options.layerNormEps ?? 1e-5,
    normFirst: options.normFirst ?? false,
    bias: options.bias ?? true,
    batchFirst: options.batchFirst ?? true,
  };
  if (typeof s.batchFirst !== 'boolean') throw new ValueError(op, `batchFirst must be a boolean, got ${String(s.batchFirst)}`);
  if (s.activation !== 'relu' && s.activation !== 'gelu') {
    throw new ValueError(op, `activation must be 'relu' or 'gelu', got '${String(s.activation)}'`);
  }
  if (!Number.isInteger(dModel) || dModel <= 0 || !Number.isInteger(nhead) || nhead <= 0) {
    throw new ValueError(op, `dModel and nhead must be positive integers, got ${dModel} and ${nhead}`);
  }
  // Checked here, before any layer is built, so a bad option leaves no parameters behind.
  if (dModel % nhead !== 0) throw new ValueError(op, `dModel (${dModel}) must be a multiple of nhead (${nhead})`);
  if (!Number.isInteger(s.dimFeedforward) || s.dimFeedforward <= 0) {
    throw new ValueError(op, `dimFeedforward must be a positive integer, got ${s.dimFeedforward}`);
  }
  if (!(s.dropout >= 0 && s.dropout <= 1)) throw new ValueError(op, `dropout must be in [0, 1], got ${s.dropout}`);
  if (!(s.layerNormEps >= 0)) throw new ValueError(op, `layerNormEps must be >= 0, got ${s.layerNormEps}`);
  return s;
}

/** @internal `linear2(dropout(activation(linear1(x))))`. */
export function feedForward(x: Tensor, linear1: nn.Linear, linear2: nn.Linear, dropout: nn.Dropout, activation: 'relu' | 'gelu'): Tensor {
  const h = linear1.forward(x);
  return linear2.forward(dropout.forward(activation === 'gelu' ? gelu(h) : relu(h)));
}

/**
 * One encoder layer of the Transformer, as PyTorch's `nn.TransformerEncoderLayer` with
 * `batch_first=True` (or `batchFirst: false` for `batch_first=False`): self-attention and a feed-forward block, each with dropout, a residual
 * connection and LayerNorm — after the residual by default (post-norm, `x = norm1(x + sa(x))`,
 * `x = norm2(x + ff(x))`), before the block with `normFirst`.
 *
 * State-dict keys match PyTorch's: `self_attn.in_proj_weight`, `self_attn.in_proj_bias`,
 * `self_attn.out_proj.weight`, `self_attn.out_proj.bias`, `linear1.weight`, `linear1.bias`,
 * `linear2.weight`, `linear2.bias`, `norm1.weight`, `norm1.bias`, `norm2.weight`,
 * `norm2.bias` (the attention is the property `self_attn`, aliased as `selfAttn`).
 *
 * @example
 * ```ts
 * const layer = new TransformerEncoderLayer(64, 4, { dimFeedforward: 256, dropout: 0.1 });
 * // Sequence 0 has 10 tokens, sequence 1 has 6 and then padding (true: a padded key).
 * const padMask = ge(unsqueeze(arange(10), 0), tensor([[10], [6]])); // bool [2, 10]
 * layer.forward(randn([2, 10, 64]), undefined, padMask).shape; // [2, 10, 64]
 * ```
 */
export class TransformerEncoderLayer extends nn.Module {
  /** Self-attention. State-dict prefix `self_attn.`. */
  readonly self_attn: MultiheadAttention;
  /** First feed-forward projection `[dimFeedforward, dModel]`. */
  readonly linear1: nn.Linear;
  /** Dropout inside the feed-forward block. */
  readonly dropout: nn.Dropout;
  /** Second feed-forward projection `[dModel, dimFeedforward]`. */
  readonly linear2: nn.Linear;
  /** LayerNorm of the attention block. */
  readonly norm1: LayerNorm;
  /** LayerNorm of the feed-forward block. */
  readonly norm2: LayerNorm;
  /** Dropout on the attention block's output. */
  readonly dropout1: nn.Dropout;
  /** Dropout on the feed-forward block's output. */
  readonly dropout2: nn.Dropout;
  /** The feed-forward activation. */
  readonly activation: 'relu' | 'gelu';
  /** Whether LayerNorm comes before each block. */
  readonly normFirst: boolean;
  /** Whether inputs are `[N, S, dModel]` (true) or `[S, N, dModel]`. */
  readonly batchFirst: boolean;

  /**
   * @param dModel model width.
   * @param nhead number of attention heads.
   */
  constructor(
    readonly dModel: number,
    readonly nhead: number,
    options: TransformerLayerOptions = {},
  ) {
    super();
    const s = layerSettings('TransformerEncoderLayer', dModel, nhead, options);
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: s.dropout, bias: s.bias });
    this.linear1 = new nn.Linear(dModel, s.dimFeedforward, { bias: s.bias });
    this.dropout = new nn.Dropout(s.dropout);
    this.linear2 = new nn.Linear(s.dimFeedforward, dModel, { bias: s.bias });
    this.norm1 = new LayerNorm(dModel, { eps: s.layerNormEps, bias: s.bias });
    this.norm2 = new LayerNorm(dModel, { eps: s.layerNormEps, bias: s.bias });
    this.dropout1 = new nn.Dropout(s.dropout);
    this.dropout2 = new nn.Dropout(s.dropout);
    this.activation = s.activation;
    this.normFirst = s.normFirst;
    this.batchFirst = s.batchFirst;
  }

  /** Alias of `self_attn`. */
  get selfAttn(): MultiheadAttention {
    return this.self_attn;
  }

  /**
   * Encodes `src` `[N, S, dModel]`; returns `[N, S, dModel]`. Masks are positional, in
   * PyTorch's order (`undefined` skips one).
   *
   * @param srcMask `[S, S]` attention mask, bool (true = masked) or additive float.
   * @param srcKeyPaddingMask `[N, S]` bool, true at padding positions of `src`.
   */
  forward(src: Tensor, srcMask?: Tensor, srcKeyPaddingMask?: Tensor): Tensor {
    return this.run(src, srcMask, srcKeyPaddingMask, false).output;
  }

  /**
   * As {@link TransformerEncoderLayer.forward}, also returning the self-attention weights of
   * every head, `[N, nhead, S, S]` (post-softmax, before attention dropout; each row sums to 1).
   *
   * @example
   * ```ts
   * const layer = new TransformerEncoderLayer(16, 4, { dimFeedforward: 32 });
   * const [out, weights] = layer.forwardWithWeights(randn([2, 5, 16]));
   * out.shape;     // [2, 5, 16]
   * weights.shape; // [2, 4, 5, 5]
   * ```
   */
  forwardWithWeights(src: Tensor, srcMask?: Tensor, srcKeyPaddingMask?: Tensor): [output: Tensor, weights: Tensor] {
    const { output, weights } = this.run(src, srcMask, srcKeyPaddingMask, true);
    return [output, weights!];
  }

  private run(src: Tensor, srcMask: Tensor | undefined, srcKeyPaddingMask: Tensor | undefined, needWeights: boolean): { output: Tensor; weights?: Tensor } {
    // Sequence-first inputs are computed batch-first and the output moved back.
    const seq = !this.batchFirst && src.rank === 3;
    if (seq) src = transpose(src, 0, 1);
    checkAttentionInputs(this.self_attn, src, src, src, { attnMask: srcMask, keyPaddingMask: srcKeyPaddingMask });
    let weights: Tensor | undefined;
    const sa = (x: Tensor): Tensor => {
      if (!needWeights) return this.dropout1.forward(this.self_attn.forward(x, x, x, srcMask, srcKeyPaddingMask));
      const [out, w] = this.self_attn.forwardWithWeights(x, x, x, { attnMask: srcMask, keyPaddingMask: srcKeyPaddingMask, averageAttnWeights: false });
      weights = w;
      return this.dropout1.forward(out);
    };
    const ff = (x: Tensor): Tensor => this.dropout2.forward(feedForward(x, this.linear1, this.linear2, this.dropout, this.activation));
    let x = src;
    if (this.normFirst) {
      x = add(x, sa(this.norm1.forward(x)));
      x = add(x, ff(this.norm2.forward(x)));
    } else {
      x = this.norm1.forward(add(x, sa(x)));
      x = this.norm2.forward(add(x, ff(x)));
    }
    return { output: seq ? transpose(x, 0, 1) : x, weights };
  }
}

