/**
 * The translation example's model and data plumbing: a small encoder–decoder Transformer over
 * characters, fixed-length id batches, greedy translation back to text.
 */
import { keep, nn, tensor, type Generator, type Tensor } from '@profundo/core';
import type { CharTokenizer, SpanishDatePair } from '@profundo/datasets';
import { Adam, CosineAnnealingLR, LinearLR, SequentialLR } from '@profundo/optimizers';
import { Embedding, PositionalEncoding, Transformer, causalMask, greedyDecode, type Seq2SeqModel } from '@profundo/layers-transformer';

/** Longest source phrase, in ids (the longest generated phrase has 45 characters). */
export const SRC_LEN = 48;
/** The padding id of {@link CharTokenizer}. */
const PAD = 0;
/** Target ids: bos, the 10 characters of YYYY-MM-DD, eos. */
export const TGT_LEN = 12;

/** Sizes of {@link Seq2Seq}. */
export interface Seq2SeqConfig {
  vocabSize: number;
  dModel: number;
  nhead: number;
  numEncoderLayers: number;
  numDecoderLayers: number;
  dimFeedforward: number;
  dropout: number;
}

/**
 * The example's training defaults (train.ts's command-line defaults), shared with the soak
 * test so both train the same model the same way.
 */
export const trainDefaults = {
  train: 6000,
  test: 500,
  epochs: 4,
  batchSize: 32,
  lr: 3e-3,
  warmup: 100,
  dModel: 32,
  heads: 2,
  layers: 2,
  ff: 64,
  dropout: 0,
  seed: 0,
} as const;

/**
 * Character embeddings (pad row 0) plus sinusoidal positions into a pre-norm
 * {@link Transformer}, and a linear generator to next-character logits. Sources are
 * right-padded with id 0 to any length; padding is masked out of the encoder's self-attention
 * and the decoder's attention to the memory, so how much there is does not change the result.
 * `encode` remembers the padding mask of the memory it made last (kept out of `tidy`, so it
 * survives a `tidy` that returns the memory, and freed by the next `encode`), so `decode`
 * needs only ids and that memory, as {@link greedyDecode} wants. `forward` (teacher forcing)
 * remembers nothing, so a training step in `tidy` leaves no tensor behind.
 */
export class Seq2Seq extends nn.Module implements Seq2SeqModel {
  srcEmb: Embedding;
  tgtEmb: Embedding;
  pos: PositionalEncoding;
  transformer: Transformer;
  generator: nn.Linear;
  private last: { memory: Tensor; mask: Tensor } | null = null;

  constructor(readonly config: Seq2SeqConfig) {
    super();
    const { vocabSize, dModel, nhead, numEncoderLayers, numDecoderLayers, dimFeedforward, dropout } = config;
    this.srcEmb = new Embedding(vocabSize, dModel, { paddingIdx: 0 });
    this.tgtEmb = new Embedding(vocabSize, dModel, { paddingIdx: 0 });
    this.pos = new PositionalEncoding(dModel, { dropout, maxLen: 64 });
    this.transformer = new Transformer({ dModel, nhead, numEncoderLayers, numDecoderLayers, dimFeedforward, dropout, normFirst: true });
    this.generator = new nn.Linear(dModel, vocabSize);
  }

  /** Source ids `[N, S]` → memory `[N, S, dModel]`. */
  encode(src: Tensor): Tensor {
    const { memory, mask } = this.encodeMasked(src);
    this.last?.mask.dispose();
    this.last = { memory, mask: keep(mask) };
    return memory;
  }

  /** Target ids `[N, T]` and memory → logits `[N, T, vocab]`, causally masked. */
  decode(tgt: Tensor, memory: Tensor): Tensor {
    if (this.last?.memory !== memory) throw new Error('Seq2Seq.decode: pass the memory from the latest encode call');
    return this.decodeMasked(tgt, memory, this.last.mask);
  }

  /** Teacher-forced logits `[N, T, vocab]`; keeps no mask (see the class comment). */
  forward(src: Tensor, tgt: Tensor): Tensor {
    const { memory, mask } = this.encodeMasked(src);
    return this.decodeMasked(tgt, memory, mask);
  }

  private encodeMasked(src: Tensor): { memory: Tensor; mask: Tensor } {
    const mask = src.eq(PAD);
    return { memory: this.transformer.encode(this.pos.forward(this.srcEmb.forward(src)), { srcKeyPaddingMask: mask }), mask };
  }

  private decodeMasked(tgt: Tensor, memory: Tensor, memoryKeyPaddingMask: Tensor): Tensor {
    const x = this.pos.forward(this.tgtEmb.forward(tgt));
    return this.generator.forward(this.transformer.decode(x, memory, { tgtMask: causalMask(tgt.shape[1]!), memoryKeyPaddingMask }));
  }
}

/**
 * The example's optimizer: Adam at `lr`, with a linear warmup from 1% over `warmup` steps
 * (at most `total - 1`), then a cosine decay to zero at step `total`. Call `schedule.step()`
 * after each `optimizer.step()`.
 */
