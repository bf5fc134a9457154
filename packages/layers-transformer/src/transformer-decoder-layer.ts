/**
 * The Transformer decoder layer.
 *
 * @module
 */
import { add, nn, transpose, type Tensor } from '@profundo/core';
import { LayerNorm } from './layer-norm.js';
import { MultiheadAttention, checkAttentionInputs } from './multihead-attention.js';
import { feedForward, layerSettings, type TransformerLayerOptions } from './transformer-encoder-layer.js';

/**
 * One decoder layer of the Transformer, as PyTorch's `nn.TransformerDecoderLayer` with
 * `batch_first=True`: masked self-attention, attention to the encoder's output (`memory`) and
 * a feed-forward block, each with dropout, a residual connection and LayerNorm (post-norm by
 * default, pre-norm with `normFirst`).
 *
 * State-dict keys match PyTorch's: `self_attn.*`, `multihead_attn.*` (each
 * `in_proj_weight`, `in_proj_bias`, `out_proj.weight`, `out_proj.bias`), `linear1.*`,
 * `linear2.*`, `norm1.*`, `norm2.*`, `norm3.*` (`weight`, `bias`).
 *
 * @example
 * ```ts
 * const layer = new TransformerDecoderLayer(64, 4, { dimFeedforward: 256 });
 * const memory = randn([2, 9, 64]); // the encoder's output
 * layer.forward(randn([2, 7, 64]), memory, causalMask(7)).shape; // [2, 7, 64]
 * ```
 */
