import * as pf from '@profundo/core';
import { Generator, manualSeed, memory, nn, tensor, tidy, type Tensor } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { Adam } from '@profundo/optimizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { Embedding, PositionalEncoding, Transformer, causalMask, greedyDecode, type Seq2SeqModel } from '@profundo/layers-transformer';

beforeAll(async () => {
  if (!pf.listBackends().includes('cpu')) pf.registerBackend('cpu', createCpuBackend);
  await pf.setBackend('cpu');
});

const BOS = 1;
const EOS = 2;
const VOCAB = 8; // 0 unused (padding), 1 bos, 2 eos, 3…7 symbols
const LEN = 4;
const D = 32;

class ReverseModel extends nn.Module implements Seq2SeqModel {
  srcEmb = new Embedding(VOCAB, D);
  tgtEmb = new Embedding(VOCAB, D);
  pos = new PositionalEncoding(D, { dropout: 0, maxLen: 16 });
  transformer = new Transformer({ dModel: D, nhead: 4, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64, dropout: 0 });
  generator = new nn.Linear(D, VOCAB);

  encode(src: Tensor): Tensor {
    return this.transformer.encode(this.pos.forward(this.srcEmb.forward(src)));
  }

  decode(tgt: Tensor, memory: Tensor): Tensor {
    const x = this.pos.forward(this.tgtEmb.forward(tgt));
    return this.generator.forward(this.transformer.decode(x, memory, { tgtMask: causalMask(tgt.shape[1]!) }));
  }

  forward(src: Tensor, tgt: Tensor): Tensor {
    return this.decode(tgt, this.encode(src));
  }
}

describe('greedyDecode', () => {
  it('appends argmax tokens, stops at eos, pads finished rows with eos, respects maxLength', async () => {
    // A fake model whose next token after t tokens is row 0: 3, 4, EOS; row 1: 5, 5, 5, …
    const fake: Seq2SeqModel = {
      encode: (src) => src.float(),
      decode: (tgt) => {
        const [n, t] = tgt.shape as [number, number];
        const logits = new Float32Array(n * t * VOCAB);
        for (let i = 0; i < n; i++) {
          for (let p = 0; p < t; p++) {
            const next = i === 0 ? [3, 4, EOS][Math.min(p, 2)]! : 5;
            logits[(i * t + p) * VOCAB + next] = 1;
          }
        }
        return tensor(logits, { shape: [n, t, VOCAB] });
      },
    };
    const src = tensor(Int32Array.from([3, 3, 3, 3]), { shape: [2, 2], dtype: 'int32' });
    const out = await greedyDecode(fake, src, { bos: BOS, eos: EOS, maxLength: 6 });
    expect(out.dtype).toBe('int32');
    expect(out.tolist()).toEqual([
      [BOS, 3, 4, EOS, EOS, EOS],
      [BOS, 5, 5, 5, 5, 5],
    ]);
    const short = await greedyDecode(fake, src.narrow(0, 0, 1), { bos: BOS, eos: EOS, maxLength: 10 });
    expect(short.tolist()).toEqual([[BOS, 3, 4, EOS]]);
  });
});

describe('end to end', () => {
  it('a 1-layer encoder–decoder learns to reverse sequences and greedyDecode reproduces held-out ones', async () => {
    manualSeed(0);
    const rng = new Generator(1);
    // All 5^4 sequences over symbols 3…7; a seeded 10% are held out.
    const all: number[][] = [];
    for (let i = 0; i < 625; i++) all.push([0, 1, 2, 3].map((k) => 3 + (Math.floor(i / 5 ** k) % 5)));
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    const test = all.slice(0, 60);
    const train = all.slice(60);

    const model = new ReverseModel();
    const opt = new Adam(model.parameters(), { lr: 3e-3 });
    const batch = 32;
    const ints = (v: number[], shape: number[]) => tensor(Int32Array.from(v), { shape, dtype: 'int32' });
    let loss = Infinity;
    for (let step = 0; step < 300; step++) {
      const seqs = Array.from({ length: batch }, () => train[Math.floor(rng.uniform() * train.length)]!);
      const src = ints(seqs.flat(), [batch, LEN]);
      const tgtIn = ints(seqs.flatMap((s) => [BOS, ...[...s].reverse()]), [batch, LEN + 1]);
      const tgtOut = ints(seqs.flatMap((s) => [...[...s].reverse(), EOS]), [batch * (LEN + 1)]);
      loss = tidy(() => {
        opt.zeroGrad();
        const logits = model.forward(src, tgtIn);
        const l = nn.crossEntropy(logits.reshape([batch * (LEN + 1), VOCAB]), tgtOut);
        l.backward();
        opt.step();
        return l.item();
      });
    }
    expect(loss).toBeLessThan(0.05);

    model.eval();
    const src = ints(test.flat(), [test.length, LEN]);
    const live = memory().tensors;
    const out = await greedyDecode(model, src, { bos: BOS, eos: EOS, maxLength: LEN + 2 });
    expect(memory().tensors).toBe(live + 1); // only the result: encoder and decoder temporaries are freed
    expect(out.shape).toEqual([test.length, LEN + 2]);
    const got = out.tolist() as number[][];
    const exact = test.filter((s, i) => got[i]!.join() === [BOS, ...[...s].reverse(), EOS].join()).length;
    expect(exact).toBe(test.length);
  });
});
