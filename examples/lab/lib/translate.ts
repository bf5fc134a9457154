/**
 * The translation task of examples/translate (Spanish date phrases → ISO dates), rebuilt small
 * for the Transformer experiments: a character-level encoder–decoder Transformer with an option
 * to drop the positional encodings, its training (memoized per configuration, so experiments
 * in one `lab all` share a model), and exact-match evaluation with greedy or beam decoding.
 */
import { Generator, keep, manualSeed, nn, tensor, tidy, type Tensor } from '@profundo/core';
import { CharTokenizer, spanishDates, type SpanishDatePair } from '@profundo/datasets';
import { Adam, CosineAnnealingLR, LinearLR, SequentialLR } from '@profundo/optimizers';
import { Embedding, PositionalEncoding, Transformer, beamSearch, causalMask, greedyDecode, type Seq2SeqModel, type TransformerAttention } from '@profundo/layers-transformer';

/** bos + 10 characters of YYYY-MM-DD + eos. */
export const TGT_LEN = 12;

export class DateTranslator extends nn.Module implements Seq2SeqModel {
  srcEmb: Embedding;
  tgtEmb: Embedding;
  pos: PositionalEncoding;
  transformer: Transformer;
  generator: nn.Linear;
  private last: { memory: Tensor; mask: Tensor } | null = null;

  constructor(readonly vocabSize: number, readonly positions: boolean, readonly dModel = 32, readonly nhead = 2) {
    super();
    this.srcEmb = new Embedding(vocabSize, dModel, { paddingIdx: 0 });
    this.tgtEmb = new Embedding(vocabSize, dModel, { paddingIdx: 0 });
    this.pos = new PositionalEncoding(dModel, { dropout: 0, maxLen: 64 });
    this.transformer = new Transformer({ dModel, nhead, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 64, dropout: 0, normFirst: true });
    this.generator = new nn.Linear(dModel, vocabSize);
  }

  /** Embedded (and, with positions, position-encoded) ids. */
  embed(emb: Embedding, ids: Tensor): Tensor {
    const x = emb.forward(ids);
    return this.positions ? this.pos.forward(x) : x;
  }

  encode(src: Tensor): Tensor {
    const mask = src.eq(0);
    const memory = this.transformer.encode(this.embed(this.srcEmb, src), { srcKeyPaddingMask: mask });
    this.last?.mask.dispose();
    this.last = { memory, mask: keep(mask) };
    return memory;
  }

  decode(tgt: Tensor, memory: Tensor): Tensor {
    const mask = this.last?.memory === memory ? this.last.mask : undefined;
    return this.generator.forward(this.transformer.decode(this.embed(this.tgtEmb, tgt), memory, { tgtMask: causalMask(tgt.shape[1]!), memoryKeyPaddingMask: mask }));
  }

  forward(src: Tensor, tgt: Tensor): Tensor {
    const mask = src.eq(0);
    const memory = this.transformer.encode(this.embed(this.srcEmb, src), { srcKeyPaddingMask: mask });
    return this.generator.forward(this.transformer.decode(this.embed(this.tgtEmb, tgt), memory, { tgtMask: causalMask(tgt.shape[1]!), memoryKeyPaddingMask: mask }));
  }

  /** Logits and every layer's and head's attention for teacher-forced `tgt`. */
  withAttention(src: Tensor, tgt: Tensor): { logits: Tensor; attention: TransformerAttention } {
    const mask = src.eq(0);
    const { output, attention } = this.transformer.forwardWithAttention(this.embed(this.srcEmb, src), this.embed(this.tgtEmb, tgt), {
      tgtMask: causalMask(tgt.shape[1]!),
      srcKeyPaddingMask: mask,
      memoryKeyPaddingMask: mask,
    });
    return { logits: this.generator.forward(output), attention };
  }
}

export interface TranslationSetup {
  tok: CharTokenizer;
  train: SpanishDatePair[];
  test: SpanishDatePair[];
  describe: string;
}

export function translationData(o: { seed: number; train: number; test: number }): TranslationSetup {
  const train = spanishDates({ count: o.train, seed: o.seed });
  const seen = new Set(train.map((p) => p.source));
  const test = spanishDates({ count: 2 * o.test, seed: o.seed + 1 }).filter((p) => !seen.has(p.source)).slice(0, o.test);
  const tok = CharTokenizer.fromCorpus(train.flatMap((p) => [p.source, p.target]));
  return { tok, train, test, describe: `spanishDates (Spanish date phrases → ISO dates, @profundo/datasets): ${train.length} training pairs (seed ${o.seed}), ${test.length} held-out (seed ${o.seed + 1}, none seen in training)` };
}

