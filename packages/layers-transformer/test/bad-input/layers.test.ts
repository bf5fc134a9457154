/**
 * Bad input to the Transformer layers: constructor options, token ids out of the table or of the
 * wrong dtype, inputs of the wrong rank, size or dtype, masks that do not fit, disposed inputs,
 * inputs of another backend, NaN / Infinity options, and greedy decoding's options. A failed
 * call leaves the layer's parameters, its inputs and `memory()` unchanged. As the suite in
 * error-paths.test.ts, an error names the layer or function that received the bad value (an
 * encoder layer's bad mask is reported by its MultiheadAttention).
 */
import { BackendError, DTypeError, DisposedError, ShapeError, ValueError, tensor, type Tensor } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import {
  Embedding,
  LayerNorm,
  LearnedPositionalEmbedding,
  MultiheadAttention,
  PositionalEncoding,
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
  causalMask,
  greedyDecode,
  scaledDotProductAttention,
  sinusoidalPositionalEncoding,
} from '@profundo/layers-transformer';
import { runCases, useBackends, type BadInputCase } from './runner.js';

const onOther = useBackends('cpu', createCpuBackend);

const f32 = (shape: number[]): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, (_, i) => ((i * 7) % 11) / 10 - 0.5), { shape });
};
const i32 = (shape: number[], values?: number[]): Tensor =>
  tensor(Int32Array.from(values ?? new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(1)), { shape, dtype: 'int32' });
const bool = (shape: number[]): Tensor => tensor(new Uint8Array(shape.reduce((a, b) => a * b, 1)), { shape, dtype: 'bool' });
const disposed = (t: Tensor): Tensor => {
  t.dispose();
  return t;
};
const none = (): [] => [];
type Forward = { m: { forward(...x: Tensor[]): Tensor }; x: Tensor[] };
const layer = (m: () => Forward['m'], ...x: (() => Tensor)[]) => (): Forward => ({ m: m(), x: x.map((f) => f()) });
const fwd = ({ m, x }: Forward) => m.forward(...x);