export function adamWithWarmup(
  model: nn.Module,
  options: { lr: number; warmup: number; total: number },
): { optimizer: Adam; schedule: SequentialLR; warmup: number } {
  const warmup = Math.min(options.warmup, options.total - 1);
  const optimizer = new Adam(model.parameters(), { lr: options.lr });
  const schedule = new SequentialLR(
    optimizer,
    [new LinearLR(optimizer, { startFactor: 0.01, totalIters: warmup }), new CosineAnnealingLR(optimizer, { tMax: options.total - warmup })],
    [warmup],
  );
  return { optimizer, schedule, warmup };
}

/**
 * The model reads each source backwards (Sutskever et al.'s trick): the year, at the end of
 * every phrase, then sits at the first positions whatever the phrase's length, which makes
 * copying its digits much easier to learn.
 */
export const reverse = (text: string): string => [...text].reverse().join('');

/**
 * Pairs as flat id arrays: sources {@link reverse}d, `[n, SRC_LEN]` padded; targets
 * `[n, TGT_LEN]` with bos and eos.
 */
export interface EncodedPairs {
  src: Int32Array;
  /** Each source's length in ids. */
  srcLength: Int32Array;
  tgt: Int32Array;
  length: number;
}

export function encodePairs(tok: CharTokenizer, pairs: readonly SpanishDatePair[]): EncodedPairs {
  return {
    src: tok.encodeBatch(pairs.map((p) => reverse(p.source)), SRC_LEN),
    srcLength: Int32Array.from(pairs, (p) => [...p.source].length),
    tgt: tok.encodeBatch(pairs.map((p) => p.target), TGT_LEN, { addBos: true, addEos: true }),
    length: pairs.length,
  };
}

/**
 * One batch for teacher forcing: `src` `[B, S]` (padded to its longest source, S ≤ SRC_LEN), `tgtIn` `[B, TGT_LEN - 1]` (bos …),
 * `tgtOut` `[B · (TGT_LEN - 1)]` (… eos), flattened for crossEntropy.
 */
export function batch(data: EncodedPairs, indices: ArrayLike<number>): { src: Tensor; tgtIn: Tensor; tgtOut: Tensor } {
  const b = indices.length;
  const t = TGT_LEN - 1;
  let s = 1;
  for (let i = 0; i < b; i++) s = Math.max(s, data.srcLength[indices[i]!]!);
  const src = new Int32Array(b * s);
  const tgtIn = new Int32Array(b * t);
  const tgtOut = new Int32Array(b * t);
  for (let i = 0; i < b; i++) {
    const j = indices[i]!;
    src.set(data.src.subarray(j * SRC_LEN, j * SRC_LEN + s), i * s);
    tgtIn.set(data.tgt.subarray(j * TGT_LEN, j * TGT_LEN + t), i * t);
    tgtOut.set(data.tgt.subarray(j * TGT_LEN + 1, (j + 1) * TGT_LEN), i * t);
  }
  return {
    src: tensor(src, { shape: [b, s], dtype: 'int32' }),
    tgtIn: tensor(tgtIn, { shape: [b, t], dtype: 'int32' }),
    tgtOut: tensor(tgtOut, { shape: [b * t], dtype: 'int32' }),
  };
}

/**
 * One epoch's batches: a fresh random order, stably sorted by source length (so each batch
 * holds sources of about the same length and little padding is computed), cut into batches
 * of `batchSize`, in a random batch order.
 */
export function lengthBucketedBatches(data: EncodedPairs, batchSize: number, rng: Generator): Int32Array[] {
  const order = Array.from(rng.shuffle(Int32Array.from({ length: data.length }, (_, i) => i)));
  order.sort((a, b) => data.srcLength[a]! - data.srcLength[b]!);
  const batches: Int32Array[] = [];
  for (let start = 0; start < order.length; start += batchSize) batches.push(Int32Array.from(order.slice(start, start + batchSize)));
  return rng.shuffle(batches);
}

/** Teacher-forced cross-entropy of a batch. */
export function loss(model: Seq2Seq, b: { src: Tensor; tgtIn: Tensor; tgtOut: Tensor }): Tensor {
  const logits = model.forward(b.src, b.tgtIn);
  return nn.crossEntropy(logits.reshape([b.tgtOut.shape[0]!, model.config.vocabSize]), b.tgtOut);
}

/**
 * Greedy translations of `sources` (put the model in eval mode first), in their order. Decodes
 * `batchSize` sources at a time, grouped by length so that little padding is computed.
 */
export async function translate(model: Seq2Seq, tok: CharTokenizer, sources: readonly string[], batchSize = 100): Promise<string[]> {
  const length = (i: number): number => [...sources[i]!].length;
  const order = sources.map((_, i) => i).sort((a, b) => length(a) - length(b));
  const out = new Array<string>(sources.length);
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const chunk = rows.map((i) => reverse(sources[i]!));
    const s = Math.max(1, ...rows.map(length));
    const src = tensor(tok.encodeBatch(chunk, s), { shape: [chunk.length, s], dtype: 'int32' });
    const ids = await greedyDecode(model, src, { bos: tok.bos, eos: tok.eos, maxLength: TGT_LEN });
    src.dispose();
    const flat = await ids.data();
    const t = ids.shape[1]!;
    ids.dispose();
    rows.forEach((row, i) => (out[row] = tok.decode(flat.subarray(i * t, (i + 1) * t) as Int32Array)));
  }
  return out;
}