/** Source ids `[n, longest]`, right-padded with 0. */
export function encodeSources(tok: CharTokenizer, sources: readonly string[]): Tensor {
  const s = Math.max(1, ...sources.map((x) => [...x].length));
  return tensor(tok.encodeBatch(sources, s), { shape: [sources.length, s], dtype: 'int32' });
}

const cache = new Map<string, { model: DateTranslator; seconds: number; steps: number }>();

/** Trains (or returns the already trained) translator for this configuration. */
export function trainTranslator(setup: TranslationSetup, o: { seed: number; epochs: number; positions: boolean; batchSize?: number; lr?: number }) {
  const key = JSON.stringify({ ...o, n: setup.train.length, first: setup.train[0]?.source });
  const hit = cache.get(key);
  if (hit) return hit;
  manualSeed(o.seed);
  const { tok } = setup;
  const model = new DateTranslator(tok.vocabSize, o.positions);
  const opt = new Adam(model.parameters(), { lr: o.lr ?? 3e-3 });
  const bs = o.batchSize ?? 32;
  // As examples/translate: a linear warm-up over 100 steps, then a cosine decay to zero.
  const total = o.epochs * Math.ceil(setup.train.length / bs);
  const warmup = Math.min(100, total - 1);
  const schedule =
    warmup > 0
      ? new SequentialLR(opt, [new LinearLR(opt, { startFactor: 0.01, totalIters: warmup }), new CosineAnnealingLR(opt, { tMax: total - warmup })], [warmup])
      : null;
  const rng = new Generator(o.seed);
  const tgt = tok.encodeBatch(setup.train.map((p) => p.target), TGT_LEN, { addBos: true, addEos: true });
  const started = performance.now();
  let steps = 0;
  model.train();
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    // Batches of similar source length, in random order.
    const order = Array.from(rng.shuffle(Int32Array.from({ length: setup.train.length }, (_, i) => i)));
    order.sort((a, b) => [...setup.train[a]!.source].length - [...setup.train[b]!.source].length);
    const batches: number[][] = [];
    for (let i = 0; i < order.length; i += bs) batches.push(order.slice(i, i + bs));
    for (const b of rng.shuffle(batches)) {
      tidy(() => {
        const src = encodeSources(tok, b.map((i) => setup.train[i]!.source));
        const tIn = new Int32Array(b.length * (TGT_LEN - 1));
        const tOut = new Int32Array(b.length * (TGT_LEN - 1));
        b.forEach((j, i) => {
          tIn.set(tgt.subarray(j * TGT_LEN, j * TGT_LEN + TGT_LEN - 1), i * (TGT_LEN - 1));
          tOut.set(tgt.subarray(j * TGT_LEN + 1, (j + 1) * TGT_LEN), i * (TGT_LEN - 1));
        });
        opt.zeroGrad();
        const logits = model.forward(src, tensor(tIn, { shape: [b.length, TGT_LEN - 1], dtype: 'int32' }));
        nn.crossEntropy(logits.reshape([b.length * (TGT_LEN - 1), tok.vocabSize]), tensor(tOut, { dtype: 'int32' })).backward();
        opt.step();
      });
      schedule?.step();
      steps++;
    }
  }
  model.eval();
  const out = { model, seconds: (performance.now() - started) / 1000, steps };
  cache.set(key, out);
  return out;
}

/** Translations of `sources` with greedy decoding or beam search. */
export async function translateAll(model: Seq2SeqModel, tok: CharTokenizer, sources: readonly string[], decoder: { beamWidth?: number; lengthPenalty?: number } = {}): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < sources.length; i += 50) {
    const src = encodeSources(tok, sources.slice(i, i + 50));
    const opts = { bos: tok.bos, eos: tok.eos, maxLength: TGT_LEN };
    const ids = decoder.beamWidth ? await beamSearch(model, src, { ...opts, beamWidth: decoder.beamWidth, lengthPenalty: decoder.lengthPenalty ?? 0 }) : await greedyDecode(model, src, opts);
    src.dispose();
    const rows = ids.tolist() as number[][];
    ids.dispose();
    for (const row of rows) out.push(tok.decode(row));
  }
  return out;
}

/** Exact-match accuracy of translations against the pairs' targets. */
export function exactMatch(pairs: readonly SpanishDatePair[], outputs: readonly string[]): number {
  return pairs.filter((p, i) => outputs[i] === p.target).length / pairs.length;
}