const embeddings: BadInputCase[] = [
  { name: 'Embedding: numEmbeddings 0', make: none, call: () => new Embedding(0, 4), error: ValueError, op: 'Embedding', mentions: ['got 0'] },
  { name: 'Embedding: a fractional embeddingDim', make: none, call: () => new Embedding(5, 2.5), error: ValueError, op: 'Embedding', mentions: ['2.5'] },
  { name: 'Embedding: paddingIdx past the table', make: none, call: () => new Embedding(5, 4, { paddingIdx: 5 }), error: ValueError, op: 'Embedding', mentions: ['paddingIdx', 'got 5'] },
  { name: 'Embedding: a fractional paddingIdx', make: none, call: () => new Embedding(5, 4, { paddingIdx: 1.5 }), error: ValueError, op: 'Embedding', mentions: ['1.5'] },
  { name: 'Embedding: float32 ids', make: layer(() => new Embedding(5, 3), () => f32([2, 3])), call: fwd, error: DTypeError, op: 'Embedding', mentions: ['float32'] },
  { name: 'Embedding: bool ids', make: layer(() => new Embedding(5, 3), () => bool([4])), call: fwd, error: DTypeError, op: 'Embedding', mentions: ['bool'] },
  { name: 'Embedding: an id past the table in a 2-D batch', make: layer(() => new Embedding(5, 3, { paddingIdx: 0 }), () => i32([2, 2], [0, 1, 2, 5])), call: fwd, error: ValueError, op: 'Embedding', mentions: ['index 5', 'position 3'] },
  { name: 'Embedding: ids on another backend', make: async () => ({ m: new Embedding(5, 3), x: [await onOther(() => i32([2]))] }), call: fwd, error: BackendError, op: 'Embedding', mentions: ["'other'"] },
  { name: 'sinusoidalPositionalEncoding: a negative length', make: none, call: () => sinusoidalPositionalEncoding(-1, 4), error: ValueError, op: 'sinusoidalPositionalEncoding', mentions: ['-1'] },
  { name: 'sinusoidalPositionalEncoding: dim 0', make: none, call: () => sinusoidalPositionalEncoding(3, 0), error: ValueError, op: 'sinusoidalPositionalEncoding', mentions: ['3 and 0'] },
  { name: 'sinusoidalPositionalEncoding: a fractional length', make: none, call: () => sinusoidalPositionalEncoding(2.5, 4), error: ValueError, op: 'sinusoidalPositionalEncoding', mentions: ['2.5'] },
  { name: 'PositionalEncoding: dModel 0', make: none, call: () => new PositionalEncoding(0), error: ValueError, op: 'PositionalEncoding', mentions: ['dModel', 'got 0'] },
  { name: 'PositionalEncoding: maxLen -1', make: none, call: () => new PositionalEncoding(4, { maxLen: -1 }), error: ValueError, op: 'PositionalEncoding', mentions: ['maxLen', '-1'] },
  { name: 'PositionalEncoding: dropout 2 (no table left behind)', make: none, call: () => new PositionalEncoding(4, { maxLen: 8, dropout: 2 }), error: ValueError, op: 'PositionalEncoding', mentions: ['dropout', 'got 2'] },
  { name: 'PositionalEncoding: an int32 input', make: layer(() => new PositionalEncoding(4, { maxLen: 8 }), () => i32([2, 3, 4])), call: fwd, error: DTypeError, op: 'PositionalEncoding', mentions: ['int32'] },
  { name: 'PositionalEncoding: the wrong dModel', make: layer(() => new PositionalEncoding(4, { maxLen: 8 }), () => f32([2, 3, 5])), call: fwd, error: ShapeError, op: 'PositionalEncoding', mentions: ['[2,3,5]'] },
  { name: 'PositionalEncoding: a sequence longer than maxLen', make: layer(() => new PositionalEncoding(4, { maxLen: 8 }), () => f32([1, 9, 4])), call: fwd, error: ShapeError, op: 'PositionalEncoding', mentions: ['9', 'maxLen 8'] },
  { name: 'PositionalEncoding: a disposed input', make: layer(() => new PositionalEncoding(4, { maxLen: 8 }), () => disposed(f32([2, 3, 4]))), call: fwd, error: DisposedError, op: 'PositionalEncoding', mentions: ['[2,3,4]'] },
  { name: 'PositionalEncoding: an input on another backend', make: async () => ({ m: new PositionalEncoding(4, { maxLen: 8 }), x: [await onOther(() => f32([2, 3, 4]))] }), call: fwd, error: BackendError, op: 'PositionalEncoding', mentions: ["'other'"] },
  { name: 'LearnedPositionalEmbedding: maxLen 0', make: none, call: () => new LearnedPositionalEmbedding(0, 4), error: ValueError, op: 'LearnedPositionalEmbedding', mentions: ['maxLen', 'got 0'] },
  { name: 'LearnedPositionalEmbedding: a NaN dModel', make: none, call: () => new LearnedPositionalEmbedding(8, NaN), error: ValueError, op: 'LearnedPositionalEmbedding', mentions: ['NaN'] },
  { name: 'LearnedPositionalEmbedding: a rank-4 input', make: layer(() => new LearnedPositionalEmbedding(8, 4), () => f32([1, 2, 3, 4])), call: fwd, error: ShapeError, op: 'LearnedPositionalEmbedding', mentions: ['[1,2,3,4]'] },
  { name: 'LearnedPositionalEmbedding: a disposed input', make: layer(() => new LearnedPositionalEmbedding(8, 4), () => disposed(f32([3, 4]))), call: fwd, error: DisposedError, op: 'LearnedPositionalEmbedding', mentions: ['[3,4]'] },
];

