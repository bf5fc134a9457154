/**
 * `@profundo/layers-transformer`: token embeddings, positional encodings, LayerNorm,
 * multi-head attention with masks, Transformer encoder / decoder layers and stacks, the
 * encoder–decoder Transformer (with every layer's and head's attention weights on request), greedy and
 * beam-search decoding, with PyTorch's batch-first layout,
 * defaults, initialization and state-dict keys.
 *
 * @example
 * ```ts
 * import { randn, registerBackend, setBackend } from '@profundo/core';
 * import { createCpuBackend } from '@profundo/backend-cpu';
 * import { MultiheadAttention, TransformerEncoderLayer, causalMask } from '@profundo/layers-transformer';
 *
 * registerBackend('cpu', createCpuBackend);
 * await setBackend('cpu');
 * const x = randn([2, 10, 64]);
 * new MultiheadAttention(64, 8).forward(x, x, x, causalMask(10)).shape;          // [2, 10, 64]
 * new TransformerEncoderLayer(64, 8, { dimFeedforward: 256 }).forward(x).shape;      // [2, 10, 64]
 * ```
 *
 * @packageDocumentation
 */
export { Embedding, type EmbeddingOptions } from './embedding.js';
export {
  sinusoidalPositionalEncoding,
  PositionalEncoding,
  LearnedPositionalEmbedding,
  type PositionalEncodingOptions,
} from './positional-encoding.js';
export { LayerNorm, type LayerNormOptions } from './layer-norm.js';
export { scaledDotProductAttention, causalMask, type AttentionOptions } from './attention.js';
export {
  MultiheadAttention,
  type MultiheadAttentionOptions,
  type MultiheadAttentionForwardOptions,
  type MultiheadAttentionWeightsOptions,
} from './multihead-attention.js';
export {
  TransformerEncoderLayer,
  type TransformerLayerOptions,
} from './transformer-encoder-layer.js';
export { TransformerDecoderLayer } from './transformer-decoder-layer.js';
export {
  TransformerEncoder,
  TransformerDecoder,
  Transformer,
  type TransformerStackOptions,
  type TransformerOptions,
  type TransformerMasks,
  type TransformerAttention,
} from './transformer.js';
export { greedyDecode, type GreedyDecodeOptions, type Seq2SeqModel } from './greedy-decode.js';
export { beamSearch, type BeamSearchOptions } from './beam-search.js';
