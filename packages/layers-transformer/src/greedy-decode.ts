/**
 * Greedy autoregressive decoding.
 *
 * @module
 */
import { DTypeError, DisposedError, ShapeError, ValueError, argmax, narrow, noGrad, reshape, tensor, tidy, type Tensor } from '@profundo/core';

/**
 * What {@link greedyDecode} needs of a sequence-to-sequence model over token ids: `encode`
 * maps int32 `src` `[N, S]` to a memory tensor, `decode` maps int32 `tgt` `[N, T]` and that
 * memory to next-token logits `[N, T, vocab]` (applying its own causal mask, as in training).
 *
 * @example
 * ```ts
 * const VOCAB = 12, D = 32;
 * class Seq2Seq extends nn.Module implements Seq2SeqModel {
 *   srcEmb = new Embedding(VOCAB, D);
 *   tgtEmb = new Embedding(VOCAB, D);
 *   transformer = new Transformer({ dModel: D, nhead: 4, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64 });
 *   generator = new nn.Linear(D, VOCAB);
 *   encode(src: Tensor): Tensor {
 *     return this.transformer.encode(this.srcEmb.forward(src));
 *   }
 *   decode(tgt: Tensor, memory: Tensor): Tensor {
 *     const tgtMask = causalMask(tgt.shape[1]!);
 *     return this.generator.forward(this.transformer.decode(this.tgtEmb.forward(tgt), memory, { tgtMask }));
 *   }
 *   forward(src: Tensor, tgt: Tensor): Tensor {
 *     return this.decode(tgt, this.encode(src));
 *   }
 * }
 * const model = new Seq2Seq();
 * model.eval();
 * const ids = await greedyDecode(model, tensor([[3, 4, 5]], { dtype: 'int32' }), { bos: 1, eos: 2, maxLength: 8 });
 * ids.shape[1]! <= 8; // true
 * ```
 */
export interface Seq2SeqModel {
  /** Encodes source ids `[N, S]`. */
  encode(src: Tensor): Tensor;
  /** Logits `[N, T, vocab]` for target ids `[N, T]` given the memory. */
  decode(tgt: Tensor, memory: Tensor): Tensor;
}

/** Options of {@link greedyDecode}. */
export interface GreedyDecodeOptions {
  /** The begin-of-sequence id every output starts with. */
  bos: number;
  /** The end-of-sequence id; a sequence stops after emitting it (later positions are `eos` too). */
  eos: number;
  /** Largest output length, `bos` included. */
  maxLength: number;
}

/**
 * Greedy decoding: starting from `[bos]`, repeatedly appends the most likely next token
 * (argmax of the last position's logits) until every sequence has emitted `eos` or the output
 * has `maxLength` tokens. Runs without recording gradients; put the model in `eval()` mode
 * first so dropout is off. Resolves to int32 ids `[N, T]` (`T ≤ maxLength`) starting with
 * `bos`; positions after a sequence's `eos` hold `eos`.
 *
 * @example
 * ```ts
 * // A stand-in for a trained model (call model.eval() on a real one): whatever the source,
 * // its most likely next token is the last one plus 1, over a vocabulary of 6.
 * const counter: Seq2SeqModel = {
 *   encode: (src) => src.cast('float32'),
 *   decode: (tgt) => eq(unsqueeze(tgt, -1).add(1), arange(6, undefined, 1, { dtype: 'int32' })).cast('float32'),
 * };
 * const src = tensor([[3, 4]], { dtype: 'int32' });
 * const out = await greedyDecode(counter, src, { bos: 1, eos: 5, maxLength: 20 });
 * out.tolist(); // [[1, 2, 3, 4, 5]]
 * ```
 */
export async function greedyDecode(model: Seq2SeqModel, src: Tensor, options: GreedyDecodeOptions): Promise<Tensor> {
  const { bos, eos, maxLength } = options;
  if (src.isDisposed) throw new DisposedError('greedyDecode', `src (shape [${src.shape}]) was already disposed`);
  for (const [what, id] of [['bos', bos], ['eos', eos]] as const) {
    // Token ids: an Int32Array would truncate 1.5 to 1 silently.
    if (!Number.isInteger(id) || id < 0 || id > 2 ** 31 - 1) throw new ValueError('greedyDecode', `${what} must be a token id (an integer >= 0), got ${id}`);
  }
  if (src.dtype !== 'int32') throw new DTypeError('greedyDecode', `src must be int32 token ids, got ${src.dtype}`);
  if (src.rank !== 2) throw new ShapeError('greedyDecode', `src must be [N, S], got [${src.shape}]`);
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new ValueError('greedyDecode', `maxLength must be a positive integer, got ${maxLength}`);
  const n = src.shape[0]!;
  const rows: number[][] = Array.from({ length: n }, () => [bos]);
  const finished = new Array<boolean>(n).fill(false);
  const memory = tidy(() => noGrad(() => model.encode(src))); // frees the encoder's intermediates
  try {
    for (let t = 1; t < maxLength && !finished.every(Boolean); t++) {
      const next = tidy(() =>
        noGrad(() => {
          const tgt = tensor(Int32Array.from(rows.flat()), { shape: [n, t], dtype: 'int32' });
          const logits = model.decode(tgt, memory);
          if (logits.rank !== 3 || logits.shape[0] !== n || logits.shape[1] !== t) {
            throw new ShapeError('greedyDecode', `decode must return logits [${n}, ${t}, vocab], got [${logits.shape}]`);
          }
          return argmax(reshape(narrow(logits, 1, t - 1, 1), [n, logits.shape[2]!]), -1);
        }),
      );
      const ids = await next.data();
      next.dispose();
      for (let i = 0; i < n; i++) {
        const id = finished[i] ? eos : Number(ids[i]);
        rows[i]!.push(id);
        if (id === eos) finished[i] = true;
      }
    }
  } finally {
    memory.dispose();
  }
  return tensor(Int32Array.from(rows.flat()), { shape: [n, rows[0]!.length], dtype: 'int32' });
}