const norms: BadInputCase[] = [
  { name: 'LayerNorm: normalizedShape 0', make: none, call: () => new LayerNorm(0), error: ShapeError, op: 'LayerNorm', mentions: ['[0]'] },
  { name: 'LayerNorm: an empty normalizedShape', make: none, call: () => new LayerNorm([]), error: ShapeError, op: 'LayerNorm', mentions: ['[]'] },
  { name: 'LayerNorm: eps -1', make: none, call: () => new LayerNorm(4, { eps: -1 }), error: ValueError, op: 'LayerNorm', mentions: ['eps', '-1'] },
  { name: 'LayerNorm: eps NaN', make: none, call: () => new LayerNorm(4, { eps: NaN }), error: ValueError, op: 'LayerNorm', mentions: ['NaN'] },
  { name: 'LayerNorm: a bool input', make: layer(() => new LayerNorm(4), () => bool([2, 4])), call: fwd, error: DTypeError, op: 'LayerNorm', mentions: ['bool'] },
  { name: 'LayerNorm: the wrong trailing shape', make: layer(() => new LayerNorm([3, 4]), () => f32([2, 4, 3])), call: fwd, error: ShapeError, op: 'LayerNorm', mentions: ['[2,4,3]'] },
  { name: 'LayerNorm: a disposed input', make: layer(() => new LayerNorm(4), () => disposed(f32([2, 4]))), call: fwd, error: DisposedError, op: 'LayerNorm', mentions: ['[2,4]'] },
  { name: 'LayerNorm: an input on another backend', make: async () => ({ m: new LayerNorm(4), x: [await onOther(() => f32([2, 4]))] }), call: fwd, error: BackendError, op: 'LayerNorm', mentions: ["'other'"] },
];

const q = (n = 2, l = 3, d = 4) => f32([n, l, d]);
const sdpa = (...t: Tensor[]) => t;
const attention: BadInputCase[] = [
  { name: 'causalMask: a negative length', make: none, call: () => causalMask(-1), error: ValueError, op: 'causalMask', mentions: ['-1'] },
  { name: 'causalMask: a fractional key length', make: none, call: () => causalMask(3, 2.5), error: ValueError, op: 'causalMask', mentions: ['2.5'] },
  { name: 'scaledDotProductAttention: a rank-1 query', make: () => sdpa(f32([4]), q(), q()), call: ([a, b, c]) => scaledDotProductAttention(a, b, c), error: ShapeError, op: 'scaledDotProductAttention', mentions: ['[4]'] },
  { name: 'scaledDotProductAttention: keys of another width', make: () => sdpa(q(), q(2, 3, 5), q()), call: ([a, b, c]) => scaledDotProductAttention(a, b, c), error: ShapeError, op: 'scaledDotProductAttention', mentions: ['[2,3,5]'] },
  { name: 'scaledDotProductAttention: values of another length', make: () => sdpa(q(), q(), q(2, 4, 4)), call: ([a, b, c]) => scaledDotProductAttention(a, b, c), error: ShapeError, op: 'scaledDotProductAttention', mentions: ['[2,4,4]'] },
  { name: 'scaledDotProductAttention: an int32 query', make: () => sdpa(i32([2, 3, 4]), q(), q()), call: ([a, b, c]) => scaledDotProductAttention(a, b, c), error: DTypeError, op: 'scaledDotProductAttention', mentions: ['int32'] },
  { name: 'scaledDotProductAttention: disposed keys', make: () => sdpa(q(), disposed(q()), q()), call: ([a, b, c]) => scaledDotProductAttention(a, b, c), error: DisposedError, op: 'scaledDotProductAttention', mentions: ['[2,3,4]'] },
  { name: 'scaledDotProductAttention: values on another backend', make: async () => sdpa(q(), q(), await onOther(() => q())), call: ([a, b, c]) => scaledDotProductAttention(a, b, c), error: BackendError, op: 'scaledDotProductAttention', mentions: ["'other'"] },
  { name: 'scaledDotProductAttention: a mask on another backend', make: async () => sdpa(q(), q(), q(), await onOther(() => bool([3, 3]))), call: ([a, b, c, m]) => scaledDotProductAttention(a, b, c, { mask: m }), error: BackendError, op: 'scaledDotProductAttention', mentions: ["'other'"] },
  { name: 'scaledDotProductAttention: dropout 2', make: () => sdpa(q(), q(), q()), call: ([a, b, c]) => scaledDotProductAttention(a, b, c, { dropout: 2 }), error: ValueError, op: 'scaledDotProductAttention', mentions: ['dropout', 'got 2'] },
  { name: 'scaledDotProductAttention: a NaN scale', make: () => sdpa(q(), q(), q()), call: ([a, b, c]) => scaledDotProductAttention(a, b, c, { scale: NaN }), error: ValueError, op: 'scaledDotProductAttention', mentions: ['scale', 'NaN'] },
  { name: 'MultiheadAttention: embedDim not a multiple of numHeads', make: none, call: () => new MultiheadAttention(5, 2), error: ValueError, op: 'MultiheadAttention', mentions: ['(5)', '(2)'] },
  { name: 'MultiheadAttention: dropout NaN', make: none, call: () => new MultiheadAttention(4, 2, { dropout: NaN }), error: ValueError, op: 'MultiheadAttention', mentions: ['NaN'] },
  { name: 'MultiheadAttention: a rank-2 query', make: layer(() => new MultiheadAttention(4, 2), () => f32([3, 4]), q, q), call: fwd, error: ShapeError, op: 'MultiheadAttention', mentions: ['[3,4]'] },
  { name: 'MultiheadAttention: keys of another width', make: layer(() => new MultiheadAttention(4, 2), q, () => q(2, 3, 6), () => q(2, 3, 6)), call: fwd, error: ShapeError, op: 'MultiheadAttention', mentions: ['[2,3,6]'] },
  { name: 'MultiheadAttention: an int32 value', make: layer(() => new MultiheadAttention(4, 2), q, q, () => i32([2, 3, 4])), call: fwd, error: DTypeError, op: 'MultiheadAttention', mentions: ['value', 'int32'] },
  { name: 'MultiheadAttention: keys of another batch size', make: layer(() => new MultiheadAttention(4, 2), q, () => q(3), () => q(3)), call: fwd, error: ShapeError, op: 'MultiheadAttention', mentions: ['[3,3,4]'] },
  { name: 'MultiheadAttention: a disposed key', make: layer(() => new MultiheadAttention(4, 2), q, () => disposed(q()), q), call: fwd, error: DisposedError, op: 'MultiheadAttention', mentions: ['key'] },
  { name: 'MultiheadAttention: a query on another backend', make: async () => ({ m: new MultiheadAttention(4, 2), x: [await onOther(() => q()), q(), q()] }), call: fwd, error: BackendError, op: 'MultiheadAttention', mentions: ["'other'"] },
  { name: 'MultiheadAttention: a 3-D attnMask for the wrong number of heads', make: layer(() => new MultiheadAttention(4, 2), q, q, q, () => bool([2, 3, 3])), call: fwd, error: ShapeError, op: 'MultiheadAttention', mentions: ['[2,3,3]'] },
  { name: 'MultiheadAttention: a keyPaddingMask on another backend', make: async () => ({ m: new MultiheadAttention(4, 2), x: [q(), q(), q(), undefined as never, await onOther(() => bool([2, 3]))] }), call: fwd, error: BackendError, op: 'MultiheadAttention', mentions: ["'other'"] },
];