export class TransformerDecoderLayer extends nn.Module {
  /** Self-attention over the target. State-dict prefix `self_attn.`. */
  readonly self_attn: MultiheadAttention;
  /** Attention from the target to the memory. State-dict prefix `multihead_attn.`. */
  readonly multihead_attn: MultiheadAttention;
  /** First feed-forward projection. */
  readonly linear1: nn.Linear;
  /** Dropout inside the feed-forward block. */
  readonly dropout: nn.Dropout;
  /** Second feed-forward projection. */
  readonly linear2: nn.Linear;
  /** LayerNorm of the self-attention block. */
  readonly norm1: LayerNorm;
  /** LayerNorm of the memory-attention block. */
  readonly norm2: LayerNorm;
  /** LayerNorm of the feed-forward block. */
  readonly norm3: LayerNorm;
  /** Dropout on the self-attention block's output. */
  readonly dropout1: nn.Dropout;
  /** Dropout on the memory-attention block's output. */
  readonly dropout2: nn.Dropout;
  /** Dropout on the feed-forward block's output. */
  readonly dropout3: nn.Dropout;
  /** The feed-forward activation. */
  readonly activation: 'relu' | 'gelu';
  /** Whether LayerNorm comes before each block. */
  readonly normFirst: boolean;
  /** Whether inputs are `[N, T, dModel]` (true) or `[T, N, dModel]`. */
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
    const s = layerSettings('TransformerDecoderLayer', dModel, nhead, options);
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: s.dropout, bias: s.bias });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout: s.dropout, bias: s.bias });
    this.linear1 = new nn.Linear(dModel, s.dimFeedforward, { bias: s.bias });
    this.dropout = new nn.Dropout(s.dropout);
    this.linear2 = new nn.Linear(s.dimFeedforward, dModel, { bias: s.bias });
    this.norm1 = new LayerNorm(dModel, { eps: s.layerNormEps, bias: s.bias });
    this.norm2 = new LayerNorm(dModel, { eps: s.layerNormEps, bias: s.bias });
    this.norm3 = new LayerNorm(dModel, { eps: s.layerNormEps, bias: s.bias });
    this.dropout1 = new nn.Dropout(s.dropout);
    this.dropout2 = new nn.Dropout(s.dropout);
    this.dropout3 = new nn.Dropout(s.dropout);
    this.activation = s.activation;
    this.normFirst = s.normFirst;
    this.batchFirst = s.batchFirst;
  }

  /** Alias of `self_attn`. */
  get selfAttn(): MultiheadAttention {
    return this.self_attn;
  }

  /** Alias of `multihead_attn`. */
  get multiheadAttn(): MultiheadAttention {
    return this.multihead_attn;
  }

  /**
   * Decodes `tgt` `[N, T, dModel]` attending to `memory` `[N, S, dModel]`; returns
   * `[N, T, dModel]`. Masks are positional, in PyTorch's order (`undefined` skips one).
   *
   * @param tgtMask `[T, T]` self-attention mask, bool (true = masked) or additive float; usually {@link causalMask}.
   * @param memoryMask `[T, S]` mask on the attention to the memory.
   * @param tgtKeyPaddingMask `[N, T]` bool, true at padding positions of `tgt`.
   * @param memoryKeyPaddingMask `[N, S]` bool, true at padding positions of the memory (the source).
   */
  forward(tgt: Tensor, memory: Tensor, tgtMask?: Tensor, memoryMask?: Tensor, tgtKeyPaddingMask?: Tensor, memoryKeyPaddingMask?: Tensor): Tensor {
    return this.run(tgt, memory, { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask }, false).output;
  }

  /**
   * As {@link TransformerDecoderLayer.forward}, also returning the attention weights of every
   * head (post-softmax, before attention dropout; each row sums to 1): the self-attention's
   * `selfAttn` `[N, nhead, T, T]` and the attention to the memory's `crossAttn` `[N, nhead, T, S]`.
   *
   * @example
   * ```ts
   * const layer = new TransformerDecoderLayer(16, 4, { dimFeedforward: 32 });
   * const memory = randn([2, 6, 16]);
   * const [out, { selfAttn, crossAttn }] = layer.forwardWithWeights(randn([2, 3, 16]), memory, causalMask(3));
   * out.shape;       // [2, 3, 16]
   * selfAttn.shape;  // [2, 4, 3, 3]
   * crossAttn.shape; // [2, 4, 3, 6]
   * ```
   */
  forwardWithWeights(
    tgt: Tensor,
    memory: Tensor,
    tgtMask?: Tensor,
    memoryMask?: Tensor,
    tgtKeyPaddingMask?: Tensor,
    memoryKeyPaddingMask?: Tensor,
  ): [output: Tensor, weights: { selfAttn: Tensor; crossAttn: Tensor }] {
    const { output, selfAttn, crossAttn } = this.run(tgt, memory, { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask }, true);
    return [output, { selfAttn: selfAttn!, crossAttn: crossAttn! }];
  }

  private run(
    tgt: Tensor,
    memory: Tensor,
    masks: { tgtMask?: Tensor; memoryMask?: Tensor; tgtKeyPaddingMask?: Tensor; memoryKeyPaddingMask?: Tensor },
    needWeights: boolean,
  ): { output: Tensor; selfAttn?: Tensor; crossAttn?: Tensor } {
    const { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask } = masks;
    // Sequence-first inputs are computed batch-first and the output moved back.
    const seq = !this.batchFirst && tgt.rank === 3 && memory.rank === 3;
    if (seq) {
      tgt = transpose(tgt, 0, 1);
      memory = transpose(memory, 0, 1);
    }
    checkDecoderInputs(this, tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
    let selfAttn: Tensor | undefined;
    let crossAttn: Tensor | undefined;
    const sa = (x: Tensor): Tensor => {
      if (!needWeights) return this.dropout1.forward(this.self_attn.forward(x, x, x, tgtMask, tgtKeyPaddingMask));
      const [out, w] = this.self_attn.forwardWithWeights(x, x, x, { attnMask: tgtMask, keyPaddingMask: tgtKeyPaddingMask, averageAttnWeights: false });
      selfAttn = w;
      return this.dropout1.forward(out);
    };
    const ma = (x: Tensor): Tensor => {
      if (!needWeights) return this.dropout2.forward(this.multihead_attn.forward(x, memory, memory, memoryMask, memoryKeyPaddingMask));
      const [out, w] = this.multihead_attn.forwardWithWeights(x, memory, memory, {
        attnMask: memoryMask,
        keyPaddingMask: memoryKeyPaddingMask,
        averageAttnWeights: false,
      });
      crossAttn = w;
      return this.dropout2.forward(out);
    };
    const ff = (x: Tensor): Tensor => this.dropout3.forward(feedForward(x, this.linear1, this.linear2, this.dropout, this.activation));
    let x = tgt;
    if (this.normFirst) {
      x = add(x, sa(this.norm1.forward(x)));
      x = add(x, ma(this.norm2.forward(x)));
      x = add(x, ff(this.norm3.forward(x)));
    } else {
      x = this.norm1.forward(add(x, sa(x)));
      x = this.norm2.forward(add(x, ma(x)));
      x = this.norm3.forward(add(x, ff(x)));
    }
    return { output: seq ? transpose(x, 0, 1) : x, selfAttn, crossAttn };
  }
}

/**
 * @internal Checks both attentions' inputs and masks of a decoder layer (the memory
 * attention's queries have `tgt`'s shape) before anything is computed.
 */
export function checkDecoderInputs(
  layer: TransformerDecoderLayer,
  tgt: Tensor,
  memory: Tensor,
  tgtMask?: Tensor,
  memoryMask?: Tensor,
  tgtKeyPaddingMask?: Tensor,
  memoryKeyPaddingMask?: Tensor,
): void {
  checkAttentionInputs(layer.self_attn, tgt, tgt, tgt, { attnMask: tgtMask, keyPaddingMask: tgtKeyPaddingMask });
  checkAttentionInputs(layer.multihead_attn, tgt, memory, memory, { attnMask: memoryMask, keyPaddingMask: memoryKeyPaddingMask });
}
