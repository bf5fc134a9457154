import * as pf from '@profundo/core';
import { manualSeed, memory, randn, tensor, type Tensor } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Transformer, beamSearch, causalMask, greedyDecode, type Seq2SeqModel } from '@profundo/layers-transformer';

beforeAll(async () => {
  if (!pf.listBackends().includes('cpu')) pf.registerBackend('cpu', createCpuBackend);
  await pf.setBackend('cpu');
});

const BOS = 0;
const EOS = 1;

/** A model whose next-token distribution is `probs(prefix)`, whatever the source. */
function tableModel(probs: (prefix: number[]) => number[]): Seq2SeqModel & { calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    encode: (src) => src.float(),
    decode: (tgt) => {
      const rows = tgt.tolist() as number[][];
      calls.push(rows[0]!.length);
      const logits = rows.map((row) => row.map((_, t) => probs(row.slice(0, t + 1)).map((p) => Math.log(p))));
      return tensor(logits);
    },
  };
}

const seqLogProb = (probs: (prefix: number[]) => number[], seq: number[]): number => {
  let s = 0;
  for (let t = 1; t < seq.length; t++) s += Math.log(probs(seq.slice(0, t))[seq[t]!]!);
  return s;
};

describe('beamSearch', () => {
  // Tokens 0 bos, 1 eos, 2, 3. Greedy takes 2 (0.5 > 0.4 > 0.1) and then only reaches 0.5·0.34 = 0.17;
  // the best sequence is [bos, 3, eos] (0.4 · 0.9 = 0.36), found with two beams.
  const probs = (prefix: number[]): number[] => {
    if (prefix.length === 1) return [1e-9, 0.1, 0.5, 0.4];
    if (prefix[1] === 2) return [1e-9, 0.34, 0.33, 0.33];
    return [1e-9, 0.9, 0.05, 0.05];
  };

  it('finds the most likely sequence where greedy decoding does not', async () => {
    const model = tableModel(probs);
    const src = tensor([[5, 6], [7, 8]], { dtype: 'int32' });
    const greedy = (await greedyDecode(model, src, { bos: BOS, eos: EOS, maxLength: 6 })).tolist() as number[][];
    expect(greedy[0]).toEqual([0, 2, 1]);
    const beam = (await beamSearch(model, src, { bos: BOS, eos: EOS, maxLength: 6, beamWidth: 2 })).tolist() as number[][];
    expect(beam).toEqual([[0, 3, 1], [0, 3, 1]]);
    expect(seqLogProb(probs, beam[0]!)).toBeGreaterThan(seqLogProb(probs, greedy[0]!));
    // Exhaustive check: no sequence of up to 5 generated tokens ending in eos is likelier.
    let bestOther = -Infinity;
    const walk = (seq: number[]): void => {
      if (seq.at(-1) === EOS && seq.length > 1) return void (bestOther = Math.max(bestOther, seqLogProb(probs, seq)));
      if (seq.length >= 6) return;
      for (const v of [1, 2, 3]) walk([...seq, v]);
    };
    walk([BOS]);
    expect(seqLogProb(probs, [0, 3, 1])).toBeCloseTo(bestOther, 10);
  });

  it('stops as soon as no open hypothesis can beat the best finished one', async () => {
    const model = tableModel(probs);
    await beamSearch(model, tensor([[5]], { dtype: 'int32' }), { bos: BOS, eos: EOS, maxLength: 50, beamWidth: 2 });
    expect(model.calls).toEqual([1, 2]); // decode on [bos] and [bos, x] only
  });

  it('respects the length limit when eos never wins, and frees what it makes', async () => {
    const never = (): number[] => [1e-9, 1e-6, 0.6, 0.4];
    const model = tableModel(never);
    const src = tensor([[5, 6, 7]], { dtype: 'int32' });
    const before = memory().tensors;
    for (const maxLength of [1, 2, 5]) {
      const out = await beamSearch(model, src, { bos: BOS, eos: EOS, maxLength, beamWidth: 3 });
      expect(out.shape).toEqual([1, maxLength]);
      expect(out.tolist()).toEqual([[0, ...new Array(maxLength - 1).fill(2)]]);
      out.dispose();
    }
    expect(model.calls.every((t) => t < 5)).toBe(true);
    expect(memory().tensors).toBe(before);
  });

  it('pads shorter outputs with eos and ranks by the GNMT length penalty', async () => {
    // [bos, eos] has probability 0.5; [bos, 2, 2, eos] has 0.5·0.9·0.9 ≈ 0.405 over 3 tokens.
    const probs2 = (prefix: number[]): number[] => (prefix.length === 1 ? [1e-9, 0.5, 0.5, 1e-9] : prefix.length === 2 ? [1e-9, 0.05, 0.9, 0.05] : [1e-9, 0.9, 0.05, 0.05]);
    const model = tableModel(probs2);
    const src = tensor([[5]], { dtype: 'int32' });
    const plain = await beamSearch(model, src, { bos: BOS, eos: EOS, maxLength: 8, beamWidth: 3 });
    expect(plain.tolist()).toEqual([[0, 1]]);
    // α = 1: log 0.5 / ((5+1)/6) = -0.693 against log 0.405 / ((5+3)/6) = -0.678: the longer one wins.
    const penalized = await beamSearch(model, src, { bos: BOS, eos: EOS, maxLength: 8, beamWidth: 3, lengthPenalty: 1 });
    expect(penalized.tolist()).toEqual([[0, 2, 2, 1]]);
  });

  it('rejects bad options before running the model', async () => {
    const model = tableModel(probs);
    const src = tensor([[5]], { dtype: 'int32' });
    await expect(beamSearch(model, src, { bos: 0, eos: 1, maxLength: 4, beamWidth: 0 })).rejects.toThrow(/beamWidth/);
    await expect(beamSearch(model, src, { bos: 0, eos: 1, maxLength: 0 })).rejects.toThrow(/maxLength/);
    await expect(beamSearch(model, src, { bos: 0, eos: 1, maxLength: 4, lengthPenalty: NaN })).rejects.toThrow(/lengthPenalty/);
    await expect(beamSearch(model, src.float(), { bos: 0, eos: 1, maxLength: 4 })).rejects.toThrow(/int32/);
    expect(model.calls).toEqual([]);
  });
});