const enc = () => new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 });
const dec = () => new TransformerDecoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 });
const model = () => new Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8, dropout: 0 });
const stacks: BadInputCase[] = [
  { name: 'TransformerEncoderLayer: nhead 0', make: none, call: () => new TransformerEncoderLayer(4, 0), error: ValueError, op: 'TransformerEncoderLayer', mentions: ['4 and 0'] },
  { name: "TransformerEncoderLayer: activation 'swish'", make: none, call: () => new TransformerEncoderLayer(4, 2, { activation: 'swish' as never }), error: ValueError, op: 'TransformerEncoderLayer', mentions: ["'swish'"] },
  { name: 'TransformerEncoderLayer: dropout NaN', make: none, call: () => new TransformerEncoderLayer(4, 2, { dropout: NaN }), error: ValueError, op: 'TransformerEncoderLayer', mentions: ['NaN'] },
  { name: 'TransformerEncoderLayer: layerNormEps -1 (nothing built)', make: none, call: () => new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, layerNormEps: -1 }), error: ValueError, op: 'TransformerEncoderLayer', mentions: ['layerNormEps', '-1'] },
  { name: 'TransformerEncoderLayer: a source of the wrong width', make: layer(enc, () => q(2, 3, 6)), call: fwd, error: ShapeError, op: 'MultiheadAttention', mentions: ['[2,3,6]'] },
  { name: 'TransformerEncoderLayer (normFirst): an int32 source', make: layer(() => new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, normFirst: true }), () => i32([2, 3, 4])), call: fwd, error: DTypeError, op: 'MultiheadAttention', mentions: ['int32'] },
  { name: 'TransformerDecoderLayer: dModel 4.5', make: none, call: () => new TransformerDecoderLayer(4.5, 2), error: ValueError, op: 'TransformerDecoderLayer', mentions: ['4.5'] },
  { name: 'TransformerDecoderLayer: memory of another width', make: layer(dec, q, () => q(2, 5, 6)), call: fwd, error: ShapeError, op: 'MultiheadAttention', mentions: ['[2,5,6]'] },
  { name: 'TransformerDecoderLayer: an int32 memory', make: layer(dec, q, () => i32([2, 5, 4])), call: fwd, error: DTypeError, op: 'MultiheadAttention', mentions: ['int32'] },
  { name: 'TransformerEncoder: numLayers 0', make: none, call: () => new TransformerEncoder(enc, 0), error: ValueError, op: 'TransformerEncoder', mentions: ['numLayers', 'got 0'] },
  { name: 'TransformerDecoder: a fractional numLayers', make: none, call: () => new TransformerDecoder(dec, 1.5), error: ValueError, op: 'TransformerDecoder', mentions: ['1.5'] },
  { name: 'TransformerEncoder: a bad mask in the second layer call (nothing left behind)', make: layer(() => new TransformerEncoder(enc, 2), q, () => f32([4, 4])), call: fwd, error: ShapeError, op: 'MultiheadAttention', mentions: ['[4,4]'] },
  { name: 'Transformer: dModel 0', make: none, call: () => new Transformer({ dModel: 0 }), error: ValueError, op: 'Transformer', mentions: ['0 and 8'] },
  { name: "Transformer: activation 'tanh'", make: none, call: () => new Transformer({ dModel: 4, nhead: 2, activation: 'tanh' as never }), error: ValueError, op: 'Transformer', mentions: ["'tanh'"] },
  { name: 'Transformer: a fractional numEncoderLayers', make: none, call: () => new Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1.5 }), error: ValueError, op: 'Transformer', mentions: ['1.5'] },
  { name: 'Transformer: layerNormEps NaN (nothing built)', make: none, call: () => new Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8, layerNormEps: NaN }), error: ValueError, op: 'Transformer', mentions: ['NaN'] },
  { name: 'Transformer.forward: source and target of two batch sizes', make: layer(model, () => q(2, 5), () => q(3, 3)), call: fwd, error: ShapeError, op: 'MultiheadAttention', mentions: ['[3,3,4]'] },
  { name: 'Transformer.forward: a target of the wrong width (encoder not run)', make: layer(model, () => q(2, 5), () => q(2, 3, 6)), call: fwd, error: ShapeError, op: 'MultiheadAttention', mentions: ['[2,3,6]'] },
  { name: 'Transformer.decode: a memory on another backend', make: async () => ({ m: model(), t: q(), mem: await onOther(() => q(2, 5)) }), call: ({ m, t, mem }) => m.decode(t, mem), error: BackendError, op: 'MultiheadAttention', mentions: ["'other'"] },
];

