/**
 * Beam-search autoregressive decoding.
 *
 * @module
 */
import { DTypeError, DisposedError, ShapeError, ValueError, indexSelect, logSoftmax, narrow, noGrad, reshape, tensor, tidy, type Tensor } from '@profundo/core';
import type { Seq2SeqModel } from './greedy-decode.js';

/** Options of {@link beamSearch}. */
export interface BeamSearchOptions {
  /** The begin-of-sequence id every output starts with. */
  bos: number;
  /** The end-of-sequence id; a hypothesis ends when it emits it (later positions of the output are `eos` too). */
  eos: number;
  /** Largest output length, `bos` included: a hypothesis still open at this length ends there, without `eos`. */
  maxLength: number;
  /** Number of hypotheses kept per source sequence at each step (default 4). */
  beamWidth?: number;
  /**
   * Exponent α of the length penalty of Wu et al. (2016, GNMT): a finished hypothesis of
   * `|Y|` generated tokens (`eos` included, `bos` not) and total log-probability `log P(Y)` is
   * ranked by `log P(Y) / lp(Y)`, `lp(Y) = ((5 + |Y|) / 6)^α`. Default 0: no penalty, rank by
   * `log P(Y)` (which favours short outputs); GNMT used α between 0.6 and 0.7; α = 1 is close
   * to ranking by the mean log-probability per token.
   */
  lengthPenalty?: number;
}

/** The GNMT length penalty `((5 + length) / 6)^α`. */
function lp(length: number, alpha: number): number {
  return alpha === 0 ? 1 : ((5 + length) / 6) ** alpha;
}

interface Hypothesis {
  tokens: number[];
  /** Sum of the log-probabilities of the generated tokens. */
  logProb: number;
}

/**
 * Beam-search decoding: keeps the `beamWidth` most likely partial outputs of each source
 * sequence, extends each one by every token, and keeps the `beamWidth` best extensions that
 * do not end in `eos`; every extension ending in `eos` is a finished hypothesis, ranked by
 * its length-penalized score (see {@link BeamSearchOptions.lengthPenalty}). A source stops
 * when no open hypothesis can still beat its best finished one (log-probabilities only
 * decrease as tokens are added, so this bound is exact), or at `maxLength`, where the open
 * hypotheses are finished as they are. Resolves to int32 ids `[N, T]` (`T ≤ maxLength`):
 * each source's best hypothesis, starting with `bos`, positions after its `eos` holding `eos`.
 *
 * It calls `model.encode` once on the source repeated `beamWidth` times (rows
 * `[s₀ × beamWidth, s₁ × beamWidth, …]`), then `model.decode` once per step on all
 * `N · beamWidth` partial outputs, so a model that keeps per-batch state between `encode`
 * and `decode` (a padding mask) works unchanged. Runs without recording gradients; put the
 * model in `eval()` mode first. `beamWidth: 1` keeps one open hypothesis, but still compares
 * every `eos` ending it met, so it can differ from {@link greedyDecode}.
 *
 * @example
 * ```ts
 * // A stand-in for a trained model over tokens 0 (bos), 1 (eos), 2, 3: after bos, token 2 is
 * // likelier (0.6) than 3 (0.4), but 2 continues uncertainly while 3 is surely followed by eos.
 * const probs = (prefix: number[]): number[] =>
 *   prefix.length === 1 ? [0, 0, 0.6, 0.4] : prefix[1] === 2 ? [0, 0.34, 0.33, 0.33] : [0, 0.9, 0.05, 0.05];
 * const model: Seq2SeqModel = {
 *   encode: (src) => src.cast('float32'),
 *   decode: (tgt) => {
 *     const rows = tgt.tolist() as number[][];
 *     return log(tensor(rows.map((row) => row.map((_, t) => probs(row.slice(0, t + 1))))).add(1e-9));
 *   },
 * };
 * const src = tensor([[5]], { dtype: 'int32' });
 * (await greedyDecode(model, src, { bos: 0, eos: 1, maxLength: 4 })).tolist(); // [[0, 2, 1]] (probability 0.6 · 0.34 = 0.204)
 * (await beamSearch(model, src, { bos: 0, eos: 1, maxLength: 4, beamWidth: 2 })).tolist(); // [[0, 3, 1]] (probability 0.4 · 0.9 = 0.36)
 * ```
 */
