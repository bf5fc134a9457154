/**
 * Encoder and decoder stacks and the encoder–decoder Transformer.
 *
 * @module
 */
import { ValueError, nn, transpose, type Tensor } from '@profundo/core';
import { LayerNorm } from './layer-norm.js';
import { TransformerDecoderLayer, checkDecoderInputs } from './transformer-decoder-layer.js';
import { TransformerEncoderLayer, layerSettings, type TransformerLayerOptions } from './transformer-encoder-layer.js';

/** Options of the {@link TransformerEncoder} and {@link TransformerDecoder} stacks. */
export interface TransformerStackOptions {
  /** A LayerNorm applied to the stack's output (PyTorch's `norm`), or none (default). */
  norm?: LayerNorm | null;
}


function checkCount(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(op, `numLayers must be a positive integer, got ${n}`);
}

/**
 * A stack of `numLayers` encoder layers, as PyTorch's `nn.TransformerEncoder`. PyTorch
 * deep-copies one layer; here `makeLayer` builds each one (so each has its own parameters).
 * State-dict keys: `layers.0.self_attn.in_proj_weight`, …, and `norm.weight` / `norm.bias`
 * with a `norm`.
 *
 * @example
 * ```ts
 * const encoder = new TransformerEncoder(() => new TransformerEncoderLayer(64, 4), 2, { norm: new LayerNorm(64) });
 * encoder.forward(randn([2, 10, 64])).shape; // [2, 10, 64]
 * ```
 */
export class TransformerEncoder extends nn.Module {
  /** The layers, in order. */
  readonly layers: TransformerEncoderLayer[];
  /** The final LayerNorm, or null. */
  readonly norm: LayerNorm | null;

  /**
   * @param makeLayer builds one layer; called `numLayers` times.
   * @param numLayers number of layers.
   */
  constructor(makeLayer: () => TransformerEncoderLayer, numLayers: number, options: TransformerStackOptions = {}) {
    super();
    checkCount('TransformerEncoder', numLayers);
    this.layers = Array.from({ length: numLayers }, () => makeLayer());
    this.norm = options.norm ?? null;
  }

  /**
   * Encodes `src` `[N, S, dModel]` through every layer; returns `[N, S, dModel]`.
   *
   * @param mask `[S, S]` attention mask, bool (true = masked) or additive float.
   * @param srcKeyPaddingMask `[N, S]` bool, true at padding positions.
   */
  forward(src: Tensor, mask?: Tensor, srcKeyPaddingMask?: Tensor): Tensor {
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, mask, srcKeyPaddingMask);
    return this.norm ? this.norm.forward(x) : x;
  }

  /**
   * As {@link TransformerEncoder.forward}, also returning each layer's self-attention weights
   * per head, `[N, nhead, S, S]`, in layer order.
   *
   * @example
   * ```ts
   * const encoder = new TransformerEncoder(() => new TransformerEncoderLayer(16, 2, { dimFeedforward: 32 }), 3);
   * const [out, weights] = encoder.forwardWithWeights(randn([1, 4, 16]));
   * weights.map((w) => w.shape); // [[1, 2, 4, 4], [1, 2, 4, 4], [1, 2, 4, 4]]
   * ```
   */
  forwardWithWeights(src: Tensor, mask?: Tensor, srcKeyPaddingMask?: Tensor): [output: Tensor, weights: Tensor[]] {
    let x = src;
    const weights: Tensor[] = [];
    for (const layer of this.layers) {
      const [y, w] = layer.forwardWithWeights(x, mask, srcKeyPaddingMask);
      x = y;
      weights.push(w);
    }
    return [this.norm ? this.norm.forward(x) : x, weights];
  }
}

/**
 * A stack of `numLayers` decoder layers, as PyTorch's `nn.TransformerDecoder`; `makeLayer`
 * builds each one. State-dict keys: `layers.0.self_attn.in_proj_weight`, …, `norm.weight`.
 *
 * @example
 * ```ts
 * const decoder = new TransformerDecoder(() => new TransformerDecoderLayer(64, 4), 2);
 * const tgt = randn([2, 7, 64]);    // embedded target tokens [N, T, 64]
 * const memory = randn([2, 9, 64]); // the encoder's output [N, S, 64]
 * decoder.forward(tgt, memory, causalMask(tgt.shape[1]!)).shape; // [2, 7, 64]
 * ```
 */