/** A toy seq2seq model: embeds ids, and decodes logits over `vocab` ids; `bad` returns logits of a wrong shape. */
function toy(vocab = 6, bad = false) {
  const emb = new Embedding(vocab, 4);
  const t = model();
  return {
    emb,
    t,
    encode: (src: Tensor) => t.encode(emb.forward(src)),
    decode: (tgt: Tensor, memory: Tensor) => {
      const h = t.decode(emb.forward(tgt), memory);
      return bad ? h.sum(-1) : h.matmul(emb.weight.transpose(0, 1));
    },
  };
}
const decoding: BadInputCase[] = [
  { name: 'greedyDecode: float32 source ids', make: () => ({ m: toy(), src: f32([2, 3]) }), call: ({ m, src }) => greedyDecode(m, src, { bos: 1, eos: 2, maxLength: 4 }), error: DTypeError, op: 'greedyDecode', mentions: ['float32'] },
  { name: 'greedyDecode: rank-1 source ids', make: () => ({ m: toy(), src: i32([3]) }), call: ({ m, src }) => greedyDecode(m, src, { bos: 1, eos: 2, maxLength: 4 }), error: ShapeError, op: 'greedyDecode', mentions: ['[3]'] },
  { name: 'greedyDecode: maxLength 0', make: () => ({ m: toy(), src: i32([2, 3]) }), call: ({ m, src }) => greedyDecode(m, src, { bos: 1, eos: 2, maxLength: 0 }), error: ValueError, op: 'greedyDecode', mentions: ['maxLength', 'got 0'] },
  { name: 'greedyDecode: a fractional bos', make: () => ({ m: toy(), src: i32([2, 3]) }), call: ({ m, src }) => greedyDecode(m, src, { bos: 1.5, eos: 2, maxLength: 4 }), error: ValueError, op: 'greedyDecode', mentions: ['bos', '1.5'] },
  { name: 'greedyDecode: a negative bos', make: () => ({ m: toy(), src: i32([2, 3]) }), call: ({ m, src }) => greedyDecode(m, src, { bos: -1, eos: 2, maxLength: 4 }), error: ValueError, op: 'greedyDecode', mentions: ['bos', '-1'] },
  { name: 'greedyDecode: eos NaN', make: () => ({ m: toy(), src: i32([2, 3]) }), call: ({ m, src }) => greedyDecode(m, src, { bos: 1, eos: NaN, maxLength: 4 }), error: ValueError, op: 'greedyDecode', mentions: ['eos', 'NaN'] },
  { name: 'greedyDecode: a disposed source', make: () => ({ m: toy(), src: disposed(i32([2, 3])) }), call: ({ m, src }) => greedyDecode(m, src, { bos: 1, eos: 2, maxLength: 4 }), error: DisposedError, op: 'greedyDecode', mentions: ['[2,3]'] },
  { name: 'greedyDecode: a decode that returns logits of the wrong rank (memory freed)', make: () => ({ m: toy(6, true), src: i32([2, 3]) }), call: ({ m, src }) => greedyDecode(m, src, { bos: 1, eos: 2, maxLength: 4 }), error: ShapeError, op: 'greedyDecode', mentions: ['[2,1]'] },
];