describe('Transformer.forwardWithAttention', () => {
  const E = 8;
  const H = 2;
  const d = E / H;

  function build(): Transformer {
    manualSeed(3);
    const model = new Transformer({ dModel: E, nhead: H, numEncoderLayers: 2, numDecoderLayers: 3, dimFeedforward: 16, dropout: 0 });
    model.eval();
    return model;
  }

  it('returns [N, nhead, L, S] weights for every layer, rows summing to 1, and the same output as forward', () => {
    const model = build();
    const src = randn([2, 5, E]);
    const tgt = randn([2, 4, E]);
    const srcKeyPaddingMask = tensor([[false, false, false, false, false], [false, false, false, true, true]]);
    const masks = { tgtMask: causalMask(4), srcKeyPaddingMask, memoryKeyPaddingMask: srcKeyPaddingMask };
    const { output, attention } = model.forwardWithAttention(src, tgt, masks);
    expect(attention.encoder.map((w) => w.shape)).toEqual([[2, H, 5, 5], [2, H, 5, 5]]);
    expect(attention.decoderSelf.map((w) => w.shape)).toEqual(new Array(3).fill([2, H, 4, 4]));
    expect(attention.decoderCross.map((w) => w.shape)).toEqual(new Array(3).fill([2, H, 4, 5]));
    for (const w of [...attention.encoder, ...attention.decoderSelf, ...attention.decoderCross]) {
      const rows = pf.sum(w, -1).dataSync();
      for (const r of rows) expect(r).toBeCloseTo(1, 5);
    }
    // Masked keys get zero weight: later target positions, and padding of source 1.
    const self0 = attention.decoderSelf[0]!.tolist() as number[][][][];
    expect(self0[0]![1]![0]![1]).toBe(0);
    const cross = attention.decoderCross[2]!.tolist() as number[][][][];
    expect(cross[1]![0]![2]![3]).toBe(0);
    expect(cross[1]![0]![2]![4]).toBe(0);
    const plain = model.forward(src, tgt, undefined, masks.tgtMask, undefined, srcKeyPaddingMask, undefined, srcKeyPaddingMask);
    const a = output.dataSync();
    const b = plain.dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 6);
  });

  it('equals softmax(q kᵀ / √d) computed by hand for one head of the first encoder layer and the first decoder self-attention', () => {
    const model = build();
    const src = randn([1, 5, E]);
    const tgt = randn([1, 3, E]);
    const { attention } = model.forwardWithAttention(src, tgt, { tgtMask: causalMask(3) });
    // Post-norm layers: the first layer's self-attention sees its input unchanged.
    const byHand = (x: Tensor, attn: { in_proj_weight: Tensor | null; in_proj_bias: Tensor | null }, head: number, causal: boolean): number[][] => {
      const X = x.tolist() as number[][][];
      const W = attn.in_proj_weight!.tolist() as number[][];
      const bias = attn.in_proj_bias!.tolist() as number[];
      const proj = (row: number[], block: number): number[] =>
        Array.from({ length: d }, (_, j) => {
          const o = block * E + head * d + j;
          return bias[o]! + row.reduce((s, v, k) => s + v * W[o]![k]!, 0);
        });
      const q = X[0]!.map((r) => proj(r, 0));
      const k = X[0]!.map((r) => proj(r, 1));
      return q.map((qi, i) => {
        const scores = k.map((kj, j) => (causal && j > i ? -Infinity : qi.reduce((s, v, m) => s + v * kj[m]!, 0) / Math.sqrt(d)));
        const mx = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - mx));
        const z = e.reduce((s, v) => s + v, 0);
        return e.map((v) => v / z);
      });
    };
    const enc = (attention.encoder[0]!.tolist() as number[][][][])[0]![1]!;
    const encHand = byHand(src, model.encoder.layers[0]!.self_attn, 1, false);
    const dec = (attention.decoderSelf[0]!.tolist() as number[][][][])[0]![0]!;
    const decHand = byHand(tgt, model.decoder.layers[0]!.self_attn, 0, true);
    for (const [got, want] of [[enc, encHand], [dec, decHand]] as const) {
      got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 5)));
    }
  });
});