export class TransformerDecoder extends nn.Module {
  /** The layers, in order. */
  readonly layers: TransformerDecoderLayer[];
  /** The final LayerNorm, or null. */
  readonly norm: LayerNorm | null;

  /**
   * @param makeLayer builds one layer; called `numLayers` times.
   * @param numLayers number of layers.
   */
  constructor(makeLayer: () => TransformerDecoderLayer, numLayers: number, options: TransformerStackOptions = {}) {
    super();
    checkCount('TransformerDecoder', numLayers);
    this.layers = Array.from({ length: numLayers }, () => makeLayer());
    this.norm = options.norm ?? null;
  }

  /**
   * Decodes `tgt` `[N, T, dModel]` attending to `memory` `[N, S, dModel]`; returns
   * `[N, T, dModel]`. The masks are those of {@link TransformerDecoderLayer.forward}.
   */
  forward(tgt: Tensor, memory: Tensor, tgtMask?: Tensor, memoryMask?: Tensor, tgtKeyPaddingMask?: Tensor, memoryKeyPaddingMask?: Tensor): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = layer.forward(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
    return this.norm ? this.norm.forward(x) : x;
  }

  /**
   * As {@link TransformerDecoder.forward}, also returning each layer's attention weights per
   * head, in layer order: `selfAttn` `[N, nhead, T, T]` and `crossAttn` `[N, nhead, T, S]`.
   *
   * @example
   * ```ts
   * const decoder = new TransformerDecoder(() => new TransformerDecoderLayer(16, 2, { dimFeedforward: 32 }), 2);
   * const [out, { selfAttn, crossAttn }] = decoder.forwardWithWeights(randn([1, 3, 16]), randn([1, 5, 16]), causalMask(3));
   * selfAttn.map((w) => w.shape);  // [[1, 2, 3, 3], [1, 2, 3, 3]]
   * crossAttn.map((w) => w.shape); // [[1, 2, 3, 5], [1, 2, 3, 5]]
   * ```
   */
  forwardWithWeights(
    tgt: Tensor,
    memory: Tensor,
    tgtMask?: Tensor,
    memoryMask?: Tensor,
    tgtKeyPaddingMask?: Tensor,
    memoryKeyPaddingMask?: Tensor,
  ): [output: Tensor, weights: { selfAttn: Tensor[]; crossAttn: Tensor[] }] {
    let x = tgt;
    const selfAttn: Tensor[] = [];
    const crossAttn: Tensor[] = [];
    for (const layer of this.layers) {
      const [y, w] = layer.forwardWithWeights(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
      x = y;
      selfAttn.push(w.selfAttn);
      crossAttn.push(w.crossAttn);
    }
    return [this.norm ? this.norm.forward(x) : x, { selfAttn, crossAttn }];
  }
}

/** Options of {@link Transformer}; defaults as in PyTorch's `nn.Transformer`. */
export interface TransformerOptions extends TransformerLayerOptions {
  /** Model width (default 512). */
  dModel?: number;
  /** Number of attention heads (default 8). */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
}

/**
 * Masks of {@link Transformer.encode} / {@link Transformer.decode} (bool: true = masked; float: additive).
 *
 * @example
 * ```ts
 * const masks: TransformerMasks = {
 *   tgtMask: causalMask(7),                             // no attending to later target positions
 *   srcKeyPaddingMask: tensor([[false, false, true]]),  // the source's last token is padding
 * };
 * masks.memoryKeyPaddingMask = masks.srcKeyPaddingMask;
 * const model = new Transformer({ dModel: 32, nhead: 4, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64 });
 * const memory = model.encode(randn([1, 3, 32]), masks);
 * model.decode(randn([1, 7, 32]), memory, masks).shape; // [1, 7, 32]
 * ```
 */
export interface TransformerMasks {
  /** `[S, S]` encoder self-attention mask. */
  srcMask?: Tensor;
  /** `[T, T]` decoder self-attention mask; usually {@link causalMask}. */
  tgtMask?: Tensor;
  /** `[T, S]` mask on the decoder's attention to the memory. */
  memoryMask?: Tensor;
  /** `[N, S]` bool, true at padding positions of `src`. */
  srcKeyPaddingMask?: Tensor;
  /** `[N, T]` bool, true at padding positions of `tgt`. */
  tgtKeyPaddingMask?: Tensor;
  /** `[N, S]` bool, true at padding positions of the memory (usually `srcKeyPaddingMask`). */
  memoryKeyPaddingMask?: Tensor;
}

/**
 * The attention weights of every layer and head of an encoder–decoder forward, from
 * {@link Transformer.forwardWithAttention}: one tensor per layer, in layer order, each
 * post-softmax and before attention dropout (each row sums to 1 over the keys).
 *
 * @example
 * ```ts
 * const model = new Transformer({ dModel: 16, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 32 });
 * const { attention }: { attention: TransformerAttention } = model.forwardWithAttention(randn([1, 5, 16]), randn([1, 3, 16]), { tgtMask: causalMask(3) });
 * attention.encoder.length;        // 2
 * attention.decoderCross[0]!.shape; // [1, 2, 3, 5]
 * ```
 */
export interface TransformerAttention {
  /** Encoder self-attention, `[N, nhead, S, S]` per encoder layer. */
  encoder: Tensor[];
  /** Decoder self-attention, `[N, nhead, T, T]` per decoder layer. */
  decoderSelf: Tensor[];
  /** Decoder attention to the memory (cross-attention), `[N, nhead, T, S]` per decoder layer. */
  decoderCross: Tensor[];
}

/**
 * The encoder–decoder Transformer of Vaswani et al., as PyTorch's `nn.Transformer` with
 * `batch_first=True`: an encoder stack and a decoder stack, each ending in a LayerNorm.
 * It maps already-embedded sequences (`src` `[N, S, dModel]`, `tgt` `[N, T, dModel]`) to
 * `[N, T, dModel]`; token embeddings, positional encodings and the output projection are the
 * caller's, as in PyTorch. Every parameter of rank ≥ 2 is re-drawn Xavier-uniform, as
 * PyTorch's `_reset_parameters` does.
 *
 * State-dict keys match PyTorch's: `encoder.layers.{i}.…`, `encoder.norm.…`,
 * `decoder.layers.{i}.…`, `decoder.norm.…`.
 *
 * @example
 * ```ts
 * const model = new Transformer({ dModel: 64, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 128 });
 * const srcEmb = randn([2, 9, 64]); // embedded source tokens [N, S, 64]
 * const tgtEmb = randn([2, 7, 64]); // embedded target tokens [N, T, 64]
 * const out = model.forward(srcEmb, tgtEmb, undefined, causalMask(tgtEmb.shape[1]!)); // float32 [2, 7, 64]
 * model.decode(tgtEmb, model.encode(srcEmb), { tgtMask: causalMask(tgtEmb.shape[1]!) });   // the same
 * ```
 */
export class Transformer extends nn.Module {
  /** The encoder stack (with its final LayerNorm). */
  readonly encoder: TransformerEncoder;
  /** The decoder stack (with its final LayerNorm). */
  readonly decoder: TransformerDecoder;
  /** Model width. */
  readonly dModel: number;
  /** Number of attention heads. */
  readonly nhead: number;