runCases('embeddings and positional encodings', embeddings);
runCases('LayerNorm', norms);
const mhaOptions: BadInputCase[] = [
  { name: 'MultiheadAttention: kdim 2.5', make: none, call: () => new MultiheadAttention(4, 2, { kdim: 2.5 }), error: ValueError, op: 'MultiheadAttention', mentions: ['kdim', '2.5'] },
  { name: 'MultiheadAttention: addBiasKv a number', make: none, call: () => new MultiheadAttention(4, 2, { addBiasKv: 1 as never }), error: ValueError, op: 'MultiheadAttention', mentions: ['addBiasKv'] },
  { name: 'MultiheadAttention: keys of embedDim when kdim is 3', make: layer(() => new MultiheadAttention(4, 2, { kdim: 3 }), () => q(), () => q(), () => q()), call: fwd, error: ShapeError, op: 'MultiheadAttention', mentions: ['3', '[2,3,4]'] },
  { name: 'MultiheadAttention: values of the wrong width with vdim', make: layer(() => new MultiheadAttention(4, 2, { vdim: 6 }), () => q(), () => q(), () => q()), call: fwd, error: ShapeError, op: 'MultiheadAttention', mentions: ['6'] },
  { name: 'MultiheadAttention: a mask of the unwidened size with addZeroAttn and addBiasKv', make: () => ({ m: new MultiheadAttention(4, 2, { addZeroAttn: true, addBiasKv: true }), x: [q(), q(), q(), bool([3, 4])] }), call: fwd, error: ShapeError, op: 'MultiheadAttention', mentions: ['[3,4]'] },
  { name: 'MultiheadAttention: batch-first inputs to a sequence-first layer (batches disagree)', make: layer(() => new MultiheadAttention(4, 2, { batchFirst: false }), () => q(2, 3), () => q(2, 5), () => q(2, 5)), call: fwd, error: ShapeError, op: 'MultiheadAttention', mentions: ['[2,3,4]', '[2,5,4]'] },
  { name: 'TransformerEncoderLayer: batchFirst a string', make: none, call: () => new TransformerEncoderLayer(4, 2, { batchFirst: 'no' as never }), error: ValueError, op: 'TransformerEncoderLayer', mentions: ['batchFirst'] },
];

runCases('attention', attention);
runCases('MultiheadAttention options and sequence-first layers', mhaOptions);
runCases('encoder and decoder layers, stacks and the Transformer', stacks);
runCases('greedyDecode', decoding);