export async function beamSearch(model: Seq2SeqModel, src: Tensor, options: BeamSearchOptions): Promise<Tensor> {
  const op = 'beamSearch';
  const { bos, eos, maxLength } = options;
  const beamWidth = options.beamWidth ?? 4;
  const alpha = options.lengthPenalty ?? 0;
  if (src.isDisposed) throw new DisposedError(op, `src (shape [${src.shape}]) was already disposed`);
  for (const [what, id] of [['bos', bos], ['eos', eos]] as const) {
    if (!Number.isInteger(id) || id < 0 || id > 2 ** 31 - 1) throw new ValueError(op, `${what} must be a token id (an integer >= 0), got ${id}`);
  }
  if (src.dtype !== 'int32') throw new DTypeError(op, `src must be int32 token ids, got ${src.dtype}`);
  if (src.rank !== 2) throw new ShapeError(op, `src must be [N, S], got [${src.shape}]`);
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new ValueError(op, `maxLength must be a positive integer, got ${maxLength}`);
  if (!Number.isInteger(beamWidth) || beamWidth < 1) throw new ValueError(op, `beamWidth must be a positive integer, got ${beamWidth}`);
  if (!Number.isFinite(alpha)) throw new ValueError(op, `lengthPenalty must be a finite number, got ${alpha}`);

  const n = src.shape[0]!;
  const B = beamWidth;
  const maxGenerated = maxLength - 1;
  // Open hypotheses per source (at most B), and the best finished one with its ranking score.
  const open: Hypothesis[][] = Array.from({ length: n }, () => [{ tokens: [bos], logProb: 0 }]);
  const best: ({ tokens: number[]; score: number } | null)[] = new Array(n).fill(null);
  const finish = (i: number, h: Hypothesis): void => {
    const score = h.logProb / lp(h.tokens.length - 1, alpha);
    if (best[i] === null || score > best[i]!.score) best[i] = { tokens: h.tokens, score };
  };
  // The best ranking score an open hypothesis of `generated` tokens can still reach (its log-probability only decreases).
  const bound = (h: Hypothesis, generated: number): number => {
    const lps = [lp(generated + 1, alpha), lp(maxGenerated, alpha)];
    return h.logProb / (h.logProb <= 0 ? Math.max(...lps) : Math.min(...lps));
  };
  const done = (i: number, generated: number): boolean =>
    open[i]!.length === 0 || (best[i] !== null && open[i]!.every((h) => bound(h, generated) <= best[i]!.score));

  const repeatIndex = tensor(Int32Array.from({ length: n * B }, (_, r) => Math.floor(r / B)), { dtype: 'int32' });
  const memory = tidy(() => noGrad(() => model.encode(indexSelect(src, 0, repeatIndex))));
  repeatIndex.dispose();
  try {
    for (let t = 1; t < maxLength; t++) {
      if (open.every((_, i) => done(i, t - 1))) break;
      // Every slot gets a row; empty slots (and sources already done) repeat bos and are ignored.
      const rows = new Int32Array(n * B * t).fill(bos);
      for (let i = 0; i < n; i++) open[i]!.forEach((h, b) => rows.set(h.tokens, ((i * B + b) * t)));
      const logProbs = tidy(() =>
        noGrad(() => {
          const logits = model.decode(tensor(rows, { shape: [n * B, t], dtype: 'int32' }), memory);
          if (logits.rank !== 3 || logits.shape[0] !== n * B || logits.shape[1] !== t) {
            throw new ShapeError(op, `decode must return logits [${n * B}, ${t}, vocab], got [${logits.shape}]`);
          }
          return logSoftmax(reshape(narrow(logits, 1, t - 1, 1), [n * B, logits.shape[2]!]).float(), -1);
        }),
      );
      const vocab = logProbs.shape[1]!;
      const lpData = await logProbs.data();
      logProbs.dispose();
      for (let i = 0; i < n; i++) {
        if (done(i, t - 1)) {
          open[i] = [];
          continue;
        }
        const candidates: Hypothesis[] = [];
        open[i]!.forEach((h, b) => {
          const base = (i * B + b) * vocab;
          for (let v = 0; v < vocab; v++) {
            const logProb = h.logProb + Number(lpData[base + v]);
            if (Number.isNaN(logProb) || logProb === -Infinity) continue;
            const next = { tokens: [...h.tokens, v], logProb };
            if (v === eos) finish(i, next);
            else candidates.push(next);
          }
        });
        candidates.sort((a, b) => b.logProb - a.logProb);
        open[i] = candidates.slice(0, B);
      }
    }
  } finally {
    memory.dispose();
  }
  // Hypotheses still open at maxLength end there, without eos.
  for (let i = 0; i < n; i++) for (const h of open[i]!) if (h.tokens.length === maxLength) finish(i, h);
  const outputs = best.map((b) => b?.tokens ?? [bos]);
  const T = Math.max(...outputs.map((o) => o.length));
  const flat = new Int32Array(n * T).fill(eos);
  outputs.forEach((o, i) => flat.set(o, i * T));
  return tensor(flat, { shape: [n, T], dtype: 'int32' });
}