  /** Builds the model with freshly initialized parameters. */
  constructor(options: TransformerOptions = {}) {
    super();
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, ...layer } = options;
    // Every option is checked before the first parameter is made.
    layerSettings('Transformer', dModel, nhead, layer);
    for (const [name, n] of [['numEncoderLayers', numEncoderLayers], ['numDecoderLayers', numDecoderLayers]] as const) {
      if (!Number.isInteger(n) || n < 1) throw new ValueError('Transformer', `${name} must be a positive integer, got ${n}`);
    }
    this.dModel = dModel;
    this.nhead = nhead;
    const norm = (): LayerNorm => new LayerNorm(dModel, { eps: layer.layerNormEps, bias: layer.bias });
    this.encoder = new TransformerEncoder(() => new TransformerEncoderLayer(dModel, nhead, layer), numEncoderLayers, { norm: norm() });
    this.decoder = new TransformerDecoder(() => new TransformerDecoderLayer(dModel, nhead, layer), numDecoderLayers, { norm: norm() });
    for (const p of this.parameters()) if (p.rank > 1) nn.init.xavierUniform(p);
  }

  /**
   * Runs the encoder on `src` and the decoder on `tgt`; returns `[N, T, dModel]`. Masks are
   * positional in PyTorch's order (`undefined` skips one); {@link Transformer.encode} and
   * {@link Transformer.decode} take them by name instead. See {@link TransformerMasks}.
   */
  forward(
    src: Tensor,
    tgt: Tensor,
    srcMask?: Tensor,
    tgtMask?: Tensor,
    memoryMask?: Tensor,
    srcKeyPaddingMask?: Tensor,
    tgtKeyPaddingMask?: Tensor,
    memoryKeyPaddingMask?: Tensor,
  ): Tensor {
    const masks = { srcMask, tgtMask, memoryMask, srcKeyPaddingMask, tgtKeyPaddingMask, memoryKeyPaddingMask };
    // The decoder's inputs are checked before the encoder runs (the memory has src's shape).
    const layer = this.decoder.layers[0]!;
    const asBatchFirst = (x: Tensor): Tensor => (!layer.batchFirst && x.rank === 3 && !x.isDisposed ? transpose(x, 0, 1) : x);
    checkDecoderInputs(layer, asBatchFirst(tgt), asBatchFirst(src), tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
    return this.decode(tgt, this.encode(src, masks), masks);
  }

  /**
   * As {@link Transformer.forward} (masks by name, as {@link Transformer.encode} and
   * {@link Transformer.decode} take them), also returning the attention weights of every layer
   * and head: see {@link TransformerAttention}. Call it in `eval()` mode for the weights that
   * inference uses.
   *
   * @example
   * ```ts
   * const model = new Transformer({ dModel: 32, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 64 });
   * model.eval();
   * const { output, attention } = model.forwardWithAttention(randn([2, 9, 32]), randn([2, 7, 32]), { tgtMask: causalMask(7) });
   * output.shape;                    // [2, 7, 32]
   * attention.encoder[1]!.shape;     // [2, 4, 9, 9]
   * attention.decoderSelf[0]!.shape; // [2, 4, 7, 7]
   * attention.decoderCross[0]!.shape; // [2, 4, 7, 9]
   * ```
   */
  forwardWithAttention(src: Tensor, tgt: Tensor, masks: TransformerMasks = {}): { output: Tensor; attention: TransformerAttention } {
    const { srcMask, tgtMask, memoryMask, srcKeyPaddingMask, tgtKeyPaddingMask, memoryKeyPaddingMask } = masks;
    const layer = this.decoder.layers[0]!;
    const asBatchFirst = (x: Tensor): Tensor => (!layer.batchFirst && x.rank === 3 && !x.isDisposed ? transpose(x, 0, 1) : x);
    checkDecoderInputs(layer, asBatchFirst(tgt), asBatchFirst(src), tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
    const [memory, encoder] = this.encoder.forwardWithWeights(src, srcMask, srcKeyPaddingMask);
    const [output, { selfAttn, crossAttn }] = this.decoder.forwardWithWeights(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
    return { output, attention: { encoder, decoderSelf: selfAttn, decoderCross: crossAttn } };
  }

  /** The encoder alone: `src` `[N, S, dModel]` → memory `[N, S, dModel]`. */
  encode(src: Tensor, masks: Pick<TransformerMasks, 'srcMask' | 'srcKeyPaddingMask'> = {}): Tensor {
    return this.encoder.forward(src, masks.srcMask, masks.srcKeyPaddingMask);
  }

  /** The decoder alone: `tgt` `[N, T, dModel]` attending to `memory` → `[N, T, dModel]`. */
  decode(tgt: Tensor, memory: Tensor, masks: Omit<TransformerMasks, 'srcMask' | 'srcKeyPaddingMask'> = {}): Tensor {
    return this.decoder.forward(tgt, memory, masks.tgtMask, masks.memoryMask, masks.tgtKeyPaddingMask, masks.memoryKeyPaddingMask);
  }
}
